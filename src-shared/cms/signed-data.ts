// Generic CMS SignedData builder over the Signer interface (RFC 5652): one SignerInfo with
// signed attributes, detached or with encapsulated content. CAdES signatures and the test TSA's
// timestamp tokens are both built here.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { HashAlgorithm, SignatureScheme, Signer } from '../sign/signer';
import { toArrayBuffer } from '../crypto/bytes';
import { parseCertificate } from '../crypto/certificate';
import { digestAlgorithmIdentifier, signatureAlgorithmIdentifier } from '../crypto/algorithms';
import { hashLength } from '../crypto/hash';
import { OID } from '../crypto/oids';
import { assertHashPolicy, assertKeyPolicy, assertSchemeFitsKey, chooseScheme } from '../crypto/policy';
import { VanthuError } from '../errors';
import {
  contentTypeAttribute, encodeSignedAttributes, messageDigestAttribute, signingCertificateV2Attribute,
  signingTimeAttribute, sortAttributes,
} from './attributes';

export interface SignedDataInput {
  signer: Signer;
  hash: HashAlgorithm;
  /** Default: chosen from the signer's schemes (PSS preferred for RSA when supported). */
  scheme?: SignatureScheme;
  /** Digest (with `hash`) of the content: the PDF byte ranges, or the encapsulated content. */
  messageDigest: Uint8Array;
  /** Default id-data. */
  eContentType?: string;
  /** Encapsulated content (e.g. TSTInfo DER); absent for detached signatures. */
  eContent?: Uint8Array;
  /** Add a signing-time attribute with this time (default: none). */
  signingTime?: Date;
  /** Extra signed attributes. */
  extraSignedAttributes?: pkijs.Attribute[];
  /** Certificates to embed (default: signer certificate + signer.chain). */
  certificates?: Uint8Array[];
}

/** DER ContentInfo { id-signedData, SignedData }. */
export async function buildSignedData(input: SignedDataInput): Promise<Uint8Array> {
  const { signer, hash } = input;
  assertHashPolicy(hash);
  assertKeyPolicy(signer.key);
  const scheme = input.scheme ?? chooseScheme(signer.key, signer.schemes);
  assertSchemeFitsKey(signer.key, scheme);
  if (!signer.schemes.includes(scheme.kind)) {
    throw new VanthuError('SCHEME_UNSUPPORTED', `Thiết bị ký không hỗ trợ lược đồ ${scheme.kind}.`, `The signer does not support the ${scheme.kind} scheme.`);
  }
  if (input.messageDigest.length !== hashLength(hash)) throw new RangeError(`messageDigest length does not match ${hash}`);

  const cert = parseCertificate(signer.certificate);
  const eContentType = input.eContentType ?? OID.data;
  const attrs: pkijs.Attribute[] = [
    contentTypeAttribute(eContentType),
    messageDigestAttribute(input.messageDigest),
    await signingCertificateV2Attribute(cert, signer.certificate),
    ...(input.signingTime ? [signingTimeAttribute(input.signingTime)] : []),
    ...(input.extraSignedAttributes ?? []),
  ];
  const sorted = sortAttributes(attrs);
  const toBeSigned = encodeSignedAttributes(sorted);
  const signature = await signer.sign(toBeSigned, hash, scheme);

  const signerInfo = new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
    digestAlgorithm: digestAlgorithmIdentifier(hash),
    signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: sorted }),
    signatureAlgorithm: signatureAlgorithmIdentifier(scheme, hash),
    signature: new asn1js.OctetString({ valueHex: toArrayBuffer(signature) }),
  });

  const certDers = input.certificates ?? [signer.certificate, ...signer.chain];
  const signedData = new pkijs.SignedData({
    version: eContentType === OID.data ? 1 : 3,
    digestAlgorithms: [digestAlgorithmIdentifier(hash)],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({
      eContentType,
      ...(input.eContent ? { eContent: new asn1js.OctetString({ valueHex: toArrayBuffer(input.eContent) }) } : {}),
    }),
    certificates: certDers.map((d) => parseCertificate(d)),
    signerInfos: [signerInfo],
  });
  const contentInfo = new pkijs.ContentInfo({ contentType: OID.signedData, content: signedData.toSchema(true) });
  return new Uint8Array(contentInfo.toSchema().toBER(false));
}

/** Parse a DER ContentInfo holding SignedData. */
export function parseSignedData(der: Uint8Array): pkijs.SignedData {
  try {
    const ci = pkijs.ContentInfo.fromBER(toArrayBuffer(der));
    if (ci.contentType !== OID.signedData) throw new Error('not SignedData');
    return new pkijs.SignedData({ schema: ci.content });
  } catch {
    throw new VanthuError('CMS_INVALID', 'Dữ liệu chữ ký CMS không hợp lệ.', 'The CMS signature data is malformed.');
  }
}

/** Re-wrap a SignedData into DER ContentInfo. */
export function encodeSignedData(sd: pkijs.SignedData): Uint8Array {
  const ci = new pkijs.ContentInfo({ contentType: OID.signedData, content: sd.toSchema(true) });
  return new Uint8Array(ci.toSchema().toBER(false));
}
