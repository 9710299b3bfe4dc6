// The one CMS SignerInfo core, shared by the signing side (RFC 3161 tokens checked as they arrive,
// src-shared/cms/timestamp.ts) and the verifier (src-shared/verify/cms-verify.ts): find the signer
// certificate, read signed/unsigned attributes, the message-digest value, the bytes the signature
// covers, and check the signature with src-shared/crypto. checkSignerInfo adds the signing rules'
// algorithm policy (SHA-2 only, no EdDSA) for the signing side; the verifier applies its own policy.
// No path building or revocation here (that is src-shared/pki); this answers "do the bytes match".
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { HashAlgorithm } from '../sign/signer';
import { bytesEqual, concatBytes } from '../crypto/bytes';
import { DIGEST_OIDS, digest, hashFromOid, type DigestName } from '../crypto/hash';
import { OID } from '../crypto/oids';
import { isAllowedHash } from '../crypto/policy';
import { checkSignature, type SignatureOutcome } from '../crypto/verify-signed';
import type { CryptoProvider } from '../crypto/provider';
import { certificateFields } from '../pki/der';
import { certificateFromDer, derOf, embeddedCertificateDers, parseEach } from './signed-data';

function certificatesOf(sd: pkijs.SignedData): pkijs.Certificate[] {
  return (sd.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
}

/** Certificates embedded in a SignedData, as DER (the bytes they came in, when known). */
export function embeddedCertificates(sd: pkijs.SignedData): Uint8Array[] {
  return embeddedCertificateDers(sd) ?? parsableCertificates(sd).map((c) => derOf(c));
}

/** The encapsulated content (BER constructed OCTET STRING chunks joined), or undefined when detached. */
export function encapsulatedContent(sd: pkijs.SignedData): Uint8Array | undefined {
  const ec = sd.encapContentInfo.eContent;
  if (!ec) return undefined;
  const pieces: Uint8Array[] = [];
  const walk = (o: asn1js.OctetString) => {
    if (o.valueBlock.isConstructed) for (const x of o.valueBlock.value as asn1js.OctetString[]) walk(x);
    else pieces.push(o.valueBlock.valueHexView);
  };
  walk(ec);
  return concatBytes(...pieces);
}

/** The key identifier of a [0] subjectKeyIdentifier sid (primitive, or constructed around an OCTET STRING). */
function sidKeyIdentifier(sid: unknown): Uint8Array | undefined {
  if (sid instanceof asn1js.Constructed) {
    const inner = sid.valueBlock.value[0];
    return inner instanceof asn1js.OctetString ? inner.valueBlock.valueHexView : undefined;
  }
  if (sid instanceof asn1js.BaseBlock) return (sid as asn1js.Primitive).valueBlock.valueHexView;
  return undefined;
}

function subjectKeyIdentifier(c: pkijs.Certificate): Uint8Array | undefined {
  const ext = c.extensions?.find((e) => e.extnID === OID.subjectKeyIdentifier);
  if (!ext) return undefined;
  if (ext.parsedValue instanceof asn1js.OctetString) return ext.parsedValue.valueBlock.valueHexView;
  const parsed = asn1js.fromBER(ext.extnValue.valueBlock.valueHexView);
  return parsed.offset !== -1 && parsed.result instanceof asn1js.OctetString ? parsed.result.valueBlock.valueHexView : undefined;
}

/**
 * INTEGER content without redundant leading octets: serial numbers written with a needless 0x00
 * (or 0xFF before a negative one) by non-DER encoders still name the same certificate.
 */
export function minimalInteger(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length - 1 && ((b[i] === 0 && b[i + 1] < 0x80) || (b[i] === 0xff && b[i + 1] >= 0x80))) i++;
  return b.subarray(i);
}

/** The embedded certificates that parse (one that does not is skipped, not fatal). */
function parsableCertificates(sd: pkijs.SignedData): pkijs.Certificate[] {
  const ders = embeddedCertificateDers(sd);
  if (!ders) {
    try {
      return certificatesOf(sd);
    } catch {
      return [];
    }
  }
  return parseEach(ders);
}

/** Find the signer certificate of a SignerInfo among the embedded (and extra) certificates. */
export function findSignerCertificate(sd: pkijs.SignedData, si: pkijs.SignerInfo, extra: pkijs.Certificate[] = []): pkijs.Certificate | undefined {
  const sid = si.sid;
  // certificates still DER (readSignedData): compare issuer and serial bytes, parse only the match
  const ders = embeddedCertificateDers(sd);
  if (ders && sid instanceof pkijs.IssuerAndSerialNumber) {
    const raw = sid.issuer.valueBeforeDecode;
    const issuer = raw && raw.byteLength ? new Uint8Array(raw) : new Uint8Array(sid.issuer.toSchema().toBER(false));
    const serial = minimalInteger(sid.serialNumber.valueBlock.valueHexView);
    for (const d of ders) {
      let f: ReturnType<typeof certificateFields> | undefined;
      try {
        f = certificateFields(d);
      } catch {
        continue; // a malformed one: the full search below decides
      }
      if (bytesEqual(minimalInteger(f.serial), serial) && bytesEqual(f.issuer, issuer)) {
        try {
          return certificateFromDer(d);
        } catch {
          /* unreadable: keep looking */
        }
      }
    }
  }
  const certs = [...parsableCertificates(sd), ...extra];
  if (sid instanceof pkijs.IssuerAndSerialNumber) {
    const serial = minimalInteger(sid.serialNumber.valueBlock.valueHexView);
    return certs.find((c) => c.issuer.isEqual(sid.issuer) && bytesEqual(minimalInteger(c.serialNumber.valueBlock.valueHexView), serial));
  }
  const ski = sidKeyIdentifier(sid);
  if (!ski) return undefined;
  return certs.find((c) => {
    const own = subjectKeyIdentifier(c);
    return !!own && bytesEqual(own, ski);
  });
}

/** All signed (or unsigned) attributes of `type`. */
export function attributesOf(si: pkijs.SignerInfo, which: 'signed' | 'unsigned', type: string): pkijs.Attribute[] {
  const set = which === 'signed' ? si.signedAttrs : si.unsignedAttrs;
  return set ? set.attributes.filter((a) => a.type === type) : [];
}

/** Value of the first signed attribute of `type`, or undefined. */
export function signedAttribute(si: pkijs.SignerInfo, type: string): any | undefined {
  return attributesOf(si, 'signed', type)[0]?.values[0];
}

/** The message-digest signed attribute's value, or undefined. */
export function messageDigestOf(si: pkijs.SignerInfo): Uint8Array | undefined {
  const md = signedAttribute(si, OID.messageDigest);
  return md instanceof asn1js.OctetString ? new Uint8Array(md.valueBlock.valueHexView) : undefined;
}

/** Bytes the signature covers: the signed attributes re-tagged as SET (0x31). */
export function signedAttributesForVerification(si: pkijs.SignerInfo): Uint8Array {
  const enc = si.signedAttrs!.encodedValue;
  const bytes = new Uint8Array(enc.byteLength ? enc.slice(0) : si.signedAttrs!.toSchema().toBER(false));
  bytes[0] = 0x31;
  return bytes;
}

/**
 * Check the signature of `si` with `cert` over `signed` (default: the signed attributes, which
 * must then be present). `digestAlg` is the SignerInfo digest algorithm. Never throws.
 */
export function checkSignerSignature(si: pkijs.SignerInfo, cert: pkijs.Certificate, digestAlg: DigestName, signed?: Uint8Array, crypto?: CryptoProvider): Promise<SignatureOutcome> {
  const data = signed ?? signedAttributesForVerification(si);
  return checkSignature(cert, si.signatureAlgorithm, digestAlg, data, new Uint8Array(si.signature.valueBlock.valueHexView), crypto);
}

export interface SignerInfoCheck {
  /** message-digest attribute equals the digest of the content. */
  digestMatches: boolean;
  /** The signature verifies with the signer certificate's public key, with an algorithm the signing rules allow. */
  signatureValid: boolean;
  hash: HashAlgorithm;
  signerCertificate?: pkijs.Certificate;
}

/**
 * Check SignerInfo `index` of `sd` under the signing rules (SHA-256/384/512 digest and signature
 * hash). `content` is the detached content, or omitted to use the encapsulated eContent;
 * alternatively pass `contentDigest` directly.
 */
export async function checkSignerInfo(sd: pkijs.SignedData, opts: { index?: number; content?: Uint8Array; contentDigest?: Uint8Array; extraCertificates?: pkijs.Certificate[] } = {}): Promise<SignerInfoCheck> {
  const si = sd.signerInfos[opts.index ?? 0];
  const hash = hashFromOid(si.digestAlgorithm.algorithmId);
  if (!hash) return { digestMatches: false, signatureValid: false, hash: 'SHA-256' };
  const cert = findSignerCertificate(sd, si, opts.extraCertificates);
  let contentDigest = opts.contentDigest;
  if (!contentDigest) {
    const content = opts.content ?? encapsulatedContent(sd);
    contentDigest = content ? await digest(hash, content) : undefined;
  }
  const md = messageDigestOf(si);
  const digestMatches = !!(md && contentDigest && bytesEqual(md, contentDigest));
  let signatureValid = false;
  if (cert && si.signedAttrs) {
    const v = await checkSignerSignature(si, cert, DIGEST_OIDS[si.digestAlgorithm.algorithmId]);
    signatureValid = v.ok === true && !!v.hash && isAllowedHash(v.hash);
  }
  return { digestMatches, signatureValid, hash, signerCertificate: cert };
}
