// The settings desk's service: the active profile's own settings, read and written on the main
// side only. What IT fixed in the machine-wide configuration (config.ts: machineKeys) is shown
// locked and refused here; the demo province's server and roots are the demo's own.
//   <profile>/config.json     gatewayUrl, tsaUrl, pkcs11Modules (the same file IT may prefill)
//   <profile>/settings.json   language, revocationCacheMaxMB (the desk's own preferences)
//   <profile>/trust/          trusted roots the person added (PEM, named by fingerprint)
//   <profile>/revocation-cache/{crl,ocsp}/<sha256>.der   fetched CRLs/OCSP answers (cleared here;
//                             files an administrator dropped there keep their own names and stay)

import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { VanthuError, type AppError } from '../../src-shared/errors';
import type { Req, Res } from '../../src-shared/ipc/contract';
import { REVOCATION_CACHE_MB, SETTINGS_LANGUAGES } from '../../src-shared/ipc/settings';
import { loadConfig, machineConfigDir, saveProfileConfig, type VanthuConfig } from './config';
import type { ServiceContext } from './handlers';

type State = Res<'settings.get'>;
type Lock = State['gatewayUrl']['locked'];

const SettingsFile = z
  .object({
    language: z.enum(SETTINGS_LANGUAGES).optional(),
    revocationCacheMaxMB: z.number().int().min(REVOCATION_CACHE_MB.min).max(REVOCATION_CACHE_MB.max).optional(),
  })
  .strip();
type SettingsFileT = z.infer<typeof SettingsFile>;

const CERT_EXT = /\.(pem|crt|cer|der|cert)$/i;
const CACHED_ENTRY = /^[0-9a-f]{64}\.der$/;

/** What the settings service needs of the running context (ManagedContext has it all). */
type Ctx = ServiceContext & {
  config?: VanthuConfig;
  reconfigure?(profileDir: string, opts?: { allowDemo?: boolean }): Promise<void>;
};

function readSettingsFile(dir: string): SettingsFileT {
  try {
    return SettingsFile.parse(JSON.parse(fs.readFileSync(path.join(dir, 'settings.json'), 'utf8')));
  } catch {
    return {};
  }
}

function writePrivate(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, text, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

function describeCert(der: Uint8Array): { subject: string; issuer: string; fingerprint: string; notAfter: string; ca: boolean } {
  const c = new X509Certificate(der);
  const oneLine = (dn: string) => dn.split('\n').filter(Boolean).join(', ');
  return { subject: oneLine(c.subject), issuer: oneLine(c.issuer), fingerprint: c.fingerprint256, notAfter: new Date(c.validTo).toISOString(), ca: c.ca };
}

/** Certificates in a file: every PEM block, else the file as DER. */
function certsIn(bytes: Uint8Array): Uint8Array[] {
  const text = Buffer.from(bytes).toString('latin1');
  const pems = [...text.matchAll(/-----BEGIN (?:X509 |TRUSTED )?CERTIFICATE-----([\s\S]*?)-----END (?:X509 |TRUSTED )?CERTIFICATE-----/g)];
  if (pems.length > 0) return pems.map((m) => new Uint8Array(Buffer.from(m[1].replace(/\s+/g, ''), 'base64')));
  return bytes.length > 0 && bytes[0] === 0x30 ? [bytes] : [];
}

function dirSize(dir: string): { bytes: number; entries: number } {
  let bytes = 0, entries = 0;
  for (const kind of ['crl', 'ocsp']) {
    let names: string[] = [];
    try { names = fs.readdirSync(path.join(dir, kind)); } catch { continue; }
    for (const n of names) {
      try { bytes += fs.statSync(path.join(dir, kind, n)).size; entries++; } catch { /* gone */ }
    }
  }
  return { bytes, entries };
}

export class SettingsService {
  constructor(private readonly ctx: Ctx) {}

  private get dir(): string {
    return this.ctx.profileDir;
  }
  private get demo(): boolean {
    return !!this.ctx.allowDemo;
  }
  private config(): VanthuConfig {
    return loadConfig(this.dir);
  }
  private cacheDir(): string {
    return path.join(this.dir, 'revocation-cache');
  }
  private trustDir(): string {
    return path.join(this.dir, 'trust');
  }

  /** The lock on a configuration key: IT's machine-wide file first, then the demo's own values. */
  private lock(config: VanthuConfig, key: 'gatewayUrl' | 'tsaUrl' | 'pkcs11Modules'): Lock {
    if (config.machineKeys.includes(key)) return 'machine';
    if (this.demo && key === 'gatewayUrl') return 'demo';
    return null;
  }

  get(): State {
    const config = this.config();
    const own = readSettingsFile(this.dir);
    this.prune(own.revocationCacheMaxMB ?? REVOCATION_CACHE_MB.default);
    const used = dirSize(this.cacheDir());
    const problems: AppError[] = config.problems.map((p) => ({ code: 'CONFIG_IGNORED', message_vi: `Cấu hình bị bỏ qua: ${p}`, message_en: `Configuration ignored: ${p}` }));
    return {
      gatewayUrl: { value: this.demo ? (this.ctx.gatewayUrl ?? null) : (config.gatewayUrl ?? null), locked: this.lock(config, 'gatewayUrl') },
      tsaUrl: { value: config.tsaUrl ?? null, locked: this.lock(config, 'tsaUrl') },
      pkcs11Modules: { value: config.pkcs11Modules ?? [], locked: this.lock(config, 'pkcs11Modules') },
      language: { value: own.language ?? null, locked: null },
      revocationCacheMaxMB: { value: own.revocationCacheMaxMB ?? REVOCATION_CACHE_MB.default, locked: null },
      trustedRoots: this.roots(problems),
      trustAddable: true,
      revocationCache: { usedBytes: used.bytes, entries: used.entries },
      problems,
    };
  }

  private roots(problems: AppError[]): State['trustedRoots'] {
    const out: State['trustedRoots'] = [];
    const profileTrust = path.resolve(this.trustDir());
    const machineTrust = path.resolve(machineConfigDir(), 'trust');
    const env = (process.env.VANTHU_TRUST ?? '').split(path.delimiter).filter(Boolean);
    const entries: { p: string; source: 'profile' | 'machine' | 'environment' }[] = [
      ...env.map((p) => ({ p, source: 'environment' as const })),
      { p: profileTrust, source: 'profile' },
      { p: machineTrust, source: 'machine' },
    ];
    const seen = new Set<string>();
    for (const { p, source } of entries) {
      let files: string[] = [];
      try {
        files = fs.statSync(p).isDirectory() ? fs.readdirSync(p).sort().filter((f) => CERT_EXT.test(f)).map((f) => path.join(p, f)) : [p];
      } catch {
        continue;
      }
      for (const f of files) {
        let certs: Uint8Array[] = [];
        try { certs = certsIn(new Uint8Array(fs.readFileSync(f))); } catch { /* unreadable */ }
        for (const der of certs) {
          try {
            const d = describeCert(der);
            if (seen.has(`${source}:${d.fingerprint}`)) continue;
            seen.add(`${source}:${d.fingerprint}`);
            const locked: Lock = source === 'profile' ? (this.demo ? 'demo' : null) : 'machine';
            out.push({ id: source === 'profile' ? path.basename(f) : f, subject: d.subject, issuer: d.issuer, fingerprint: d.fingerprint, notAfter: d.notAfter, source, locked });
          } catch {
            problems.push({ code: 'TRUST_UNREADABLE', message_vi: `Tệp ${path.basename(f)} có chứng thư không đọc được.`, message_en: `${path.basename(f)} holds a certificate that cannot be read.` });
          }
        }
      }
    }
    return out;
  }

  async set(patch: Req<'settings.set'>): Promise<State> {
    const config = this.config();
    for (const key of ['gatewayUrl', 'tsaUrl', 'pkcs11Modules'] as const) {
      if (patch[key] === undefined) continue;
      const lock = this.lock(config, key);
      if (lock === 'machine')
        throw new VanthuError('SETTINGS_LOCKED', `Giá trị "${key}" do bộ phận CNTT cấu hình chung cho máy này, không sửa được ở đây. Hãy liên hệ bộ phận CNTT nếu cần đổi.`, `"${key}" is set by IT in this machine's configuration and cannot be changed here. Ask IT if it must change.`, { key });
      if (lock === 'demo')
        throw new VanthuError('SETTINGS_DEMO', `Trong chế độ dùng thử, "${key}" là của tỉnh mẫu. Hãy chọn "Kết nối máy chủ thật" để dùng máy chủ của tỉnh.`, `In the demo, "${key}" belongs to the demo province. Choose "Connect to the real server" to use your province's server.`, { key });
    }
    const cfgPatch: Record<string, unknown> = {};
    if (patch.gatewayUrl !== undefined) cfgPatch.gatewayUrl = patch.gatewayUrl ?? undefined;
    if (patch.tsaUrl !== undefined) cfgPatch.tsaUrl = patch.tsaUrl ?? undefined;
    if (patch.pkcs11Modules !== undefined) cfgPatch.pkcs11Modules = patch.pkcs11Modules.length ? [...new Set(patch.pkcs11Modules)] : undefined;
    if (Object.keys(cfgPatch).length > 0) {
      try {
        saveProfileConfig(this.dir, cfgPatch);
      } catch (e) {
        throw new VanthuError('SETTINGS_WRITE_FAILED', `Không ghi được cấu hình vào hồ sơ (${(e as Error).message}). Hãy kiểm tra quyền ghi thư mục hồ sơ rồi thử lại.`, `The configuration could not be written to the profile (${(e as Error).message}). Check that the profile folder is writable, then retry.`);
      }
    }
    if (patch.language !== undefined || patch.revocationCacheMaxMB !== undefined) {
      const own = { ...readSettingsFile(this.dir) };
      if (patch.language !== undefined) own.language = patch.language;
      if (patch.revocationCacheMaxMB !== undefined) own.revocationCacheMaxMB = patch.revocationCacheMaxMB;
      writePrivate(path.join(this.dir, 'settings.json'), JSON.stringify(own, null, 2) + '\n');
    }
    await this.apply(patch.pkcs11Modules !== undefined);
    return this.get();
  }

  async addTrustedRoot(req: Req<'settings.addTrustedRoot'>): Promise<State> {
    const certs = certsIn(req.data);
    if (certs.length !== 1)
      throw new VanthuError('SETTINGS_NOT_CERTIFICATE', `Tệp ${req.fileName} không phải một chứng thư số (cần đúng một chứng thư, dạng PEM hoặc DER). Hãy chọn tệp .cer/.crt/.pem của chứng thư gốc.`, `${req.fileName} is not one certificate (exactly one, PEM or DER, is needed). Choose the root's .cer/.crt/.pem file.`);
    let d;
    try {
      d = describeCert(certs[0]);
    } catch {
      throw new VanthuError('SETTINGS_NOT_CERTIFICATE', `Tệp ${req.fileName} không đọc được như một chứng thư số. Hãy chọn tệp .cer/.crt/.pem của chứng thư gốc.`, `${req.fileName} cannot be read as a certificate. Choose the root's .cer/.crt/.pem file.`);
    }
    if (!d.ca)
      throw new VanthuError('SETTINGS_NOT_CA', `Chứng thư "${d.subject}" không phải chứng thư của tổ chức cung cấp dịch vụ chứng thực (CA), nên không thể làm chứng thư gốc tin cậy. Hãy chọn chứng thư gốc của CA.`, `"${d.subject}" is not a certification authority's certificate, so it cannot be a trusted root. Choose the CA's root certificate.`);
    const name = `${d.fingerprint.replace(/:/g, '').slice(0, 32).toLowerCase()}.pem`;
    const file = path.join(this.trustDir(), name);
    if (fs.existsSync(file))
      throw new VanthuError('SETTINGS_ROOT_EXISTS', `Chứng thư gốc "${d.subject}" đã có trong danh sách.`, `The root "${d.subject}" is already in the list.`);
    const pem = `-----BEGIN CERTIFICATE-----\n${Buffer.from(certs[0]).toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
    writePrivate(file, pem);
    await this.apply(false);
    return this.get();
  }

  async removeTrustedRoot(req: Req<'settings.removeTrustedRoot'>): Promise<State> {
    if (this.demo)
      throw new VanthuError('SETTINGS_DEMO', 'Chứng thư gốc của tỉnh mẫu không gỡ được trong chế độ dùng thử.', 'The demo province\'s roots cannot be removed in the demo.');
    const file = path.join(this.trustDir(), req.id);
    if (!CERT_EXT.test(req.id) || !fs.existsSync(file))
      throw new VanthuError('SETTINGS_ROOT_NOT_FOUND', 'Không tìm thấy chứng thư gốc này trong hồ sơ (có thể do bộ phận CNTT cấu hình, hoặc đã được gỡ). Hãy tải lại trang Cài đặt.', 'This root is not in the profile (IT may have configured it, or it was already removed). Reload the settings.');
    fs.rmSync(file);
    await this.apply(false);
    return this.get();
  }

  async clearRevocationCache(): Promise<State> {
    for (const kind of ['crl', 'ocsp']) {
      const d = path.join(this.cacheDir(), kind);
      let names: string[] = [];
      try { names = fs.readdirSync(d); } catch { continue; }
      for (const n of names) if (CACHED_ENTRY.test(n)) fs.rmSync(path.join(d, n), { force: true });
    }
    return this.get();
  }

  /** Keep the cached (fetched) entries within the size limit: the oldest go first. */
  private prune(maxMB: number): void {
    const max = maxMB * 1024 * 1024;
    const files: { f: string; size: number; t: number }[] = [];
    for (const kind of ['crl', 'ocsp']) {
      const d = path.join(this.cacheDir(), kind);
      let names: string[] = [];
      try { names = fs.readdirSync(d); } catch { continue; }
      for (const n of names) {
        if (!CACHED_ENTRY.test(n)) continue;
        try { const st = fs.statSync(path.join(d, n)); files.push({ f: path.join(d, n), size: st.size, t: st.mtimeMs }); } catch { /* gone */ }
      }
    }
    let total = files.reduce((s, x) => s + x.size, 0);
    for (const x of files.sort((a, b) => a.t - b.t)) {
      if (total <= max) break;
      fs.rmSync(x.f, { force: true });
      total -= x.size;
    }
  }

  /** The running services follow the new files: trust anchors at once, token drivers by a restart of the token service. */
  private async apply(tokensChanged: boolean): Promise<void> {
    const ctx = this.ctx;
    if (tokensChanged && ctx.reconfigure) {
      const gw = ctx.gatewayUrl;
      const demo = !!ctx.allowDemo;
      await ctx.reconfigure(ctx.profileDir, { allowDemo: demo });
      if (demo) ctx.gatewayUrl = gw;
      return;
    }
    const next = this.config();
    ctx.trustPaths = next.trustPaths;
    if (ctx.config) ctx.config = next;
    if (!ctx.allowDemo) ctx.gatewayUrl = next.gatewayUrl;
  }
}

