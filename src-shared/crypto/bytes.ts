// Small byte helpers over Uint8Array (no Buffer: this runs in the renderer and in workers too).

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lower-case hex (table lookup: it keys caches of certificates and CRLs, so it runs often). */
export function toHex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += HEX[b[i]];
  return s;
}

export function fromHex(h: string): Uint8Array {
  const clean = h.replace(/[^0-9a-fA-F]/g, '');
  if (clean.length % 2) throw new RangeError('odd hex length');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/**
 * A fresh ArrayBuffer holding exactly these bytes (pkijs/asn1js and WebCrypto want ArrayBuffers).
 * Never `b.slice().buffer`: on a Node Buffer slice() is a view and .buffer is the shared pool.
 */
export function toArrayBuffer(b: Uint8Array): ArrayBuffer {
  const out = new Uint8Array(b.length);
  out.set(b);
  return out.buffer;
}

/** Overwrite with zeros (best effort wipe of key material). */
export function wipe(b: Uint8Array | undefined): void {
  if (b) b.fill(0);
}
