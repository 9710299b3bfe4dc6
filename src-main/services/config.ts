// Deployment configuration, so IT staff can configure a province's installs centrally:
// a machine-wide folder (Windows %ProgramData%\VanThuSo, Linux /etc/vanthu-so, macOS
// /Library/Application Support/VanThuSo) and the user's profile folder may each hold
//   config.json   { "tsaUrl", "gatewayUrl", "pkcs11Modules": [...], "tokenTimeoutMs", "idleLogoutMinutes" }
//   trust/        trust anchors (PEM/DER): the national root and the Government CA roots
// The machine-wide file wins over the profile's (an official cannot loosen policy).

import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const ConfigFile = z
  .object({
    tsaUrl: z.string().url().optional(),
    gatewayUrl: z.string().url().optional(),
    pkcs11Modules: z.array(z.string()).optional(),
    tokenTimeoutMs: z.number().int().positive().optional(),
    idleLogoutMinutes: z.number().positive().optional(),
  })
  .strict();
export type VanthuConfig = z.infer<typeof ConfigFile> & {
  trustPaths: string[];
  problems: string[];
  /** Keys the machine-wide file sets: fixed by IT, shown locked, never overwritten by the user. */
  machineKeys: string[];
};

export function machineConfigDir(): string {
  if (process.env.VANTHU_MACHINE_CONFIG_DIR) return process.env.VANTHU_MACHINE_CONFIG_DIR;
  if (process.platform === 'win32') return path.join(process.env.ProgramData ?? 'C:\\ProgramData', 'VanThuSo');
  if (process.platform === 'darwin') return '/Library/Application Support/VanThuSo';
  return '/etc/vanthu-so';
}

export function loadConfig(profileDir: string): VanthuConfig {
  const problems: string[] = [];
  const read = (dir: string) => {
    const file = path.join(dir, 'config.json');
    if (!fs.existsSync(file)) return {};
    try {
      const parsed = ConfigFile.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
      if (parsed.success) return parsed.data;
      problems.push(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    } catch (e) {
      problems.push(`${file}: ${(e as Error).message}`);
    }
    return {};
  };
  const dirs = [profileDir, machineConfigDir()];
  const machine = read(dirs[1]);
  const merged = Object.assign({}, read(dirs[0]), machine);
  const trustPaths = [
    ...(process.env.VANTHU_TRUST ?? '').split(path.delimiter).filter(Boolean),
    ...dirs.map((d) => path.join(d, 'trust')).filter((d) => fs.existsSync(d)),
  ];
  return { ...merged, trustPaths, problems, machineKeys: Object.keys(machine) };
}

/**
 * Set keys of the profile's own config.json (e.g. the server address chosen at first run),
 * written through a temp file and rename. Keys the machine-wide file sets are refused.
 */
export function saveProfileConfig(profileDir: string, patch: Partial<z.infer<typeof ConfigFile>>): void {
  const file = path.join(profileDir, 'config.json');
  let current: Record<string, unknown> = {};
  try {
    current = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    /* none yet, or unreadable: start afresh */
  }
  const next = ConfigFile.parse({ ...current, ...patch });
  fs.mkdirSync(profileDir, { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify(next, null, 2) + '\n', { mode: 0o600 });
  fs.renameSync(tmp, file);
}
