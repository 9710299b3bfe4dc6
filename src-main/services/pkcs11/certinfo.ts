// Reads what a person choosing a certificate needs to see: subject CN/O/OU, the Vietnamese
// identifiers carried in UID/OU/serialNumber (MST tax code, CMND/CCCD citizen ID), issuer,
// serial, validity with warnings, key usage and the key's type and size.

import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { KeyDescription } from '../../../src-shared/sign/signer';

const OID_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN', '2.5.4.10': 'O', '2.5.4.11': 'OU', '2.5.4.5': 'serialNumber', '2.5.4.6': 'C',
  '2.5.4.7': 'L', '2.5.4.8': 'ST', '2.5.4.12': 'T', '0.9.2342.19200300.100.1.1': 'UID',
  '1.2.840.113549.1.9.1': 'E', '2.5.4.4': 'SN', '2.5.4.42': 'GN',
};
const KU_NAMES = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement',
  'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly'] as const;
const CURVES: Record<string, string> = { '1.2.840.10045.3.1.7': 'P-256', '1.3.132.0.34': 'P-384', '1.3.132.0.35': 'P-521' };

export interface NameAttr { type: string; value: string }

export interface VnIdentifiers { mst?: string; cmnd?: string; cccd?: string }

export interface CertWarning { code: 'CERT_EXPIRED' | 'CERT_NOT_YET_VALID' | 'CERT_NO_SIGNING_USAGE'; message_vi: string; message_en: string }

export interface CertificateInfo {
  subject: { cn?: string; o?: string; ou: string[]; dn: string; attributes: NameAttr[] };
  identifiers: VnIdentifiers;
  issuer: { cn?: string; o?: string; dn: string };
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  validity: 'valid' | 'expired' | 'not-yet-valid';
  keyUsage: string[] | null;
  signingCapable: boolean;
  /** basicConstraints cA=TRUE: a CA certificate, not one to sign documents with. */
  isCa: boolean;
  key: KeyDescription;
  warnings: CertWarning[];
}

function readName(name: pkijs.RelativeDistinguishedNames): NameAttr[] {
  return name.typesAndValues.map((tv) => {
    const v = tv.value as { valueBlock?: { value?: unknown } };
    const value = typeof v.valueBlock?.value === 'string' ? v.valueBlock.value : String(tv.value.toString());
    return { type: OID_NAMES[tv.type] ?? tv.type, value };
  });
}

const dn = (attrs: NameAttr[]) => attrs.map((a) => `${a.type}=${a.value}`).join(', ');

/** Find MST / CMND / CCCD identifiers in the subject's UID, OU, serialNumber (and CN as fallback). */
export function vnIdentifiers(attrs: NameAttr[]): VnIdentifiers {
  const out: VnIdentifiers = {};
  const order = ['UID', 'OU', 'serialNumber', 'CN'];
  for (const t of order) {
    for (const a of attrs.filter((x) => x.type === t)) {
      for (const m of a.value.matchAll(/\b(MST|CMND|CCCD)\s*[:\uFF1A]\s*([0-9A-Za-z-]+)/gi)) {
        const k = m[1].toLowerCase() as keyof VnIdentifiers;
        out[k] ??= m[2];
      }
    }
  }
  return out;
}

function keyDescription(cert: pkijs.Certificate): KeyDescription {
  const spki = cert.subjectPublicKeyInfo;
  const alg = spki.algorithm.algorithmId;
  if (alg === '1.2.840.10045.2.1') {
    const curveOid = (spki.algorithm.algorithmParams as asn1js.ObjectIdentifier).valueBlock.toString();
    const namedCurve = CURVES[curveOid] ?? curveOid;
    const bits = namedCurve === 'P-256' ? 256 : namedCurve === 'P-384' ? 384 : namedCurve === 'P-521' ? 521 : 0;
    return { type: 'ec', bits, namedCurve };
  }
  const rsa = pkijs.RSAPublicKey.fromBER(spki.subjectPublicKey.valueBlock.valueHexView as Uint8Array<ArrayBuffer>);
  let mod = rsa.modulus.valueBlock.valueHexView;
  while (mod.length > 0 && mod[0] === 0) mod = mod.subarray(1);
  const bits = (mod.length - 1) * 8 + (32 - Math.clz32(mod[0]));
  return { type: 'rsa', bits };
}

function isCaCert(cert: pkijs.Certificate): boolean {
  const ext = cert.extensions?.find((e) => e.extnID === '2.5.29.19');
  if (!ext) return false;
  try {
    return pkijs.BasicConstraints.fromBER(ext.extnValue.valueBlock.valueHexView as Uint8Array<ArrayBuffer>).cA === true;
  } catch { return false; }
}

function keyUsage(cert: pkijs.Certificate): string[] | null {
  const ext = cert.extensions?.find((e) => e.extnID === '2.5.29.15');
  if (!ext) return null;
  const bs = asn1js.fromBER(ext.extnValue.valueBlock.valueHexView as Uint8Array<ArrayBuffer>).result as asn1js.BitString;
  const bytes = bs.valueBlock.valueHexView;
  const out: string[] = [];
  KU_NAMES.forEach((n, i) => { if (bytes[i >> 3] & (0x80 >> (i & 7))) out.push(n); });
  return out;
}

export function certificateInfo(der: Uint8Array, now: Date = new Date()): CertificateInfo {
  const cert = pkijs.Certificate.fromBER(der as Uint8Array<ArrayBuffer>);
  const subj = readName(cert.subject);
  const iss = readName(cert.issuer);
  const first = (attrs: NameAttr[], t: string) => attrs.find((a) => a.type === t)?.value;
  const notBefore = cert.notBefore.value;
  const notAfter = cert.notAfter.value;
  const validity = now < notBefore ? 'not-yet-valid' : now > notAfter ? 'expired' : 'valid';
  const ku = keyUsage(cert);
  const signingCapable = ku === null || ku.includes('digitalSignature') || ku.includes('nonRepudiation');
  const warnings: CertWarning[] = [];
  const d = (x: Date) => x.toISOString().slice(0, 10);
  if (validity === 'expired') {
    warnings.push({ code: 'CERT_EXPIRED', message_vi: `Chứng thư số đã hết hạn ngày ${d(notAfter)}.`, message_en: `The certificate expired on ${d(notAfter)}.` });
  } else if (validity === 'not-yet-valid') {
    warnings.push({ code: 'CERT_NOT_YET_VALID', message_vi: `Chứng thư số chưa có hiệu lực (từ ngày ${d(notBefore)}).`, message_en: `The certificate is not valid until ${d(notBefore)}.` });
  }
  if (!signingCapable) {
    warnings.push({ code: 'CERT_NO_SIGNING_USAGE', message_vi: 'Chứng thư số này không dùng để ký (thiếu digitalSignature/nonRepudiation).', message_en: 'This certificate is not for signing (no digitalSignature/nonRepudiation key usage).' });
  }
  return {
    subject: { cn: first(subj, 'CN'), o: first(subj, 'O'), ou: subj.filter((a) => a.type === 'OU').map((a) => a.value), dn: dn(subj), attributes: subj },
    identifiers: vnIdentifiers(subj),
    issuer: { cn: first(iss, 'CN'), o: first(iss, 'O'), dn: dn(iss) },
    serialNumber: Buffer.from(cert.serialNumber.valueBlock.valueHexView).toString('hex'),
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    validity,
    keyUsage: ku,
    signingCapable,
    isCa: isCaCert(cert),
    key: keyDescription(cert),
    warnings,
  };
}
