// Trust anchors from configuration: `--trust FILE|DIR` entries holding certificates as DER or PEM
// (one or many per file). The app ships no national roots; deployments add them here.

import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { VanthuError } from '../../../src-shared/errors';

const CERT_EXT = /\.(pem|crt|cer|der|cert)$/i;

/** Certificates in one file: every PEM CERTIFICATE block, else the whole file as DER. */
export function certificatesInFile(file: string): Uint8Array[] {
  const buf = readFileSync(file);
  const text = buf.toString('latin1');
  const pems = [...text.matchAll(/-----BEGIN (?:X509 |TRUSTED )?CERTIFICATE-----([\s\S]*?)-----END (?:X509 |TRUSTED )?CERTIFICATE-----/g)];
  if (pems.length > 0) return pems.map((m) => new Uint8Array(Buffer.from(m[1].replace(/\s+/g, ''), 'base64')));
  if (buf.length > 0 && buf[0] === 0x30) return [new Uint8Array(buf)];
  throw new VanthuError('VERIFY_TRUST_UNREADABLE', `Tệp ${file} không chứa chứng thư số.`, `${file} holds no certificate.`);
}

/** Load anchors from files and directories (directories: files with certificate extensions). */
export function loadTrustAnchors(entries: string[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const e of entries) {
    let st;
    try {
      st = statSync(e);
    } catch {
      throw new VanthuError('VERIFY_TRUST_MISSING', `Không tìm thấy ${e}.`, `${e} does not exist.`);
    }
    if (st.isDirectory()) {
      // in a directory, files without a certificate (keys, CRLs) are skipped, not fatal
      for (const f of readdirSync(e).sort()) {
        if (!CERT_EXT.test(f)) continue;
        try {
          out.push(...certificatesInFile(path.join(e, f)));
        } catch {
          /* not a certificate */
        }
      }
    } else {
      out.push(...certificatesInFile(e));
    }
  }
  return out;
}
