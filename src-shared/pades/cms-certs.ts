// Read-only look into an embedded CMS blob: the certificates it carries (signer, chain, and those
// inside a signature-time-stamp token) and whether it has a signature timestamp. Used by
// `extendPdf` to know what validation data to gather; verification proper lives elsewhere.

import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { toArrayBuffer } from '../crypto/bytes';

const SIG_TS_OID = '1.2.840.113549.1.9.16.2.14';

function trimDer(bytes: Uint8Array): Uint8Array {
  // /Contents is zero padded: cut at the outer DER length
  if (bytes.length < 2 || bytes[0] !== 0x30) return bytes;
  let len = bytes[1];
  let off = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + bytes[2 + i];
    off = 2 + n;
  }
  return bytes.subarray(0, Math.min(bytes.length, off + len));
}

function signedDataOf(der: Uint8Array): pkijs.SignedData | null {
  try {
    const asn = asn1js.fromBER(toArrayBuffer(trimDer(der)));
    if (asn.offset === -1) return null;
    const ci = new pkijs.ContentInfo({ schema: asn.result });
    return new pkijs.SignedData({ schema: ci.content });
  } catch {
    return null;
  }
}

function certsOf(sd: pkijs.SignedData): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const c of sd.certificates ?? []) if (c instanceof pkijs.Certificate) out.push(new Uint8Array(c.toSchema().toBER(false)));
  return out;
}

/** Certificate sets of a CMS: [its own certificates, then those of each signature-timestamp token]. */
export function certificatesOfCms(contents: Uint8Array): { chains: Uint8Array[][]; hasSignatureTimestamp: boolean } {
  const sd = signedDataOf(contents);
  if (!sd) return { chains: [], hasSignatureTimestamp: false };
  const chains: Uint8Array[][] = [certsOf(sd)];
  let hasSignatureTimestamp = false;
  for (const si of sd.signerInfos) {
    for (const attr of si.unsignedAttrs?.attributes ?? []) {
      if (attr.type !== SIG_TS_OID) continue;
      hasSignatureTimestamp = true;
      for (const v of attr.values) {
        const tsd = signedDataOf(new Uint8Array(v.toBER(false)));
        if (tsd) chains.push(certsOf(tsd));
      }
    }
  }
  return { chains, hasSignatureTimestamp };
}
