// Shared setup for the signing tests: a test PKI (crypto engineer's helper), an NSS DB trusting
// its root for pdfsig, in-process signing with the real CMS services, and file helpers.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTestPki, signerFor, type TestPki, type TestPkiOptions, type TestKeyType } from '../helpers/pki';
import { makeNssDb, parsePdfsig, type NssDb, type PdfsigSignature } from '../helpers/nss';
import { execFile, spawnSync } from 'node:child_process';
import { BytesSource } from '../../src-shared/pdf/bytesource';
import { signPdf, type SignPdfOptions, type SignPdfResult } from '../../src-shared/pades/sign';
import { defaultPadesServices } from '../../src-shared/pades/default-services';
import type { PadesServices } from '../../src-shared/pades/services';
import type { Signer } from '../../src-shared/sign/signer';
import { nodeDigest } from '../../src-main/services/pdf-io/node-digest';
import { repoRoot } from '../pdf/corpus';

export interface SignEnv {
  dir: string;
  pki: TestPki;
  nss: NssDb;
  signer: Signer;
  services: PadesServices;
}

export async function makeSignEnv(opts: TestPkiOptions & { keyType?: TestKeyType } = {}): Promise<SignEnv> {
  const dir = mkdtempSync(join(tmpdir(), 'vanthu-sign-'));
  const keyType = opts.keyType ?? 'rsa2048';
  const pki = await makeTestPki(join(dir, 'pki'), { signerTypes: [keyType], ...opts });
  const nss = makeNssDb(join(dir, 'nss'), pki.root.pemPath);
  const signer = await signerFor(pki.signers[keyType]);
  return { dir, pki, nss, signer, services: defaultPadesServices({ digest: nodeDigest }) };
}

export function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

export async function signBytes(env: SignEnv, bytes: Uint8Array, opts: SignPdfOptions = {}, services = env.services, signer = env.signer): Promise<{ out: Uint8Array; res: SignPdfResult }> {
  const res = await signPdf(new BytesSource(bytes), signer, opts, services);
  return { out: concat(bytes, res.appended), res };
}

export function artifactDir(...parts: string[]): string {
  const d = join(repoRoot, 'test-artifacts', 'sign', ...parts);
  mkdirSync(d, { recursive: true });
  return d;
}

export function writeArtifact(dir: string, name: string, bytes: Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

/** pdfsig without blocking the event loop (so in-process OCSP/TSA servers can answer it). */
export function pdfsigAsync(file: string, nss: NssDb): Promise<{ stdout: string; signatures: PdfsigSignature[] }> {
  return new Promise((resolve) => {
    execFile('pdfsig', ['-nssdir', nss.nssdir, file], { encoding: 'utf8', maxBuffer: 16 << 20 }, (_err, stdout) => {
      resolve({ stdout, signatures: parsePdfsig(stdout) });
    });
  });
}

/** Run ./bin/vanthu (the real launcher and bundle) with extra environment variables; stdin is empty. */
export function runVanthu(args: string[], env: Record<string, string | undefined> = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(repoRoot, 'bin', 'vanthu'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    input: '',
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
