// Verify one SignerInfo of a SignedData cryptographically: message-digest attribute against the
// content digest, then the signature over the signed attributes with the signer certificate.
// No path building or revocation here (that is src-shared/pki); this answers "do the bytes match".
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { HashAlgorithm } from '../sign/signer';
import { bytesEqual } from '../crypto/bytes';
import { certificateDer } from '../crypto/certificate';
import { parseSignatureAlgorithm } from '../crypto/algorithms';
import { digest, hashFromOid } from '../crypto/hash';
import { OID } from '../crypto/oids';
import { verifyWithCertificate } from '../crypto/webcrypto-signer';

/** Certificates embedded in a SignedData, as DER. */
export function embeddedCertificates(sd: pkijs.SignedData): Uint8Array[] {
  return (sd.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate).map(certificateDer);
}

/** Find the signer certificate of a SignerInfo among the embedded (or given) certificates. */
export function findSignerCertificate(sd: pkijs.SignedData, si: pkijs.SignerInfo, extra: pkijs.Certificate[] = []): pkijs.Certificate | undefined {
  const certs = [...(sd.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate), ...extra];
  const sid = si.sid;
  if (sid instanceof pkijs.IssuerAndSerialNumber) {
    return certs.find((c) => c.issuer.isEqual(sid.issuer) && bytesEqual(c.serialNumber.valueBlock.valueHexView, sid.serialNumber.valueBlock.valueHexView));
  }
  // [0] SubjectKeyIdentifier
  const ski = sid instanceof asn1js.Constructed || sid instanceof asn1js.Primitive ? (sid as asn1js.Primitive).valueBlock.valueHexView : undefined;
  if (!ski) return undefined;
  return certs.find((c) => {
    const ext = c.extensions?.find((e) => e.extnID === OID.subjectKeyIdentifier);
    if (!ext) return false;
    const parsed = asn1js.fromBER(ext.extnValue.valueBlock.valueHexView);
    return parsed.offset !== -1 && bytesEqual((parsed.result as asn1js.OctetString).valueBlock.valueHexView, ski);
  });
}

/** Value of the first signed attribute of `type`, or undefined. */
export function signedAttribute(si: pkijs.SignerInfo, type: string): any | undefined {
  return si.signedAttrs?.attributes.find((a) => a.type === type)?.values[0];
}

/** Bytes the signature covers: the signed attributes re-tagged as SET (0x31). */
export function signedAttributesForVerification(si: pkijs.SignerInfo): Uint8Array {
  const enc = si.signedAttrs!.encodedValue;
  const bytes = new Uint8Array(enc.byteLength ? enc.slice(0) : si.signedAttrs!.toSchema().toBER(false));
  bytes[0] = 0x31;
  return bytes;
}

export interface SignerInfoCheck {
  /** message-digest attribute equals the digest of the content. */
  digestMatches: boolean;
  /** The signature verifies with the signer certificate's public key. */
  signatureValid: boolean;
  hash: HashAlgorithm;
  signerCertificate?: pkijs.Certificate;
}

/**
 * Check SignerInfo `index` of `sd`. `content` is the detached content, or omitted to use the
 * encapsulated eContent; alternatively pass `contentDigest` directly.
 */
export async function checkSignerInfo(sd: pkijs.SignedData, opts: { index?: number; content?: Uint8Array; contentDigest?: Uint8Array; extraCertificates?: pkijs.Certificate[] } = {}): Promise<SignerInfoCheck> {
  const si = sd.signerInfos[opts.index ?? 0];
  const hash = hashFromOid(si.digestAlgorithm.algorithmId);
  if (!hash) return { digestMatches: false, signatureValid: false, hash: 'SHA-256' };
  const cert = findSignerCertificate(sd, si, opts.extraCertificates);
  let contentDigest = opts.contentDigest;
  if (!contentDigest) {
    const content = opts.content ?? sd.encapContentInfo.eContent?.getValue();
    contentDigest = content ? await digest(hash, content instanceof Uint8Array ? content : new Uint8Array(content)) : undefined;
  }
  const md = signedAttribute(si, OID.messageDigest) as asn1js.OctetString | undefined;
  const digestMatches = !!(md && contentDigest && bytesEqual(md.valueBlock.valueHexView, contentDigest));
  let signatureValid = false;
  if (cert && si.signedAttrs) {
    try {
      const { scheme, hash: sigHash } = parseSignatureAlgorithm(si.signatureAlgorithm, si.digestAlgorithm);
      signatureValid = await verifyWithCertificate(certificateDer(cert), signedAttributesForVerification(si),
        new Uint8Array(si.signature.valueBlock.valueHexView), sigHash, scheme);
    } catch {
      signatureValid = false;
    }
  }
  return { digestMatches, signatureValid, hash, signerCertificate: cert };
}

