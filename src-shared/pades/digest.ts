// Incremental digests for the signed byte ranges. src-shared only has WebCrypto, which needs the
// whole message at once, so the default provider buffers; src-main passes a node:crypto provider
// that hashes chunk by chunk, keeping memory flat on large files.

import type { HashAlgorithm } from '../sign/signer';

export interface IncrementalHash {
  update(data: Uint8Array): void;
  digest(): Promise<Uint8Array>;
}

export interface DigestProvider {
  create(hash: HashAlgorithm): IncrementalHash;
}

/** WebCrypto-backed provider: collects the chunks and digests them at the end. */
export const webCryptoDigest: DigestProvider = {
  create(hash: HashAlgorithm): IncrementalHash {
    const parts: Uint8Array[] = [];
    let total = 0;
    return {
      update(data: Uint8Array) {
        parts.push(data.slice());
        total += data.length;
      },
      async digest() {
        const all = new Uint8Array(total);
        let o = 0;
        for (const p of parts) {
          all.set(p, o);
          o += p.length;
        }
        return new Uint8Array(await globalThis.crypto.subtle.digest(hash, all));
      },
    };
  },
};
