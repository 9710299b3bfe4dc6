// A local revocation cache on disk for offline verification: fetched CRLs and OCSP responses are
// kept as files (crl/, ocsp/), and CRL files an administrator drops into crl/ are used too.

import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { RevocationCache } from '../../../src-shared/pki';

const MAX_ITEMS = 2000;

export class FileRevocationCache implements RevocationCache {
  constructor(readonly dir: string) {}

  private file(key: string, kind?: 'crl' | 'ocsp'): string[] {
    const h = createHash('sha256').update(key).digest('hex');
    return (kind ? [kind] : ['crl', 'ocsp']).map((k) => path.join(this.dir, k, `${h}.der`));
  }

  get(key: string): Uint8Array | undefined {
    for (const f of this.file(key)) {
      try {
        return new Uint8Array(readFileSync(f));
      } catch {
        /* not cached */
      }
    }
    return undefined;
  }

  put(key: string, data: Uint8Array, kind: 'crl' | 'ocsp'): void {
    try {
      mkdirSync(path.join(this.dir, kind), { recursive: true, mode: 0o700 });
      writeFileSync(this.file(key, kind)[0], data, { mode: 0o600 });
    } catch {
      /* a read-only cache is still usable for reading */
    }
  }

  all(): { crls: Uint8Array[]; ocsps: Uint8Array[] } {
    const read = (kind: string) => {
      const d = path.join(this.dir, kind);
      let names: string[] = [];
      try {
        names = readdirSync(d).slice(0, MAX_ITEMS);
      } catch {
        return [];
      }
      const out: Uint8Array[] = [];
      for (const n of names) {
        try {
          const b = readFileSync(path.join(d, n));
          const pem = /-----BEGIN X509 CRL-----([\s\S]*?)-----END X509 CRL-----/.exec(b.toString('latin1'));
          out.push(new Uint8Array(pem ? Buffer.from(pem[1].replace(/\s+/g, ''), 'base64') : b));
        } catch {
          /* unreadable entry */
        }
      }
      return out;
    };
    return { crls: read('crl'), ocsps: read('ocsp') };
  }
}
