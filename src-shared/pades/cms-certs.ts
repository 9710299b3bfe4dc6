// Read-only look into an embedded CMS blob: the certificates it carries (signer, chain, and those
// inside a signature-time-stamp token) and whether it has a signature timestamp. Used by
// `extendPdf` to know what validation data to gather; verification proper lives elsewhere.

import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { toArrayBuffer } from '../crypto/bytes';

const SIG_TS_OID = '1.2.840.113549.1.9.16.2.14';

function trimDer(bytes: Uint8Array): Uint8Array {
  // /Contents is zero padded: cut at the outer DER length. An indefinite length (BER, as Bouncy
  // Castle's and NSS's streaming encoders write, `30 80`) is left whole: the parser stops at its
  // end-of-contents octets and ignores the padding.
  if (bytes.length < 2 || bytes[0] !== 0x30 || bytes[1] === 0x80) return bytes;
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

const der = (c: pkijs.Certificate) => new Uint8Array(c.toSchema().toBER(false));
const sameBytes = (a: ArrayBuffer, b: ArrayBuffer) => {
  const x = new Uint8Array(a), y = new Uint8Array(b);
  return x.length === y.length && x.every((v, i) => v === y[i]);
};
const nameKey = (n: pkijs.RelativeDistinguishedNames) => toHex(new Uint8Array(n.toSchema().toBER(false)));
const toHex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

/** The certificate a SignerInfo names (issuer and serial, or subject key identifier). */
function signerCertificate(sd: pkijs.SignedData, certs: pkijs.Certificate[]): pkijs.Certificate | undefined {
  for (const si of sd.signerInfos) {
    const sid = si.sid;
    const hit = certs.find((c) => {
      if (sid instanceof pkijs.IssuerAndSerialNumber) {
        return nameKey(c.issuer) === nameKey(sid.issuer) && sameBytes(c.serialNumber.valueBlock.valueHexView.slice().buffer, sid.serialNumber.valueBlock.valueHexView.slice().buffer);
      }
      const ski = c.extensions?.find((e) => e.extnID === '2.5.29.14')?.parsedValue as asn1js.OctetString | undefined;
      const want = (sid as { valueBlock?: { valueHexView?: Uint8Array } }).valueBlock?.valueHexView;
      return !!ski && !!want && sameBytes(ski.valueBlock.valueHexView.slice().buffer, want.slice().buffer);
    });
    if (hit) return hit;
  }
  return undefined;
}

/**
 * The certificates of a SignedData, signer first and then its issuers in chain order (whatever
 * order the CMS lists them in: iText, for one, lists the root first), then the rest.
 */
function certsOf(sd: pkijs.SignedData): Uint8Array[] {
  const certs = (sd.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
  const first = signerCertificate(sd, certs) ?? certs[0];
  if (!first) return [];
  const ordered = [first];
  const rest = certs.filter((c) => c !== first);
  for (let cur = first; ;) {
    const i = rest.findIndex((c) => nameKey(c.subject) === nameKey(cur.issuer) && nameKey(c.subject) !== nameKey(cur.subject));
    if (i < 0) break;
    cur = rest.splice(i, 1)[0];
    ordered.push(cur);
  }
  return [...ordered, ...rest].map(der);
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
