// node:crypto incremental hashing for the PAdES engine (src-shared/pades/digest.ts): byte ranges
// are fed chunk by chunk, so signing a 100 MB file keeps memory flat (WebCrypto would need the
// whole message at once).

import { createHash } from 'node:crypto';
import type { DigestProvider } from '../../../src-shared/pades/digest';

export const nodeDigest: DigestProvider = {
  create(hash) {
    const h = createHash(hash.replace('-', '').toLowerCase());
    return {
      update: (d) => void h.update(d),
      digest: async () => new Uint8Array(h.digest()),
    };
  },
};
