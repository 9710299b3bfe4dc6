// Shared setup of the token tests: a test PKI, SoftHSM2 in a temp dir with two tokens
// ("Văn thư A": RSA-2048 + EC P-256 + the CA certificates, "Văn thư B": RSA-3072 + issuing CA), a log file
// for the service, and openssl-based signature verification.

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeTestPki, type TestPki } from '../../helpers/pki';
import { importCertificate, importEntity, initToken, makeSoftHsm, type SoftHsm } from './softhsm';

export const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../..');
export const PIN_A = '493817';
export const PIN_B = '620554';
export const LABEL_A = 'Văn thư A';
export const LABEL_B = 'Văn thư B';

export interface Fixture { dir: string; pki: TestPki; hsm: SoftHsm; logFile: string }

export async function makeFixture(name: string): Promise<Fixture> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `vanthu-pkcs11-${name}-`));
  const pki = await makeTestPki(path.join(dir, 'pki'), { signerTypes: ['rsa2048', 'rsa3072', 'p256'] });
  const hsm = makeSoftHsm(path.join(dir, 'hsm'));
  initToken(hsm, LABEL_A, PIN_A);
  importEntity(hsm, LABEL_A, PIN_A, pki.signers.rsa2048, '01');
  importEntity(hsm, LABEL_A, PIN_A, pki.signers.p256!, '02');
  importCertificate(hsm, LABEL_A, PIN_A, pki.intermediate.derPath, 'c1', 'intermediate');
  importCertificate(hsm, LABEL_A, PIN_A, pki.root.derPath, 'c2', 'root');
  initToken(hsm, LABEL_B, PIN_B);
  importEntity(hsm, LABEL_B, PIN_B, pki.signers.rsa3072!, 'b1');
  importCertificate(hsm, LABEL_B, PIN_B, pki.intermediate.derPath, 'c1', 'intermediate');
  const artifacts = path.join(repoRoot, 'test-artifacts', 'pkcs11');
  mkdirSync(artifacts, { recursive: true });
  const logFile = path.join(artifacts, `${name}.log`);
  writeFileSync(logFile, '');
  process.env.VANTHU_PKCS11_LOG = logFile;
  return { dir, pki, hsm, logFile };
}

/** Verify a raw signature with openssl against the certificate's public key. */
export function opensslVerify(dir: string, certPem: string, data: Uint8Array, sig: Uint8Array,
  hash: 'sha256' | 'sha384' | 'sha512' = 'sha256', pssSalt?: number): boolean {
  const stamp = Math.random().toString(36).slice(2);
  const pub = path.join(dir, `pub-${stamp}.pem`);
  const dataFile = path.join(dir, `data-${stamp}.bin`);
  const sigFile = path.join(dir, `sig-${stamp}.bin`);
  writeFileSync(pub, execFileSync('openssl', ['x509', '-in', certPem, '-pubkey', '-noout']));
  writeFileSync(dataFile, data);
  writeFileSync(sigFile, sig);
  const args = ['dgst', `-${hash}`, '-verify', pub, '-signature', sigFile];
  if (pssSalt !== undefined) args.push('-sigopt', 'rsa_padding_mode:pss', '-sigopt', `rsa_pss_saltlen:${pssSalt}`);
  try {
    return execFileSync('openssl', [...args, dataFile], { stdio: ['ignore', 'pipe', 'pipe'] }).toString().includes('Verified OK');
  } catch {
    return false;
  }
}

export const utf8 = (s: string) => new TextEncoder().encode(s);
