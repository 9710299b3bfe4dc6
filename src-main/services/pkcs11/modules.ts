// Driver discovery: which PKCS#11 module files to try, in order — configured paths first, then
// deployment lists (VANTHU_PKCS11_MODULES, a JSON file in the same schema as
// resources/pkcs11-modules.json, or several separated by the path delimiter), then the built-in
// list of Vietnamese CA drivers, then OpenSC and SoftHSM2.

import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import builtin from '../../../resources/pkcs11-modules.json';

const ModuleEntry = z.object({
  vendor: z.string(),
  windows: z.array(z.string()).default([]),
  linux: z.array(z.string()).default([]),
  darwin: z.array(z.string()).default([]),
});
export const ModulesFile = z.object({ version: z.literal(1), modules: z.array(ModuleEntry) });
export type ModulesFile = z.infer<typeof ModulesFile>;

export type ModuleSource = 'configured' | 'deployment' | 'builtin';

export interface ModuleCandidate {
  path: string;
  vendor: string;
  source: ModuleSource;
  /** False when the file is not on disk (reported for configured paths only). */
  exists: boolean;
}

export interface DiscoveryOptions {
  /** Paths from the user's configuration or `--pkcs11-module`; tried first, always reported. */
  configured?: string[];
  /** Extra module list files; default: VANTHU_PKCS11_MODULES split by path.delimiter. */
  extraFiles?: string[];
  /** Use the built-in list (default true). */
  builtin?: boolean;
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
}

export interface DiscoveryProblem { file: string; reason: string }

function windowsDirs(env: NodeJS.ProcessEnv): string[] {
  const root = env.SystemRoot ?? env.windir ?? 'C:\\Windows';
  return [path.win32.join(root, 'System32'), path.win32.join(root, 'SysWOW64')];
}

const UNIX_DIRS = ['/usr/lib', '/usr/local/lib', '/usr/lib/x86_64-linux-gnu', '/usr/lib64', '/opt/homebrew/lib'];

/** Expand one list entry to absolute candidate paths for the platform. */
export function expandName(name: string, platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string[] {
  if (platform === 'win32') {
    return path.win32.isAbsolute(name) ? [name] : windowsDirs(env).map((d) => path.win32.join(d, name));
  }
  return path.posix.isAbsolute(name) ? [name] : UNIX_DIRS.map((d) => path.posix.join(d, name));
}

function osKey(platform: NodeJS.Platform): 'windows' | 'linux' | 'darwin' {
  return platform === 'win32' ? 'windows' : platform === 'darwin' ? 'darwin' : 'linux';
}

/** Read and validate a deployment module list. */
export function readModulesFile(file: string): ModulesFile {
  return ModulesFile.parse(JSON.parse(readFileSync(file, 'utf8')));
}

function canonical(p: string): string {
  try { return realpathSync(p); } catch { return p; }
}

/**
 * The ordered, de-duplicated list of module candidates. Built-in and deployment entries are
 * kept only when the file exists; configured ones are always returned (with `exists`).
 */
export function discoverModules(opts: DiscoveryOptions = {}): { candidates: ModuleCandidate[]; problems: DiscoveryProblem[] } {
  const platform = opts.platform ?? process.platform;
  const env = opts.env ?? process.env;
  const key = osKey(platform);
  const seen = new Set<string>();
  const candidates: ModuleCandidate[] = [];
  const problems: DiscoveryProblem[] = [];
  const push = (p: string, vendor: string, source: ModuleSource) => {
    const exists = existsSync(p);
    if (!exists && source !== 'configured') return;
    const id = exists ? canonical(p) : p;
    if (seen.has(id)) return;
    seen.add(id);
    candidates.push({ path: p, vendor, source, exists });
  };
  for (const p of opts.configured ?? []) push(path.resolve(p), 'configured', 'configured');
  const extra = opts.extraFiles ??
    (env.VANTHU_PKCS11_MODULES ? env.VANTHU_PKCS11_MODULES.split(path.delimiter).filter(Boolean) : []);
  const lists: { file: ModulesFile; source: ModuleSource }[] = [];
  for (const f of extra) {
    try { lists.push({ file: readModulesFile(f), source: 'deployment' }); }
    catch (e) { problems.push({ file: f, reason: e instanceof Error ? e.message : String(e) }); }
  }
  if (opts.builtin !== false) lists.push({ file: ModulesFile.parse(builtin), source: 'builtin' });
  for (const { file, source } of lists) {
    for (const m of file.modules) {
      for (const name of m[key]) for (const p of expandName(name, platform, env)) push(p, m.vendor, source);
    }
  }
  return { candidates, problems };
}
