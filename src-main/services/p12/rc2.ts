// RC2 (RFC 2268) block cipher in CBC mode with PKCS#5 padding, decrypt only (plus encrypt for
// tests): old Windows and `openssl -legacy` PKCS#12 files encrypt their certificates with
// pbeWithSHAAnd40BitRC2-CBC, and Node's OpenSSL 3 no longer ships RC2.

// PITABLE of RFC 2268 §2: a fixed permutation of 0..255 derived from the digits of pi.
const PITABLE = Uint8Array.from(
  ('d978f9c419ddb5ed28e9fd794aa0d89dc67e37832b76538e624c6488448bfba2179a59f587b34f1361456d8d09817d32'
    + 'bd8f40eb86b77b0bf09521225c6b4e8254d66593ce60b21c7356c014a78cf1dc1275ca1f3bbee4d1423dd430a33cb626'
    + '6fbf0eda4669075727f21d9bbc944303f811c7f690ef3ee706c3d52fc8661ed708e8eade8052eef784aa72ac354d6a2a'
    + '961ad2715a1549744b9fd05e0418a4ecc2e0416e0f51cbcc2491af50a1f47039997c3a8523b8b47afc02365b25559731'
    + '2d5dfa98e38a92ae05df2910676cbac9d300e6cfe19ea82c6316013f58e289a90d38341bab33ffb0bb480c5fb9b1cd2e'
    + 'c5f3db47e5a59c770aa62068fe7fc1ad').replace(/\s+/g, '').match(/../g)!.map((h) => parseInt(h, 16)),
);

/** The 64 16-bit key words for `key` with `effectiveBits` effective key bits (RFC 2268 §2). */
export function rc2KeySchedule(key: Uint8Array, effectiveBits: number): Uint16Array {
  const T = key.length;
  if (T < 1 || T > 128) throw new RangeError('RC2 key must be 1..128 bytes');
  if (effectiveBits < 1 || effectiveBits > 1024) throw new RangeError('RC2 effective bits must be 1..1024');
  const L = new Uint8Array(128);
  L.set(key);
  for (let i = T; i < 128; i++) L[i] = PITABLE[(L[i - 1] + L[i - T]) & 0xff];
  const T8 = Math.ceil(effectiveBits / 8);
  const TM = 0xff >> (8 * T8 - effectiveBits);
  L[128 - T8] = PITABLE[L[128 - T8] & TM];
  for (let i = 127 - T8; i >= 0; i--) L[i] = PITABLE[L[i + 1] ^ L[i + T8]];
  const K = new Uint16Array(64);
  for (let i = 0; i < 64; i++) K[i] = L[2 * i] | (L[2 * i + 1] << 8);
  L.fill(0);
  return K;
}

const S = [1, 2, 3, 5];

function decryptBlock(K: Uint16Array, b: Uint8Array, off: number, out: Uint8Array, outOff: number): void {
  const R = [b[off] | (b[off + 1] << 8), b[off + 2] | (b[off + 3] << 8), b[off + 4] | (b[off + 5] << 8), b[off + 6] | (b[off + 7] << 8)];
  let j = 63;
  const rmix = () => {
    for (let i = 3; i >= 0; i--) {
      const r = R[i];
      R[i] = ((r >>> S[i]) | (r << (16 - S[i]))) & 0xffff;
      R[i] = (R[i] - K[j--] - (R[(i + 3) & 3] & R[(i + 2) & 3]) - (~R[(i + 3) & 3] & R[(i + 1) & 3])) & 0xffff;
    }
  };
  const rmash = () => {
    for (let i = 3; i >= 0; i--) R[i] = (R[i] - K[R[(i + 3) & 3] & 63]) & 0xffff;
  };
  for (let n = 0; n < 5; n++) rmix();
  rmash();
  for (let n = 0; n < 6; n++) rmix();
  rmash();
  for (let n = 0; n < 5; n++) rmix();
  for (let i = 0; i < 4; i++) { out[outOff + 2 * i] = R[i] & 0xff; out[outOff + 2 * i + 1] = R[i] >> 8; }
}

function encryptBlock(K: Uint16Array, b: Uint8Array, off: number, out: Uint8Array, outOff: number): void {
  const R = [b[off] | (b[off + 1] << 8), b[off + 2] | (b[off + 3] << 8), b[off + 4] | (b[off + 5] << 8), b[off + 6] | (b[off + 7] << 8)];
  let j = 0;
  const mix = () => {
    for (let i = 0; i < 4; i++) {
      R[i] = (R[i] + K[j++] + (R[(i + 3) & 3] & R[(i + 2) & 3]) + (~R[(i + 3) & 3] & R[(i + 1) & 3])) & 0xffff;
      R[i] = ((R[i] << S[i]) | (R[i] >>> (16 - S[i]))) & 0xffff;
    }
  };
  const mash = () => {
    for (let i = 0; i < 4; i++) R[i] = (R[i] + K[R[(i + 3) & 3] & 63]) & 0xffff;
  };
  for (let n = 0; n < 5; n++) mix();
  mash();
  for (let n = 0; n < 6; n++) mix();
  mash();
  for (let n = 0; n < 5; n++) mix();
  for (let i = 0; i < 4; i++) { out[outOff + 2 * i] = R[i] & 0xff; out[outOff + 2 * i + 1] = R[i] >> 8; }
}

/** RC2-CBC decrypt and strip PKCS#5 padding; throws RangeError on bad length or padding. */
export function rc2CbcDecrypt(key: Uint8Array, effectiveBits: number, iv: Uint8Array, data: Uint8Array): Uint8Array {
  if (iv.length !== 8 || data.length === 0 || data.length % 8) throw new RangeError('RC2-CBC: bad IV or ciphertext length');
  const K = rc2KeySchedule(key, effectiveBits);
  const out = new Uint8Array(data.length);
  let prev = iv;
  for (let o = 0; o < data.length; o += 8) {
    decryptBlock(K, data, o, out, o);
    for (let i = 0; i < 8; i++) out[o + i] ^= prev[i];
    prev = data.subarray(o, o + 8);
  }
  K.fill(0);
  const pad = out[out.length - 1];
  if (pad < 1 || pad > 8) throw new RangeError('RC2-CBC: bad padding');
  for (let i = out.length - pad; i < out.length; i++) if (out[i] !== pad) throw new RangeError('RC2-CBC: bad padding');
  return out.slice(0, out.length - pad);
}

/** RC2-CBC encrypt with PKCS#5 padding (tests and round trips only). */
export function rc2CbcEncrypt(key: Uint8Array, effectiveBits: number, iv: Uint8Array, data: Uint8Array): Uint8Array {
  const pad = 8 - (data.length % 8);
  const input = new Uint8Array(data.length + pad);
  input.set(data);
  input.fill(pad, data.length);
  const K = rc2KeySchedule(key, effectiveBits);
  const out = new Uint8Array(input.length);
  let prev = iv;
  const block = new Uint8Array(8);
  for (let o = 0; o < input.length; o += 8) {
    for (let i = 0; i < 8; i++) block[i] = input[o + i] ^ prev[i];
    encryptBlock(K, block, 0, out, o);
    prev = out.subarray(o, o + 8);
  }
  K.fill(0);
  return out;
}

/** One raw block (ECB) for the RFC 2268 test vectors. */
export function rc2EncryptBlock(key: Uint8Array, effectiveBits: number, block: Uint8Array): Uint8Array {
  const out = new Uint8Array(8);
  encryptBlock(rc2KeySchedule(key, effectiveBits), block, 0, out, 0);
  return out;
}
