// The demo token: where SoftHSM2 is installed, the demo profile gets a software token of its own
// (its softhsm2.conf and token folder inside the profile) holding one demo user's key, generated
// on the token, and the certificate the demo CA issues for it, so the USB-token path of the desk
// can be tried without a real token. The PIN is a demo PIN shown on the demo desk.

import { execFileSync } from 'node:child_process';
import { createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pkcs11js from 'pkcs11js';
import { certificateFields } from '../../../src-shared/pki/der';

export const SOFTHSM_MODULE_CANDIDATES = [
  '/usr/lib/softhsm/libsofthsm2.so',
  '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/local/lib/softhsm/libsofthsm2.so',
  '/opt/homebrew/lib/softhsm/libsofthsm2.so',
];

export interface DemoTokenInfo {
  label: string;
  pin: string;
  module: string;
  /** softhsm2.conf of the profile (SOFTHSM2_CONF must point at it for the module to see the token). */
  conf: string;
  keyId: string;
}

export function findSoftHsm(): { module: string; util: string } | null {
  const module = SOFTHSM_MODULE_CANDIDATES.find((m) => fs.existsSync(m));
  if (!module) return null;
  try {
    execFileSync('softhsm2-util', ['--version'], { stdio: 'ignore' });
  } catch {
    return null;
  }
  return { module, util: 'softhsm2-util' };
}

/**
 * Create the token in `dir` and a key pair on it; `certify` receives the public key and returns
 * the certificate (DER) that is stored beside the key under the same CKA_ID.
 */
export async function createDemoToken(
  dir: string,
  opts: { label: string; pin: string; keyLabel: string },
  certify: (publicKey: KeyObject) => Promise<Uint8Array>,
): Promise<DemoTokenInfo | null> {
  const hsm = findSoftHsm();
  if (!hsm) return null;
  const tokendir = path.join(dir, 'tokens');
  fs.mkdirSync(tokendir, { recursive: true, mode: 0o700 });
  const conf = path.join(dir, 'softhsm2.conf');
  fs.writeFileSync(conf, `directories.tokendir = ${tokendir}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`, { mode: 0o600 });
  const env = { ...process.env, SOFTHSM2_CONF: conf };
  execFileSync(hsm.util, ['--init-token', '--free', '--label', opts.label, '--pin', opts.pin, '--so-pin', randomBytes(8).toString('hex')], { env, stdio: 'ignore' });

  const previous = process.env.SOFTHSM2_CONF;
  process.env.SOFTHSM2_CONF = conf; // the module reads it at C_Initialize
  const lib = new pkcs11js.PKCS11();
  lib.load(hsm.module);
  lib.C_Initialize();
  try {
    const slot = lib.C_GetSlotList(true).find((s) => lib.C_GetTokenInfo(s).label.trim() === opts.label);
    if (!slot) throw new Error(`SoftHSM did not show the new token ${opts.label}`);
    const session = lib.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
    lib.C_Login(session, pkcs11js.CKU_USER, opts.pin);
    const id = Buffer.from([0x01]);
    const label = Buffer.from(opts.keyLabel, 'utf8');
    const keys = lib.C_GenerateKeyPair(
      session,
      { mechanism: pkcs11js.CKM_RSA_PKCS_KEY_PAIR_GEN },
      [
        { type: pkcs11js.CKA_TOKEN, value: true },
        { type: pkcs11js.CKA_VERIFY, value: true },
        { type: pkcs11js.CKA_MODULUS_BITS, value: 2048 },
        { type: pkcs11js.CKA_PUBLIC_EXPONENT, value: Buffer.from([1, 0, 1]) },
        { type: pkcs11js.CKA_ID, value: id },
        { type: pkcs11js.CKA_LABEL, value: label },
      ],
      [
        { type: pkcs11js.CKA_TOKEN, value: true },
        { type: pkcs11js.CKA_PRIVATE, value: true },
        { type: pkcs11js.CKA_SENSITIVE, value: true },
        { type: pkcs11js.CKA_EXTRACTABLE, value: false },
        { type: pkcs11js.CKA_SIGN, value: true },
        { type: pkcs11js.CKA_ID, value: id },
        { type: pkcs11js.CKA_LABEL, value: label },
      ],
    );
    const [n, e] = lib.C_GetAttributeValue(session, keys.publicKey, [{ type: pkcs11js.CKA_MODULUS }, { type: pkcs11js.CKA_PUBLIC_EXPONENT }]);
    const publicKey = createPublicKey({
      key: { kty: 'RSA', n: (n.value as Buffer).toString('base64url'), e: (e.value as Buffer).toString('base64url') },
      format: 'jwk',
    });
    const der = await certify(publicKey);
    lib.C_CreateObject(session, [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_CERTIFICATE },
      { type: pkcs11js.CKA_CERTIFICATE_TYPE, value: pkcs11js.CKC_X_509 },
      { type: pkcs11js.CKA_TOKEN, value: true },
      { type: pkcs11js.CKA_ID, value: id },
      { type: pkcs11js.CKA_LABEL, value: label },
      { type: pkcs11js.CKA_SUBJECT, value: Buffer.from(certificateFields(der).subject) },
      { type: pkcs11js.CKA_VALUE, value: Buffer.from(der) },
    ]);
    lib.C_Logout(session);
    lib.C_CloseSession(session);
  } finally {
    lib.C_Finalize();
    lib.close();
    if (previous === undefined) delete process.env.SOFTHSM2_CONF;
    else process.env.SOFTHSM2_CONF = previous;
  }
  return { label: opts.label, pin: opts.pin, module: hsm.module, conf, keyId: '01' };
}
