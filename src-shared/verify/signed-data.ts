// Parsing a CMS ContentInfo/SignedData (RFC 5652 §5) into pkijs objects, part by part rather than
// through pkijs's whole-structure schema: the same certificates recur in every signature of a
// document (20 signatures, one signer), so parsed certificates are kept in a small cache keyed by
// their DER. Trailing zero padding (PDF /Contents) is accepted, anything else after the DER is not.

import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { OID, toHex } from './algorithms';

const CERT_CACHE_MAX = 128;
const certCache = new Map<string, pkijs.Certificate>();
/** The DER each parsed certificate came from (re-encoding through pkijs is slow and may differ). */
const originalDer = new WeakMap<object, Uint8Array>();

/** DER of a certificate or CRL as received, else re-encoded. */
export function derOf(x: pkijs.Certificate | pkijs.CertificateRevocationList): Uint8Array {
  return originalDer.get(x) ?? new Uint8Array(x.toSchema().toBER());
}

function certificateOf(node: asn1js.AsnType): pkijs.Certificate {
  const der = new Uint8Array((node as asn1js.BaseBlock).valueBeforeDecodeView);
  const key = der.length > 0 ? toHex(der) : '';
  const hit = key ? certCache.get(key) : undefined;
  if (hit) return hit;
  const c = new pkijs.Certificate({ schema: node });
  if (der.length > 0) originalDer.set(c, der);
  if (key) {
    if (certCache.size >= CERT_CACHE_MAX) certCache.delete(certCache.keys().next().value as string);
    certCache.set(key, c);
  }
  return c;
}

function isContext(n: asn1js.AsnType | undefined, tag: number): n is asn1js.Constructed {
  return !!n && n.idBlock.tagClass === 3 && n.idBlock.tagNumber === tag;
}

/** Parse DER (trailing zero padding tolerated) into a pkijs SignedData. Throws on malformed input. */
export function parseSignedData(der: Uint8Array): pkijs.SignedData {
  const asn = asn1js.fromBER(der);
  if (asn.offset === -1) throw new Error('not DER');
  for (let i = asn.offset; i < der.length; i++) if (der[i] !== 0) throw new Error('trailing data after CMS');
  const ci = new pkijs.ContentInfo({ schema: asn.result });
  if (ci.contentType !== OID.signedData) throw new Error(`content type ${ci.contentType} is not signedData`);
  const seq = ci.content;
  if (!(seq instanceof asn1js.Sequence)) throw new Error('SignedData is not a SEQUENCE');
  const parts = seq.valueBlock.value;
  let i = 0;
  const version = parts[i++];
  const digestAlgorithms = parts[i++];
  const encap = parts[i++];
  if (!(version instanceof asn1js.Integer) || !(digestAlgorithms instanceof asn1js.Set) || !(encap instanceof asn1js.Sequence)) {
    throw new Error('malformed SignedData');
  }
  const certificates: pkijs.CertificateSetItem[] = [];
  if (isContext(parts[i], 0)) {
    for (const c of (parts[i] as asn1js.Constructed).valueBlock.value) if (c instanceof asn1js.Sequence) certificates.push(certificateOf(c));
    i++;
  }
  const crls: pkijs.SignedDataCRL[] = [];
  if (isContext(parts[i], 1)) {
    for (const c of (parts[i] as asn1js.Constructed).valueBlock.value) {
      if (c instanceof asn1js.Sequence) {
        const crl = new pkijs.CertificateRevocationList({ schema: c });
        originalDer.set(crl, new Uint8Array(c.valueBeforeDecodeView));
        crls.push(crl);
      }
    }
    i++;
  }
  const signerInfos = parts[i++];
  if (!(signerInfos instanceof asn1js.Set) || i !== parts.length) throw new Error('malformed SignedData signerInfos');
  return new pkijs.SignedData({
    version: version.valueBlock.valueDec,
    digestAlgorithms: digestAlgorithms.valueBlock.value.map((a) => new pkijs.AlgorithmIdentifier({ schema: a })),
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ schema: encap }),
    certificates: certificates.length ? certificates : undefined,
    crls: crls.length ? crls : undefined,
    signerInfos: signerInfos.valueBlock.value.map((s) => new pkijs.SignerInfo({ schema: s })),
  });
}
