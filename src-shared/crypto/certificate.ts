// Certificate parsing helpers: parse DER with pkijs and describe the public key (RSA bits,
// EC curve) the way the Signer interface does.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { KeyDescription } from '../sign/signer';
import { VanthuError } from '../errors';
import { bytesEqual, toArrayBuffer, toHex } from './bytes';
import { CURVE_OIDS } from './algorithms';
import { OID } from './oids';
import { readTlv, tlvContent, tlvKids } from '../pki/der';

/**
 * Certificates already parsed from a given DER array: a Signer hands the same certificate and
 * chain arrays to every signature of a batch, and re-parsing them cost ~2.5 ms each time. An entry
 * keeps a copy of the bytes and is used only while the array still holds them. The returned
 * object is shared between callers: treat it as read-only.
 */
const parsedFromArray = new WeakMap<Uint8Array, { der: Uint8Array; cert: pkijs.Certificate }>();

export function parseCertificate(der: Uint8Array): pkijs.Certificate {
  const hit = parsedFromArray.get(der);
  if (hit && bytesEqual(hit.der, der)) return hit.cert;
  let cert: pkijs.Certificate;
  try {
    cert = pkijs.Certificate.fromBER(toArrayBuffer(der));
  } catch {
    throw new VanthuError('CERT_INVALID', 'Chứng thư số không đọc được (DER hỏng).', 'The certificate cannot be parsed (bad DER).');
  }
  // Embedding it (CMS certificate sets) calls toSchema(), which re-parses the TBS part each time:
  // keep that schema (it is only read and encoded). toSchema(true) still re-encodes from the fields.
  const toSchema = cert.toSchema.bind(cert);
  let schema: ReturnType<typeof toSchema> | undefined;
  cert.toSchema = (encodeFlag = false) => (encodeFlag ? toSchema(true) : (schema ??= toSchema(false)));
  parsedFromArray.set(der, { der: der.slice(), cert });
  return cert;
}

/**
 * The modulus of an RSAPublicKey { modulus, publicExponent }: read in place when it is DER (asn1js's
 * fromBER costs ~0.1 ms a call in a cold process), through pkijs otherwise (BER lengths).
 */
function rsaModulus(key: Uint8Array): Uint8Array {
  try {
    const top = readTlv(key, 0);
    const m = top.end === key.length && top.tag === 16 ? tlvKids(key, top)[0] : undefined;
    if (m && m.cls === 0 && m.tag === 2 && !m.cons) return tlvContent(key, m);
  } catch {
    /* not DER: pkijs below */
  }
  return pkijs.RSAPublicKey.fromBER(toArrayBuffer(key)).modulus.valueBlock.valueHexView;
}

/** Describe the public key of a SubjectPublicKeyInfo. */
export function describeSpki(spki: pkijs.PublicKeyInfo): KeyDescription {
  const alg = spki.algorithm.algorithmId;
  if (alg === OID.rsaEncryption || alg === OID.rsassaPss) {
    let mod = rsaModulus(spki.subjectPublicKey.valueBlock.valueHexView);
    let i = 0;
    while (i < mod.length && mod[i] === 0) i++;
    mod = mod.subarray(i);
    const bits = mod.length ? (mod.length - 1) * 8 + (32 - Math.clz32(mod[0])) : 0;
    return { type: 'rsa', bits };
  }
  if (alg === OID.ecPublicKey) {
    const params = spki.algorithm.algorithmParams;
    const curveOid = params instanceof asn1js.ObjectIdentifier ? params.valueBlock.toString() : '';
    const curve = CURVE_OIDS[curveOid];
    if (!curve) {
      throw new VanthuError('KEY_UNSUPPORTED', `Đường cong elliptic không được hỗ trợ (${curveOid || 'không rõ'}).`,
        `Unsupported elliptic curve (${curveOid || 'unknown'}).`);
    }
    return { type: 'ec', bits: curve.bits, namedCurve: curve.name };
  }
  throw new VanthuError('KEY_UNSUPPORTED', `Loại khóa không được hỗ trợ (${alg}).`, `Unsupported key type (${alg}).`);
}

export function describeCertificateKey(certDer: Uint8Array | pkijs.Certificate): KeyDescription {
  const cert = certDer instanceof Uint8Array ? parseCertificate(certDer) : certDer;
  return describeSpki(cert.subjectPublicKeyInfo);
}

/** DER of a pkijs certificate. */
export function certificateDer(cert: pkijs.Certificate): Uint8Array {
  return new Uint8Array(cert.toSchema(true).toBER(false));
}

/** The extendedKeyUsage extension: its key purposes and whether it is critical; undefined when absent. */
export function extendedKeyUsage(cert: pkijs.Certificate): { critical: boolean; purposes: string[] } | undefined {
  const ext = cert.extensions?.find((e) => e.extnID === OID.extKeyUsage);
  if (!ext) return undefined;
  return { critical: !!ext.critical, purposes: (ext.parsedValue as pkijs.ExtKeyUsage | undefined)?.keyPurposes ?? [] };
}

/** Common name of the subject (first CN), for messages and reports. */
export function subjectCommonName(cert: pkijs.Certificate): string | undefined {
  const cn = cert.subject.typesAndValues.find((t) => t.type === '2.5.4.3');
  return cn ? String(cn.value.valueBlock.value) : undefined;
}

/** Serial number as lower-case hex. */
export function serialHex(cert: pkijs.Certificate): string {
  return toHex(cert.serialNumber.valueBlock.valueHexView);
}
