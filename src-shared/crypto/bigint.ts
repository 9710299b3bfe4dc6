// Big-integer arithmetic for the public-key operations WebCrypto cannot do for us: DSA
// verification in path validation (PKITS) and RSA checks against a precomputed digest.

/** Unsigned big-endian bytes → bigint. */
export function bigFromBytes(b: Uint8Array): bigint {
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}

/** b^e mod m (square and multiply). */
export function modPow(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n;
  b %= m;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % m;
    e >>= 1n;
    b = (b * b) % m;
  }
  return r;
}

/** a^-1 mod m (extended Euclid); m must be prime or coprime to a. */
export function modInv(a: bigint, m: bigint): bigint {
  let [or, r] = [((a % m) + m) % m, m];
  let [os, s] = [1n, 0n];
  while (r !== 0n) {
    const q = or / r;
    [or, r] = [r, or - q * r];
    [os, s] = [s, os - q * s];
  }
  return ((os % m) + m) % m;
}
