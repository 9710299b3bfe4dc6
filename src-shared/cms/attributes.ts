// CMS/CAdES signed attributes: content-type, message-digest, signing-time and
// signing-certificate-v2 (RFC 5035 ESSCertIDv2 with issuerSerial), plus DER SET OF ordering.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { HashAlgorithm } from '../sign/signer';
import { toArrayBuffer } from '../crypto/bytes';
import { digest, hashOid } from '../crypto/hash';
import { OID } from '../crypto/oids';

export function contentTypeAttribute(contentType: string): pkijs.Attribute {
  return new pkijs.Attribute({ type: OID.contentType, values: [new asn1js.ObjectIdentifier({ value: contentType })] });
}

export function messageDigestAttribute(md: Uint8Array): pkijs.Attribute {
  return new pkijs.Attribute({ type: OID.messageDigest, values: [new asn1js.OctetString({ valueHex: toArrayBuffer(md) })] });
}

/** RFC 5652 §11.3: UTCTime for 1950–2049, GeneralizedTime otherwise. */
export function signingTimeAttribute(when: Date): pkijs.Attribute {
  const y = when.getUTCFullYear();
  const t = y >= 1950 && y < 2050 ? new asn1js.UTCTime({ valueDate: when }) : new asn1js.GeneralizedTime({ valueDate: when });
  return new pkijs.Attribute({ type: OID.signingTime, values: [t] });
}

/**
 * signing-certificate-v2 { certs: [ ESSCertIDv2 { hashAlgorithm (omitted when SHA-256, its
 * DEFAULT), certHash, issuerSerial { issuer: [directoryName], serialNumber } } ] }.
 */
export async function signingCertificateV2Attribute(cert: pkijs.Certificate, certDer: Uint8Array, hash: HashAlgorithm = 'SHA-256'): Promise<pkijs.Attribute> {
  const certHash = await digest(hash, certDer);
  const issuerSerial = new asn1js.Sequence({
    value: [
      new asn1js.Sequence({
        value: [new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 4 }, value: [cert.issuer.toSchema()] })],
      }),
      new asn1js.Integer({ valueHex: toArrayBuffer(cert.serialNumber.valueBlock.valueHexView) }),
    ],
  });
  const idParts: asn1js.AsnType[] = [];
  if (hash !== 'SHA-256') idParts.push(new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: hashOid(hash) })] }));
  idParts.push(new asn1js.OctetString({ valueHex: toArrayBuffer(certHash) }), issuerSerial);
  const value = new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [new asn1js.Sequence({ value: idParts })] })] });
  return new pkijs.Attribute({ type: OID.signingCertificateV2, values: [value] });
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** Sort attributes by their DER encoding, as DER requires for SET OF. */
export function sortAttributes(attrs: pkijs.Attribute[]): pkijs.Attribute[] {
  const enc = attrs.map((a) => ({ a, der: new Uint8Array(a.toSchema().toBER(false)) }));
  enc.sort((x, y) => compareBytes(x.der, y.der));
  return enc.map((e) => e.a);
}

/** The bytes that get signed: the signed attributes encoded as an explicit SET OF (tag 0x31). */
export function encodeSignedAttributes(sorted: pkijs.Attribute[]): Uint8Array {
  return new Uint8Array(new asn1js.Set({ value: sorted.map((a) => a.toSchema()) }).toBER(false));
}
