// The demo profile ("Dùng thử") end to end: the demo province made on disk (marked certificates,
// private CA key, PKCS#12 files, SoftHSM token, seeded gateway database), its sample signatures
// checked by our verifier and by poppler/NSS, demo certificates refused by a real profile and by
// the command line, signing from the demo over IPC (PKCS#12 and token), damaged demo folders
// rebuilt, a busy port avoided, and the profile choice persisted. One demo is built in beforeAll
// (a ProfileManager with autoDemo on an empty root) and copied where a test needs a demo folder
// of its own; only the tests about rebuilding, resetting and a fresh port build again.

import { execFileSync, spawn } from 'node:child_process';
import { createPublicKey, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDemoProfile, demoPaths, type DemoManifest } from '../../src-main/services/demo/build';
import { ProfileManager } from '../../src-main/services/profile/manager';
import { createServiceContext, type ManagedContext } from '../../src-main/services/context';
import { createHandlers } from '../../src-main/services/handlers';
import { createRouter } from '../../src-main/services/ipc/router';
import { openPkcs12 } from '../../src-main/services/p12/index';
import { verifyFile } from '../../src-main/services/verify/index';
import { DEMO_PEOPLE, DEMO_SAMPLES, DEMO_UNIT, type DemoFlow } from '../../src-shared/demo/catalog';
import { DEMO_MARK, isDemoCertificate } from '../../src-shared/domain/demo';
import { BytesSource, PdfReader } from '../../src-shared/pdf/index';
import { makeNssDb, runPdfsig } from '../helpers/nss';

const REPO = path.resolve(import.meta.dirname, '../..');
const trusted = { trusted: true, origin: 'test' };
const quiet = () => undefined;

// ---------------------------------------------------------------- helpers

const temps: string[] = [];
function tempDir(tag: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), `vanthu-demo-${tag}-`));
  temps.push(d);
  return d;
}

/** A loopback port that was free a moment ago (each manager gets its own, so parallel runs do not collide on 8790). */
async function pickPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

interface Opened {
  root: string;
  ctx: ManagedContext;
  manager: ProfileManager;
  router: ReturnType<typeof createRouter>;
}
const opened: Opened[] = [];

/** A context, a ProfileManager on `root` and the IPC router of that context (closed in afterAll if the test did not). */
async function open(root: string, o: { autoDemo: boolean; demoPort?: number }): Promise<Opened> {
  const ctx = createServiceContext({ runtime: 'host', profileDir: root });
  const manager = new ProfileManager({ root, context: ctx, autoDemo: o.autoDemo, demoPort: o.demoPort ?? (await pickPort()), log: quiet });
  const x = { root, ctx, manager, router: createRouter(createHandlers(ctx)) };
  opened.push(x);
  return x;
}
async function shut(x: Opened): Promise<void> {
  const i = opened.indexOf(x);
  if (i >= 0) opened.splice(i, 1);
  await x.manager.close();
  await x.ctx.close();
}

const b64 = (b: Uint8Array) => new Uint8Array(b);
const ok = <T>(r: { ok: boolean; value?: unknown; error?: unknown }): T => {
  if (!r.ok) throw new Error(`IPC call failed: ${JSON.stringify(r.error)}`);
  return r.value as T;
};

const sampleOf = (m: DemoManifest, flow: DemoFlow) => {
  const key = DEMO_SAMPLES.find((s) => s.flow === flow)!.key;
  return m.samples.find((s) => s.key === key)!;
};
const keysOf = (flows: DemoFlow[]) => DEMO_SAMPLES.filter((s) => flows.includes(s.flow)).map((s) => s.key);
const mode = (p: string) => fs.statSync(p).mode & 0o777;

/** `openssl x509 -subject -nameopt utf8` of a PEM or DER certificate. */
function opensslSubject(cert: string | Uint8Array): string {
  return execFileSync('openssl', ['x509', '-inform', typeof cert === 'string' ? 'PEM' : 'DER', '-noout', '-subject', '-nameopt', 'utf8'], { input: cert, encoding: 'utf8' }).trim();
}
/** Every certificate of a PKCS#12 file, as openssl reads it (PEM blocks). */
function p12CertificatesByOpenssl(file: string, password: string, which: '-clcerts' | '-cacerts'): string[] {
  const out = execFileSync('openssl', ['pkcs12', '-in', file, '-passin', 'env:VANTHU_TEST_P12', '-nokeys', which], { env: { ...process.env, VANTHU_TEST_P12: password }, encoding: 'utf8' });
  return [...out.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n?/g)].map((m) => m[0]);
}

/** Copy the shared demo folder into `root`/demo as a demo of its own (its token conf and saved port adjusted), chosen in profile.json. */
function copyDemoInto(root: string): DemoManifest {
  const to = path.join(root, 'demo');
  fs.cpSync(demoDir, to, { recursive: true });
  const p = demoPaths(to);
  const m = JSON.parse(fs.readFileSync(p.manifest, 'utf8')) as DemoManifest;
  m.gatewayPort = 0;
  if (m.token) {
    m.token.conf = m.token.conf.replace(demoDir, to);
    fs.writeFileSync(m.token.conf, fs.readFileSync(m.token.conf, 'utf8').split(demoDir).join(to));
  }
  fs.writeFileSync(p.manifest, JSON.stringify(m, null, 2), { mode: 0o600 });
  fs.writeFileSync(path.join(root, 'profile.json'), JSON.stringify({ mode: 'demo', since: new Date().toISOString() }));
  expect(checkDemoProfile(to).ok).toBe(true);
  return m;
}

/** `vanthu verify` as users run it (node + the launcher; asynchronous so this process keeps answering). */
function vanthuVerify(args: string[], profileDir: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(REPO, 'bin/vanthu'), 'verify', ...args], { env: { ...process.env, VANTHU_PROFILE_DIR: profileDir } });
    let out = '', err = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

interface Report {
  verdict: string;
  findings: { code: string }[];
  signatures: { indication: string; subIndication: string | null; findings: { code: string }[]; signer: { commonName: string | null } | null }[];
}

// ---------------------------------------------------------------- the shared demo

let demo: Opened;
let demoDir: string;
let manifest: DemoManifest;
let work: string;
let issuedFile: string;

beforeAll(async () => {
  // A source checkout's first start: an empty root with autoDemo makes and enters the demo.
  demo = await open(tempDir('shared'), { autoDemo: true });
  await demo.manager.start();
  demoDir = demo.manager.demoDir;
  const check = checkDemoProfile(demoDir);
  if (!check.ok) throw new Error(`the demo was not made: ${check.detail}`);
  manifest = check.manifest;
  work = tempDir('work');
  issuedFile = path.join(work, 'issued.pdf');
  fs.copyFileSync(demo.manager.demoGateway!.files.filePath(sampleOf(manifest, 'issued').sha256), issuedFile);
});

afterAll(async () => {
  for (const x of opened.splice(0).reverse()) {
    await x.manager.close();
    await x.ctx.close();
  }
  for (const d of temps) fs.rmSync(d, { recursive: true, force: true });
});

// ---------------------------------------------------------------- 1. the demo province on disk

describe('the demo province is made', () => {
  it('marks every certificate (the CA and each PKCS#12 certificate and chain) with DEMO_MARK, as openssl reads the subject', () => {
    const p = demoPaths(demoDir);
    const ca = fs.readFileSync(p.trust, 'utf8');
    expect(opensslSubject(ca)).toContain(`OU=${DEMO_MARK}`);
    const files = [...Object.values(manifest.users).map((u) => u.p12), manifest.organisation.p12];
    expect(files).toHaveLength(4);
    for (const rel of files) {
      const leaf = p12CertificatesByOpenssl(path.join(demoDir, rel), manifest.p12Password, '-clcerts');
      const chain = p12CertificatesByOpenssl(path.join(demoDir, rel), manifest.p12Password, '-cacerts');
      expect(leaf, rel).toHaveLength(1);
      expect(chain.length, rel).toBeGreaterThanOrEqual(1);
      for (const pem of [...leaf, ...chain]) {
        expect(opensslSubject(pem), rel).toContain(`OU=${DEMO_MARK}`);
        expect(isDemoCertificate(new Uint8Array(new X509Certificate(pem).raw))).toBe(true);
      }
      // the leaf is issued by the demo CA
      expect(new X509Certificate(leaf[0]).checkIssued(new X509Certificate(ca))).toBe(true);
    }
  });

  it('keeps the demo CA private key 0600 inside the demo folder, in folders that are 0700', () => {
    const p = demoPaths(demoDir);
    expect(path.relative(demoDir, p.caKey)).toBe(path.join('ca', 'demo-ca.key.pem'));
    expect(mode(p.caKey)).toBe(0o600);
    // it is the CA's key (its public half is the CA certificate's)
    const caCert = new X509Certificate(fs.readFileSync(p.trust));
    expect(createPublicKey(fs.readFileSync(p.caKey)).export({ type: 'spki', format: 'der' }).equals(caCert.publicKey.export({ type: 'spki', format: 'der' }))).toBe(true);
    // and nowhere else: the trust folder holds the certificate only
    expect(fs.readFileSync(p.trust, 'utf8')).not.toMatch(/PRIVATE KEY/);
    for (const d of [demoDir, 'ca', 'trust', 'certs', 'gateway', 'revocation-cache', path.join('revocation-cache', 'crl'), 'softhsm']) {
      expect(mode(path.resolve(demoDir, d)).toString(8), d).toBe('700');
    }
    for (const f of [p.manifest, p.trust, p.crl, ...fs.readdirSync(p.certs).map((n) => path.join(p.certs, n))]) {
      expect(mode(f).toString(8), f).toBe('600');
    }
  });

  it("opens each demo user's PKCS#12 (and the organisation's) with the manifest's password, holding that person's certificate", async () => {
    for (const [role, u] of Object.entries(manifest.users)) {
      const s = await openPkcs12(new Uint8Array(fs.readFileSync(path.join(demoDir, u.p12))), manifest.p12Password);
      try {
        expect(new X509Certificate(s.certificate).subject, role).toContain(`CN=${DEMO_PEOPLE[role as keyof typeof DEMO_PEOPLE].fullName}`);
        expect(s.chain.length).toBeGreaterThanOrEqual(1);
      } finally {
        await s.close();
      }
    }
    const org = await openPkcs12(new Uint8Array(fs.readFileSync(path.join(demoDir, manifest.organisation.p12))), manifest.p12Password);
    expect(new X509Certificate(org.certificate).subject).toContain(`CN=${DEMO_UNIT.name}`);
    await org.close();
    await expect(openPkcs12(new Uint8Array(fs.readFileSync(path.join(demoDir, manifest.users.leader.p12))), `${manifest.p12Password}x`)).rejects.toThrow();
  });

  it("puts the leader's key and certificate on the SoftHSM demo token under the same id", () => {
    const t = manifest.token;
    expect(t, 'SoftHSM2 is installed, so the demo has a token').not.toBeNull();
    const out = execFileSync('pkcs11-tool', ['--module', t!.module, '--token-label', t!.label, '--login', '--pin', t!.pin, '-O'], {
      env: { ...process.env, SOFTHSM2_CONF: t!.conf }, encoding: 'utf8',
    });
    const objects = out.split(/\n(?=\S)/).map((block) => ({
      kind: /^(Private Key|Public Key|Certificate) Object/.exec(block)?.[1],
      id: /^\s*ID:\s*(\S+)/m.exec(block)?.[1],
      label: /^\s*label:\s*(.+)$/m.exec(block)?.[1].trim(),
    }));
    const key = objects.find((o) => o.kind === 'Private Key');
    const cert = objects.find((o) => o.kind === 'Certificate');
    expect(key?.id).toBe(t!.keyId);
    expect(cert?.id).toBe(key?.id);
    expect(cert?.label).toBe(DEMO_PEOPLE.leader.fullName);
    expect(t!.holder).toBe('leader');
  });

  it('seeds the 12 samples into the gateway database: registered incoming rows, one issued with số/ký hiệu, one overdue and urgent ones', () => {
    expect(manifest.samples.map((s) => s.key)).toEqual(DEMO_SAMPLES.map((s) => s.key));
    expect(manifest.samples).toHaveLength(12);
    const byKey = new Map(manifest.samples.map((s) => [s.key, s.docId]));
    const db = new Database(path.join(demoDir, 'gateway', 'gateway.sqlite'), { readonly: true, fileMustExist: true });
    try {
      const docs = db.prepare(`SELECT id, owner_org_id, status, meta FROM documents WHERE id IN (${manifest.samples.map(() => '?').join(',')})`)
        .all(...manifest.samples.map((s) => s.docId)) as { id: string; owner_org_id: string; status: string; meta: string }[];
      expect(docs).toHaveLength(12);

      // incoming: registered ones have a số đến of the unit, the others none yet
      const incoming = db.prepare('SELECT doc_id, so_den FROM incoming WHERE org_id = ?').all(DEMO_UNIT.id) as { doc_id: string; so_den: number }[];
      expect(incoming.map((r) => r.doc_id).sort()).toEqual(keysOf(['incoming-registered']).map((k) => byKey.get(k)).sort());
      expect(incoming.map((r) => r.so_den).sort()).toEqual([1, 2]);

      // the unit's issued document: status issued, with its number and notation
      const issuedId = byKey.get(keysOf(['issued'])[0])!;
      expect(docs.find((d) => d.id === issuedId)).toMatchObject({ owner_org_id: DEMO_UNIT.id, status: 'issued' });
      const issue = db.prepare('SELECT so, ky_hieu, org_id FROM issues WHERE doc_id = ?').get(issuedId) as { so: number; ky_hieu: string; org_id: string } | undefined;
      expect(issue).toMatchObject({ so: 1, org_id: DEMO_UNIT.id });
      expect(issue!.ky_hieu).toMatch(/^KH-UBND/);
      const unitIssued = db.prepare('SELECT COUNT(*) AS n FROM issues WHERE org_id = ?').get(DEMO_UNIT.id) as { n: number };
      expect(unitIssued.n).toBe(1);

      // what the unit received: from other organisations, readable by the unit
      const received = docs.filter((d) => d.owner_org_id !== DEMO_UNIT.id);
      expect(received.map((d) => d.id).sort()).toEqual(keysOf(['incoming', 'incoming-registered', 'incoming-changed']).map((k) => byKey.get(k)).sort());
      for (const d of received) {
        expect(db.prepare('SELECT 1 FROM access WHERE doc_id = ? AND org_id = ?').get(d.id, DEMO_UNIT.id), d.id).toBeTruthy();
      }
      const metas = received.map((d) => JSON.parse(d.meta) as { dueDate?: string; doKhan: string });
      const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
      expect(metas.filter((m) => m.dueDate && m.dueDate < today).length).toBeGreaterThanOrEqual(1);
      expect(metas.some((m) => m.doKhan === 'hoa_toc' || m.doKhan === 'thuong_khan')).toBe(true);
    } finally {
      db.close();
    }
  });
});

// ---------------------------------------------------------------- 2. the sample signatures

describe('the sample signatures', () => {
  const opts = () => ({ trust: [demoPaths(demoDir).trust], allowDemo: true, cacheDir: path.join(demoDir, 'revocation-cache'), offline: true });

  it('verifies the issued sample (ký duyệt + phát hành) TOTAL_PASSED with the demo trust and the demo CRL, offline', async () => {
    const r = await verifyFile(issuedFile, opts());
    expect(r.verdict).toBe('TOTAL_PASSED');
    expect(r.signatures).toHaveLength(2);
    expect(r.signatures.map((s) => s.indication)).toEqual(['TOTAL_PASSED', 'TOTAL_PASSED']);
    expect(r.signatures.map((s) => s.signer?.commonName)).toEqual([DEMO_PEOPLE.leader.fullName, DEMO_UNIT.name]);
    // revocation was checked, from the demo's CRL in its cache
    for (const s of r.signatures) expect(s.revocation).toMatchObject({ status: 'good', source: 'cache' });
  });

  it('is accepted by pdfsig with an NSS DB trusting the demo CA: both signatures valid', () => {
    const nss = makeNssDb(path.join(work, 'nss'), [{ name: 'Demo CA', pemPath: demoPaths(demoDir).trust }]);
    const r = runPdfsig(issuedFile, { nss });
    expect(r.signatures).toHaveLength(2);
    for (const s of r.signatures) {
      expect(s.signatureValidation, r.stdout).toBe('Signature is Valid.');
      expect(s.certificateTrusted, s.certificateValidation).toBe(true);
    }
    expect(r.signatures[1].totalDocumentSigned).toBe(true);
  });

  it("fails the 'incoming-changed' sample: a disallowed change after signing turned 500.000.000 into 950.000.000", async () => {
    const file = path.join(work, 'changed.pdf');
    fs.copyFileSync(demo.manager.demoGateway!.files.filePath(sampleOf(manifest, 'incoming-changed').sha256), file);
    const r = await verifyFile(file, opts());
    expect(r.verdict).toBe('TOTAL_FAILED');
    expect(r.signatures).toHaveLength(1);
    expect(r.signatures[0].integrity).toBe('intact');
    expect(r.signatures[0].modificationsAfter).toBe('disallowed');

    const shown = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
    expect(shown).toContain('950.000.000');
    expect(shown).not.toContain('500.000.000');
    // the revision the agency signed: the bytes its ByteRange covers
    const br = r.signatures[0].byteRange!;
    expect(br).toHaveLength(4);
    const signedRev = path.join(work, 'changed-signed-revision.pdf');
    fs.writeFileSync(signedRev, fs.readFileSync(file).subarray(0, br[2] + br[3]));
    const signedText = execFileSync('pdftotext', [signedRev, '-'], { encoding: 'utf8' });
    expect(signedText).toContain('500.000.000');
    expect(signedText).not.toContain('950.000.000');
  });
});

// ---------------------------------------------------------------- 3. demo certificates outside the demo

describe('a real profile never trusts demo certificates', () => {
  let real: Opened;
  beforeAll(async () => {
    const root = tempDir('real');
    fs.mkdirSync(path.join(root, 'trust'), { recursive: true });
    fs.copyFileSync(demoPaths(demoDir).trust, path.join(root, 'trust', 'demo-ca.pem'));
    real = await open(root, { autoDemo: false });
    const st = ok<{ mode: string }>(await real.router.dispatch('profile.useServer', { offline: true }, trusted));
    expect(st.mode).toBe('real');
  });

  it('verify.pdf in a real profile whose trust/ holds the demo CA: NO_CERTIFICATE_CHAIN_FOUND, DEMO_ANCHOR_IGNORED, DEMO_CERTIFICATE', async () => {
    expect(real.ctx.trustPaths).toContain(path.join(real.root, 'trust'));
    expect(real.ctx.allowDemo).toBe(false);
    const r = ok<Report>(await real.router.dispatch('verify.pdf', { name: 'issued.pdf', data: b64(fs.readFileSync(issuedFile)), offline: true }, trusted));
    expect(r.verdict).not.toBe('TOTAL_PASSED');
    expect(r.signatures).toHaveLength(2);
    for (const s of r.signatures) {
      expect(s.indication).not.toBe('TOTAL_PASSED');
      expect(s.subIndication).toBe('NO_CERTIFICATE_CHAIN_FOUND');
      expect(s.findings.map((f) => f.code)).toContain('DEMO_CERTIFICATE');
    }
    expect(r.findings.map((f) => f.code)).toContain('DEMO_ANCHOR_IGNORED');
  });

  it('vanthu verify --trust <demo trust> --cache <demo cache> --offline exits non-zero and says the signer is not trusted', async () => {
    const r = await vanthuVerify(['--trust', path.join(demoDir, 'trust'), '--cache', path.join(demoDir, 'revocation-cache'), '--offline', issuedFile], tempDir('cli-profile'));
    expect(r.err).toBe('');
    expect(r.code).toBe(1); // not every file TOTAL_PASSED (2 would be a usage error)
    const [headline, ...rest] = r.out.split('\n');
    expect(headline).toContain(issuedFile);
    expect(headline).not.toContain('Hợp lệ / Passed');
    expect(rest.join('\n').match(/\(NO_CERTIFICATE_CHAIN_FOUND: [^)]*No certificate chain to a trust anchor\)/g)).toHaveLength(2);
    expect(r.out).toContain('The demo root is trusted only inside the demo profile; it was ignored here.');
    expect(r.out).toContain('A demo certificate (no legal value).');
  });

  it('the same file verifies TOTAL_PASSED in the demo profile (ProfileManager started with autoDemo on an empty root)', async () => {
    expect(demo.manager.state().mode).toBe('demo');
    expect(demo.ctx.allowDemo).toBe(true);
    const r = ok<Report>(await demo.router.dispatch('verify.pdf', { name: 'issued.pdf', data: b64(fs.readFileSync(issuedFile)), offline: true }, trusted));
    expect(r.verdict).toBe('TOTAL_PASSED');
    expect(r.signatures.map((s) => s.indication)).toEqual(['TOTAL_PASSED', 'TOTAL_PASSED']);
    expect(r.findings.map((f) => f.code)).not.toContain('DEMO_ANCHOR_IGNORED');
  });

  it('sign.pdf with a demo credential outside the demo fails with DEMO_NOT_ACTIVE', async () => {
    const pdf = fs.readFileSync(demo.manager.demoGateway!.files.filePath(sampleOf(manifest, 'submitted').sha256));
    expect(real.manager.state().mode).toBe('real');
    const r = await real.router.dispatch('sign.pdf', { name: 'to-trinh.pdf', data: b64(pdf), credential: { kind: 'demo', holder: 'leader' } }, trusted);
    expect(r).toMatchObject({ ok: false, error: { code: 'DEMO_NOT_ACTIVE' } });
  });
});

// ---------------------------------------------------------------- 4. signing from the demo over IPC

describe('signing from the demo profile over IPC', () => {
  const submitted = () => sampleOf(manifest, 'submitted');
  const submittedBytes = () => fs.readFileSync(demo.manager.demoGateway!.files.filePath(submitted().sha256));

  it("signs a submitted sample as the leader (demo credential) in the sample's signature box; verify.pdf says TOTAL_PASSED", async () => {
    const box = demo.manager.state().demo!.signatureBoxes[submitted().sha256];
    expect(box).toBeDefined();
    const [x1, y1, x2, y2] = box.rect;
    const signed = ok<{ signed: Uint8Array }>(await demo.router.dispatch('sign.pdf', {
      name: 'to-trinh.pdf', data: b64(submittedBytes()), reason: 'Ký duyệt',
      credential: { kind: 'demo', holder: 'leader' },
      visible: { kind: 'signer', pageIndex: box.page, rect: [x1, y1, x2 - x1, y2 - y1] },
    }, trusted));
    const bytes = signed.signed;
    // the appearance sits in the sample's box
    const field = PdfReader.open(new BytesSource(bytes)).signatureFields().at(-1)!;
    const rect = field.field.get('Rect') as number[];
    expect(rect.map((v) => Math.round(v))).toEqual([x1, y1, x2, y2].map((v) => Math.round(v)));

    const r = ok<Report>(await demo.router.dispatch('verify.pdf', { name: 'to-trinh.signed.pdf', data: signed.signed, offline: true }, trusted));
    expect(r.verdict).toBe('TOTAL_PASSED');
    expect(r.signatures).toHaveLength(1);
    expect(r.signatures[0].signer?.commonName).toBe(DEMO_PEOPLE.leader.fullName);
  });

  it('lists the demo token, logs in with the demo PIN and signs with the token key; verify.pdf says TOTAL_PASSED', async () => {
    const t = demo.manager.state().demo!.token;
    expect(t).not.toBeNull();
    const list = ok<{ tokens: { label: string; loggedIn: boolean; certificates: { keyId: string; subjectCN: string | null; signingCapable: boolean }[] }[] }>(
      await demo.router.dispatch('tokens.list', {}, trusted));
    const token = list.tokens.find((x) => x.label === t!.label);
    expect(token, JSON.stringify(list.tokens.map((x) => x.label))).toBeDefined();
    expect(token!.certificates.find((c) => c.keyId === manifest.token!.keyId)).toMatchObject({ subjectCN: DEMO_PEOPLE.leader.fullName, signingCapable: true });

    expect(ok(await demo.router.dispatch('tokens.login', { tokenLabel: t!.label, pin: t!.pin }, trusted))).toEqual({ loggedIn: true });
    try {
      const signed = ok<{ signed: Uint8Array }>(await demo.router.dispatch('sign.pdf', {
        name: 'bao-cao.pdf', data: b64(submittedBytes()), credential: { kind: 'token', tokenLabel: t!.label },
      }, trusted));
      const r = ok<Report>(await demo.router.dispatch('verify.pdf', { name: 'bao-cao.signed.pdf', data: signed.signed, offline: true }, trusted));
      expect(r.verdict).toBe('TOTAL_PASSED');
      expect(r.signatures).toHaveLength(1);
      expect(r.signatures[0].signer?.commonName).toBe(DEMO_PEOPLE.leader.fullName);
    } finally {
      await demo.router.dispatch('tokens.logout', { tokenLabel: t!.label }, trusted);
    }
  });
});

// ---------------------------------------------------------------- 5. faults

describe('faults', () => {
  it('rebuilds a demo folder whose certs/leader.p12 was deleted at the next start, with DEMO_REBUILT and a new generation', async () => {
    const root = tempDir('no-p12');
    const copied = copyDemoInto(root);
    // intact, it starts as it is: no rebuild
    const first = await open(root, { autoDemo: false });
    await first.manager.start();
    expect(first.manager.state()).toMatchObject({ mode: 'demo', demo: { generation: copied.generation } });
    expect(first.manager.state().notices.map((n) => n.code)).not.toContain('DEMO_REBUILT');
    await shut(first);

    const leader = path.join(root, 'demo', 'certs', 'leader.p12');
    fs.rmSync(leader);
    const again = await open(root, { autoDemo: false });
    await again.manager.start();
    const st = again.manager.state();
    expect(st.mode).toBe('demo');
    const rebuilt = st.notices.find((n) => n.code === 'DEMO_REBUILT');
    expect(rebuilt?.message_en).toContain('leader.p12');
    expect(st.demo!.generation).not.toBe(copied.generation);
    expect(fs.existsSync(leader)).toBe(true);
    const check = checkDemoProfile(path.join(root, 'demo'));
    expect(check.ok && check.manifest.generation).toBe(st.demo!.generation);
    const s = await openPkcs12(new Uint8Array(fs.readFileSync(leader)), (check as { manifest: DemoManifest }).manifest.p12Password);
    expect(new X509Certificate(s.certificate).subject).toContain(DEMO_PEOPLE.leader.fullName);
    await s.close();
    await shut(again);
  });

  it('rebuilds a demo folder whose demo.json holds garbage at the next start, with DEMO_REBUILT and a new generation', async () => {
    const root = tempDir('bad-manifest');
    const copied = copyDemoInto(root);
    fs.writeFileSync(path.join(root, 'demo', 'demo.json'), '{"version": 1, "generation": \u0000 not json at all');
    const x = await open(root, { autoDemo: false });
    await x.manager.start();
    const st = x.manager.state();
    expect(st.mode).toBe('demo');
    expect(st.notices.map((n) => n.code)).toContain('DEMO_REBUILT');
    expect(st.demo!.generation).not.toBe(copied.generation);
    const check = checkDemoProfile(path.join(root, 'demo'));
    expect(check.ok).toBe(true);
    if (!check.ok) return;
    expect(check.manifest.generation).toBe(st.demo!.generation);
    for (const u of Object.values(check.manifest.users)) expect(fs.statSync(path.join(root, 'demo', u.p12)).size).toBeGreaterThan(0);
    expect(fs.existsSync(demoPaths(path.join(root, 'demo')).trust)).toBe(true);
    await shut(x);
  });

  it('moves the embedded gateway to another loopback port when the preferred one is taken, with DEMO_PORT_MOVED naming both', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const busy = (blocker.address() as net.AddressInfo).port;
    try {
      const x = await open(tempDir('port'), { autoDemo: true, demoPort: busy }); // a fresh profile: no saved port
      await x.manager.start();
      const st = x.manager.state();
      const port = x.manager.demoGateway!.port;
      expect(port).not.toBe(busy);
      expect(port).toBeGreaterThan(0);
      const moved = st.notices.find((n) => n.code === 'DEMO_PORT_MOVED');
      expect(moved, JSON.stringify(st.notices)).toBeDefined();
      expect(moved!.message_en).toContain(`Port ${busy}`);
      expect(moved!.message_en).toContain(`port ${port}`);
      expect(moved!.message_vi).toContain(String(busy));
      expect(moved!.message_vi).toContain(String(port));
      expect(st.demo!.gatewayUrl).toBe(`http://127.0.0.1:${port}`);
      const health = await fetch(`http://127.0.0.1:${port}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ ok: true });
      await shut(x);
    } finally {
      await new Promise<void>((r) => blocker.close(() => r()));
    }
  });
});

// ---------------------------------------------------------------- 6. the choice persists

describe('the profile choice persists', () => {
  it('leaveDemo goes to the first-run screen, and a new start on the same root stays there (not demo)', async () => {
    const root = tempDir('leave');
    copyDemoInto(root);
    const x = await open(root, { autoDemo: true });
    await x.manager.start();
    expect(x.manager.state().mode).toBe('demo');
    const st = ok<{ mode: string; demo: unknown }>(await x.router.dispatch('profile.leaveDemo', {}, trusted));
    expect(st).toMatchObject({ mode: 'new', demo: null });
    expect(x.manager.demoGateway).toBeNull();
    expect(x.ctx.allowDemo).toBe(false);
    expect(x.ctx.profileDir).toBe(root);
    expect(JSON.parse(fs.readFileSync(path.join(root, 'profile.json'), 'utf8')).mode).toBe('new');
    await shut(x);

    const y = await open(root, { autoDemo: true });
    await y.manager.start();
    expect(y.manager.state()).toMatchObject({ mode: 'new', demo: null });
    expect(y.manager.demoGateway).toBeNull();
    expect(fs.existsSync(path.join(root, 'demo', 'demo.json'))).toBe(true); // the demo data stays for later
    await shut(y);
  });

  it('resetDemo makes the demo afresh with a new generation', async () => {
    const root = tempDir('reset');
    const copied = copyDemoInto(root);
    const x = await open(root, { autoDemo: false });
    await x.manager.start();
    expect(x.manager.state().demo!.generation).toBe(copied.generation);
    const st = ok<{ mode: string; demo: { generation: string }; notices: { code: string }[] }>(await x.router.dispatch('profile.resetDemo', {}, trusted));
    expect(st.mode).toBe('demo');
    expect(st.demo.generation).not.toBe(copied.generation);
    expect(st.notices.map((n) => n.code)).not.toContain('DEMO_REBUILT');
    const check = checkDemoProfile(path.join(root, 'demo'));
    expect(check.ok && check.manifest.generation).toBe(st.demo.generation);
    // a new demo CA: the old demo's issued sample is not its own any more
    expect(fs.readFileSync(demoPaths(path.join(root, 'demo')).trust, 'utf8')).not.toBe(fs.readFileSync(demoPaths(demoDir).trust, 'utf8'));
    await shut(x);
  });

  it("an empty root without autoDemo (a packaged install) starts in 'new', with no demo made", async () => {
    const root = tempDir('packaged');
    const x = await open(root, { autoDemo: false });
    await x.manager.start();
    expect(x.manager.state()).toMatchObject({ mode: 'new', demo: null, demoAllowed: true });
    expect(fs.existsSync(path.join(root, 'demo'))).toBe(false);
    await shut(x);
  });

  it('a machine-wide gatewayUrl locks the server: useServer does not write another one into the profile', async () => {
    const machine = tempDir('machine');
    fs.writeFileSync(path.join(machine, 'config.json'), JSON.stringify({ gatewayUrl: 'https://vanthu.haiduong.example' }));
    const previous = process.env.VANTHU_MACHINE_CONFIG_DIR;
    process.env.VANTHU_MACHINE_CONFIG_DIR = machine;
    try {
      const root = tempDir('locked');
      const x = await open(root, { autoDemo: false });
      await x.manager.start();
      expect(x.manager.state().server).toEqual({ url: 'https://vanthu.haiduong.example', locked: true });
      const st = ok<{ mode: string; server: { url: string | null; locked: boolean } }>(
        await x.router.dispatch('profile.useServer', { gatewayUrl: 'https://other.example' }, trusted));
      expect(st.mode).toBe('real');
      expect(st.server).toEqual({ url: 'https://vanthu.haiduong.example', locked: true });
      const profileConfig = path.join(root, 'config.json');
      if (fs.existsSync(profileConfig)) expect(fs.readFileSync(profileConfig, 'utf8')).not.toContain('other.example');
      expect(x.ctx.gatewayUrl).toBe('https://vanthu.haiduong.example');
      await shut(x);
    } finally {
      if (previous === undefined) delete process.env.VANTHU_MACHINE_CONFIG_DIR;
      else process.env.VANTHU_MACHINE_CONFIG_DIR = previous;
    }
  });
});
