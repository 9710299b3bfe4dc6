// Key derivation for PKCS#12 (RFC 7292 appendix B.2): the password-to-key function used for the
// integrity MAC (ID 3) and for the legacy pbeWithSHAAnd* ciphers (key ID 1, IV ID 2), plus the
// BMPString password encoding it expects.
import * as nodeCrypto from 'node:crypto';
import { createHash } from 'node:crypto';

/** One-shot hashing (Node ≥ 20.12, Electron): no Hash object per round of the 2048+ rounds. */
const oneShot = (nodeCrypto as { hash?: (alg: string, data: Uint8Array, enc: 'buffer') => Buffer }).hash;
const hashOnce: (alg: P12Hash, data: Uint8Array) => Uint8Array = oneShot
  ? (alg, data) => oneShot(alg, data, 'buffer')
  : (alg, data) => createHash(alg).update(data).digest();

export type P12Hash = 'sha1' | 'sha256' | 'sha384' | 'sha512';

const SIZES: Record<P12Hash, { u: number; v: number }> = {
  sha1: { u: 20, v: 64 },
  sha256: { u: 32, v: 64 },
  sha384: { u: 48, v: 128 },
  sha512: { u: 64, v: 128 },
};

/** Password as BMPString (UTF-16BE) with a two-byte zero terminator; empty input gives just the terminator. */
export function bmpPassword(password: string): Uint8Array {
  const out = new Uint8Array(password.length * 2 + 2);
  for (let i = 0; i < password.length; i++) {
    const c = password.charCodeAt(i);
    out[2 * i] = c >> 8;
    out[2 * i + 1] = c & 0xff;
  }
  return out;
}

function repeatTo(src: Uint8Array, v: number): Uint8Array {
  if (src.length === 0) return new Uint8Array(0);
  const len = v * Math.ceil(src.length / v);
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++) out[i] = src[i % src.length];
  return out;
}

export function pkcs12Kdf(hash: P12Hash, passwordBmp: Uint8Array, salt: Uint8Array, id: 1 | 2 | 3, iterations: number, n: number): Uint8Array {
  const { u, v } = SIZES[hash];
  const D = new Uint8Array(v).fill(id);
  const I = new Uint8Array([...repeatTo(salt, v), ...repeatTo(passwordBmp, v)]);
  const out = new Uint8Array(n);
  const c = Math.ceil(n / u);
  for (let i = 0; i < c; i++) {
    let A: Uint8Array = createHash(hash).update(D).update(I).digest();
    for (let r = 1; r < iterations; r++) A = hashOnce(hash, A);
    out.set(A.subarray(0, Math.min(u, n - i * u)), i * u);
    if (i === c - 1) break;
    // I_j = (I_j + B + 1) mod 2^(8v), B = A repeated to v bytes.
    const B = repeatTo(A, v);
    for (let j = 0; j < I.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const s = I[j + k] + B[k] + carry;
        I[j + k] = s & 0xff;
        carry = s >> 8;
      }
    }
    A.fill(0);
  }
  I.fill(0);
  return out;
}
