// `vanthu sign --level …` and `vanthu extend` through ./bin/vanthu against a TSA and OCSP/CRL
// responder on 127.0.0.1 (the CLI runs as a child process, awaited asynchronously so the in-process
// servers can answer): offline signing exits 5 with the pending work listed, extend completes it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTestPki, type TestPki } from '../helpers/pki';
import { makeNssDb, type NssDb } from '../helpers/nss';
import { startTsa, type TsaServer } from '../helpers/tsa';
import { startRevocationServer, type RevocationServer } from '../helpers/ocsp';
import { BytesSource } from '../../src-shared/pdf/bytesource';
import { PdfReader, nameOf } from '../../src-shared/pdf/reader';
import { corpusDir, repoRoot } from '../pdf/corpus';
import { pdfsigAsync } from './helpers';

let dir: string, pki: TestPki, nss: NssDb, tsa: TsaServer, rev: RevocationServer;
let front: HttpsServer, frontUrl: string, frontCert: string;

/** `node bin/vanthu …`, or with `direct` the script itself as a user runs it (its shell stage). */
function vanthu(args: string[], opts: { direct?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const bin = join(repoRoot, 'bin', 'vanthu');
  const env = { ...(opts.env ?? process.env), VANTHU_P12_PASSWORD: pki.password };
  return new Promise((resolve) => {
    execFile(opts.direct ? bin : process.execPath, opts.direct ? args : [bin, ...args], { env, encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vanthu-cli-levels-'));
  rev = await startRevocationServer();
  pki = await makeTestPki(join(dir, 'pki'), { ...rev.pkiOptions, signerTypes: ['rsa2048'] });
  rev.attach(pki);
  tsa = await startTsa(pki.tsa);
  nss = makeNssDb(join(dir, 'nss'), pki.root.pemPath);
  // An https: front for the TSA (TLS terminated on 127.0.0.1 with a self-signed certificate that
  // no system store trusts; the request is passed on to the http: TSA as is).
  frontCert = join(dir, 'front.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'front.key'), '-out', frontCert, '-days', '2'], { stdio: 'pipe' });
  front = createHttpsServer({ key: readFileSync(join(dir, 'front.key')), cert: readFileSync(frontCert) }, (req, res) => {
    const up = request(tsa.url, { method: req.method, headers: { 'content-type': req.headers['content-type'] ?? '' } }, (r) => {
      res.writeHead(r.statusCode ?? 502, { 'content-type': r.headers['content-type'] ?? '' });
      r.pipe(res);
    });
    up.on('error', () => { res.writeHead(502); res.end(); });
    req.pipe(up);
  });
  await new Promise<void>((r) => front.listen(0, '127.0.0.1', () => r()));
  frontUrl = `https://127.0.0.1:${(front.address() as AddressInfo).port}/tsa`;
});

afterAll(async () => {
  if (front) { front.closeAllConnections(); await new Promise<void>((r) => front.close(() => r())); }
  await tsa?.close();
  await rev?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('vanthu sign --level and vanthu extend', () => {
  it('signs B-LTA with --tsa and reports the level in --json', async () => {
    const out = join(dir, 'lta.pdf');
    const r = await vanthu(['sign', '--p12', pki.signers.rsa2048.p12Path!, '--level', 'B-LTA', '--tsa', tsa.url, '--json', '--out', out, join(corpusDir, 'pyhanko/minimal.pdf')]);
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout.trim());
    expect(res).toMatchObject({ ok: true, level: 'B-LTA', requestedLevel: 'B-LTA', pending: [] });
    const sigs = PdfReader.open(new BytesSource(new Uint8Array(readFileSync(out)))).signatureFields();
    expect(sigs.map((s) => nameOf(s.sig!.get('SubFilter')))).toEqual(['ETSI.CAdES.detached', 'ETSI.RFC3161']);
    expect((await pdfsigAsync(out, nss)).signatures[0].signatureValid).toBe(true);
  });

  it('exits 5 when offline with the pending work listed, and extend completes it in place', async () => {
    const out = join(dir, 'offline.pdf');
    const r = await vanthu(['sign', '--p12', pki.signers.rsa2048.p12Path!, '--level', 'B-LT', '--tsa', 'http://127.0.0.1:9/tsa', '--json', '--out', out, join(corpusDir, 'pyhanko/minimal-xref.pdf')]);
    expect(r.code).toBe(5);
    expect(JSON.parse(r.stdout.trim())).toMatchObject({ ok: true, level: 'B-B', pending: ['timestamp', 'validation-data'] });
    const signed = readFileSync(out);
    const e = await vanthu(['extend', out, '--level', 'B-LT', '--tsa', tsa.url, '--json']);
    expect(e.code, e.stderr).toBe(0);
    expect(JSON.parse(e.stdout.trim())).toMatchObject({ ok: true, level: 'B-LT', pending: [] });
    const extended = readFileSync(out);
    expect(extended.subarray(0, signed.length).equals(signed)).toBe(true);
    const r2 = PdfReader.open(new BytesSource(new Uint8Array(extended)));
    expect(r2.resolveDict(r2.catalog.get('DSS'))).not.toBeNull();
    const pr = await pdfsigAsync(out, nss);
    expect(pr.signatures[0].signatureValid).toBe(true);
    expect(pr.signatures).toHaveLength(2);
  });

  it('trusts the CAs of NODE_EXTRA_CA_CERTS for an https: TSA when run as ./bin/vanthu (read on first use, not at start)', async () => {
    const input = join(corpusDir, 'pyhanko/minimal.pdf');
    const { NODE_EXTRA_CA_CERTS: _drop, ...env } = process.env;
    const trusted = join(dir, 'https-tsa.pdf');
    const ok = await vanthu(['sign', '--p12', pki.signers.rsa2048.p12Path!, '--level', 'B-T', '--tsa', frontUrl, '--json', '--out', trusted, input],
      { direct: true, env: { ...env, NODE_EXTRA_CA_CERTS: frontCert } });
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout.trim())).toMatchObject({ ok: true, level: 'B-T', pending: [] });
    expect((await pdfsigAsync(trusted, nss)).signatures[0].signatureValid).toBe(true);
    // The same request without the variable: the front's certificate is not trusted, so the TSA
    // counts as unreachable and the signature falls back to B-B with its timestamp pending.
    const fallback = await vanthu(['sign', '--p12', pki.signers.rsa2048.p12Path!, '--level', 'B-T', '--tsa', frontUrl, '--json', '--out', join(dir, 'https-tsa-untrusted.pdf'), input],
      { direct: true, env });
    expect(fallback.code).toBe(5);
    expect(JSON.parse(fallback.stdout.trim())).toMatchObject({ ok: true, level: 'B-B', pending: ['timestamp'] });
  });
});
