// The CLI's keys: a PKCS#12 file's bytes and its password from VANTHU_P12_PASSWORD or a no-echo
// prompt (never argv, never logged), which the caller opens with src-main/services/p12 (once per
// signing thread); or a signer on a PKCS#11 token, logged in once with the PIN from VANTHU_PIN or
// a no-echo prompt (src-main/services/pkcs11, loaded only when a token is asked for).

import { readFileSync } from 'node:fs';
import { VanthuError } from '../../src-shared/errors';
import type { Signer } from '../../src-shared/sign/signer';
import { promptSecret } from './node-io';

/** The PKCS#12 file's bytes and its password (VANTHU_P12_PASSWORD or a no-echo prompt). */
export async function readP12Key(path: string): Promise<{ bytes: Uint8Array; password: string }> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch {
    throw new VanthuError('P12_UNREADABLE', `Không đọc được tệp khóa PKCS#12: ${path}`, `Cannot read the PKCS#12 key file: ${path}`);
  }
  const env = process.env.VANTHU_P12_PASSWORD;
  const password = env !== undefined ? env : await promptSecret(`Mật khẩu PKCS#12 / PKCS#12 password for ${path}: `);
  return { bytes, password };
}

/**
 * A token signer for `--token-label L [--pkcs11-module PATH] [--key-id HEX]`, already logged in (a
 * wrong PIN fails here, before any file is touched). close() logs out and stops the token process.
 */
export async function loadTokenSigner(tokenLabel: string, pkcs11Module?: string, keyId?: string): Promise<Signer> {
  const { signerFromCliOptions } = await import('../services/pkcs11/index');
  return signerFromCliOptions({ tokenLabel, pkcs11Module, keyId });
}
