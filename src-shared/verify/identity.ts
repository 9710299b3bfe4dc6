// Human-readable signer identity from an X.509 certificate: RFC 4514-style names, the common name,
// organisation, e-mail and the Vietnamese identifiers (MST:, CCCD:, CMND:, …) that CAs put in UID,
// OU or serialNumber attributes.

import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { SignerIdentity } from './report';
import { describeSpki } from '../crypto/certificate';
import { EC_CURVES } from '../crypto/algorithms';
import { OID, toHex } from './algorithms';

export const ATTR_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST', '2.5.4.10': 'O', '2.5.4.11': 'OU',
  '2.5.4.5': 'serialNumber', '2.5.4.12': 'title', '2.5.4.42': 'GN', '2.5.4.4': 'SN',
  '0.9.2342.19200300.100.1.1': 'UID', '1.2.840.113549.1.9.1': 'E', '2.5.4.97': 'organizationIdentifier',
};

function attrValue(v: unknown): string {
  const x = v as { valueBlock?: { value?: unknown; valueHexView?: Uint8Array } };
  if (x && x.valueBlock && typeof x.valueBlock.value === 'string') return x.valueBlock.value;
  if (x && x.valueBlock && x.valueBlock.valueHexView) return '#' + toHex(x.valueBlock.valueHexView);
  return '';
}

export function nameAttributes(name: pkijs.RelativeDistinguishedNames): Array<[string, string]> {
  return name.typesAndValues.map((tv) => [ATTR_NAMES[tv.type] ?? tv.type, attrValue(tv.value)] as [string, string]);
}

/** Attributes (in certificate order) as one RFC 4514 string (most specific first). */
export function formatName(attrs: Array<[string, string]>): string {
  return [...attrs]
    .reverse()
    .map(([k, v]) => `${k}=${v.replace(/([,+"\\<>;])/g, '\\$1')}`)
    .join(', ');
}

/** RFC 4514 order (most specific first). */
export function nameToString(name: pkijs.RelativeDistinguishedNames): string {
  return formatName(nameAttributes(name));
}

function first(attrs: Array<[string, string]>, k: string): string | null {
  const f = attrs.find(([n]) => n === k);
  return f ? f[1] : null;
}

/** Bit length of an unsigned big-endian INTEGER content. */
function intBits(b: Uint8Array): number {
  let i = 0;
  while (i < b.length && b[i] === 0) i++;
  return i === b.length ? 0 : (b.length - i - 1) * 8 + (32 - Math.clz32(b[i]));
}

/**
 * Key type and size in bits: RSA modulus length; EC order size for any named curve (NIST,
 * brainpool, …) or explicit parameters; DSA prime size. Never throws (unreadable: 0 bits).
 */
export function keyInfo(cert: pkijs.Certificate): { type: string; bits: number; curve?: string } {
  const spki = cert.subjectPublicKeyInfo;
  const alg = spki.algorithm.algorithmId;
  if (alg === OID.ed25519) return { type: 'Ed25519', bits: 256 };
  if (alg === OID.ed448) return { type: 'Ed448', bits: 456 };
  try {
    if (alg === OID.ecPublicKey) {
      const p = spki.algorithm.algorithmParams;
      if (p instanceof asn1js.ObjectIdentifier) {
        const c = EC_CURVES[p.valueBlock.toString()];
        return c ? { type: 'EC', bits: c.bits, curve: c.name } : { type: 'EC', bits: 0, curve: p.valueBlock.toString() };
      }
      // ECParameters { version, fieldID, curve, base, order, cofactor? }
      const order = p instanceof asn1js.Sequence ? p.valueBlock.value[4] : undefined;
      return { type: 'EC', bits: order instanceof asn1js.Integer ? intBits(order.valueBlock.valueHexView) : 0, curve: 'explicit parameters' };
    }
    if (alg === OID.dsa) {
      const p = spki.algorithm.algorithmParams;
      const prime = p instanceof asn1js.Sequence ? p.valueBlock.value[0] : undefined;
      return { type: 'DSA', bits: prime instanceof asn1js.Integer ? intBits(prime.valueBlock.valueHexView) : 0 };
    }
    if (alg !== OID.rsaEncryption && alg !== OID.rsassaPss) return { type: alg, bits: 0 };
    return { type: 'RSA', bits: describeSpki(spki).bits };
  } catch {
    return { type: alg === OID.ecPublicKey ? 'EC' : alg === OID.dsa ? 'DSA' : 'RSA', bits: 0 };
  }
}

export function signerIdentity(cert: pkijs.Certificate): SignerIdentity {
  const subj = nameAttributes(cert.subject);
  const identifiers: string[] = [];
  for (const [k, v] of subj) {
    if ((k === 'UID' || k === 'OU' || k === 'serialNumber' || k === 'organizationIdentifier') && /^(MST|CCCD|CMND|HC|MNS|BHXH)[:\s]/i.test(v)) {
      identifiers.push(v);
    }
  }
  const key = keyInfo(cert);
  return {
    commonName: first(subj, 'CN'),
    subject: nameToString(cert.subject),
    issuer: nameToString(cert.issuer),
    serialNumber: toHex(cert.serialNumber.valueBlock.valueHexView),
    organization: first(subj, 'O'),
    identifiers,
    email: first(subj, 'E'),
    notBefore: cert.notBefore.value.toISOString(),
    notAfter: cert.notAfter.value.toISOString(),
    keyAlgorithm: key.type,
    keyBits: key.bits,
  };
}
