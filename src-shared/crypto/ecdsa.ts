// ECDSA signature encodings: tokens and WebCrypto give raw r‖s (IEEE P1363), CMS wants the DER
// SEQUENCE { INTEGER r, INTEGER s } (RFC 5753 / X9.62). Conversions in both directions.

function derLength(n: number): number[] {
  if (n < 0x80) return [n];
  if (n < 0x100) return [0x81, n];
  return [0x82, n >> 8, n & 0xff];
}

function derInteger(bytes: Uint8Array): number[] {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const v = Array.from(bytes.subarray(i));
  if (v[0] & 0x80) v.unshift(0);
  return [0x02, ...derLength(v.length), ...v];
}

/** raw r‖s (even length) → DER SEQUENCE{r,s}. */
export function ecdsaRawToDer(raw: Uint8Array): Uint8Array {
  if (raw.length === 0 || raw.length % 2) throw new RangeError('ECDSA raw signature must have even, non-zero length');
  const n = raw.length / 2;
  const body = [...derInteger(raw.subarray(0, n)), ...derInteger(raw.subarray(n))];
  return new Uint8Array([0x30, ...derLength(body.length), ...body]);
}

function readLength(d: Uint8Array, pos: number): [number, number] {
  const first = d[pos];
  if (first < 0x80) return [first, pos + 1];
  const count = first & 0x7f;
  if (count < 1 || count > 2 || pos + count >= d.length) throw new RangeError('bad DER length');
  let len = 0;
  for (let i = 1; i <= count; i++) len = (len << 8) | d[pos + i];
  if (len < 0x80 || d[pos + 1] === 0) throw new RangeError('non-minimal DER length');
  return [len, pos + 1 + count];
}

/** DER SEQUENCE{r,s} → raw r‖s with each half left-padded to `size` bytes (32 for P-256, 48 for P-384, 66 for P-521). */
export function ecdsaDerToRaw(der: Uint8Array, size: number): Uint8Array {
  if (der[0] !== 0x30) throw new RangeError('ECDSA DER signature must be a SEQUENCE');
  const [seqLen, start] = readLength(der, 1);
  let p = start;
  if (p + seqLen !== der.length) throw new RangeError('ECDSA DER signature has trailing or missing bytes');
  const out = new Uint8Array(size * 2);
  for (let k = 0; k < 2; k++) {
    if (der[p] !== 0x02) throw new RangeError('ECDSA DER signature: INTEGER expected');
    const [len, q] = readLength(der, p + 1);
    if (q + len > der.length) throw new RangeError('ECDSA DER integer overruns the signature');
    let v = der.subarray(q, q + len);
    while (v.length > 1 && v[0] === 0) v = v.subarray(1);
    if (v.length > size) throw new RangeError('ECDSA integer larger than the curve size');
    out.set(v, k * size + size - v.length);
    p = q + len;
  }
  if (p !== der.length) throw new RangeError('ECDSA DER signature has more than two integers');
  return out;
}

/** ecdsaDerToRaw for signatures read from outside: null instead of an exception when malformed. */
export function tryEcdsaDerToRaw(der: Uint8Array, size: number): Uint8Array | null {
  try {
    return ecdsaDerToRaw(der, size);
  } catch {
    return null;
  }
}

/** Field size in bytes for a named curve. */
export function curveByteLength(namedCurve: string): number {
  switch (namedCurve) {
    case 'P-256': return 32;
    case 'P-384': return 48;
    case 'P-521': return 66;
    default: throw new RangeError(`unknown curve ${namedCurve}`);
  }
}
