// Generic CMS SignedData builder over the Signer interface (RFC 5652): one SignerInfo with
// signed attributes, detached or with encapsulated content. CAdES signatures and the test TSA's
// timestamp tokens are both built here. Also the one SignedData reader (signing side and verifier):
// part by part rather than through pkijs's whole-structure schema, because the same certificates
// recur in every signature of a document (20 signatures, one signer), so parsed certificates are
// kept in a small cache keyed by their DER. Trailing zero padding (PDF /Contents) is accepted,
// anything else after the DER is not.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { HashAlgorithm, SignatureScheme, Signer } from '../sign/signer';
import { toArrayBuffer, toHex } from '../crypto/bytes';
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
import { registerCache } from '../caches';
import { decodeOid, readTlv, tlvContent, tlvKids, tlvRaw, type Tlv } from '../pki/der';

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

/** Parse a DER ContentInfo holding SignedData (from a private copy of the bytes). */
export function parseSignedData(der: Uint8Array): pkijs.SignedData {
  try {
    return readSignedData(new Uint8Array(toArrayBuffer(der)));
  } catch {
    throw new VanthuError('CMS_INVALID', 'Dữ liệu chữ ký CMS không hợp lệ.', 'The CMS signature data is malformed.');
  }
}

/** Re-wrap a SignedData into DER ContentInfo. */
export function encodeSignedData(sd: pkijs.SignedData): Uint8Array {
  const ci = new pkijs.ContentInfo({ contentType: OID.signedData, content: sd.toSchema(true) });
  return new Uint8Array(ci.toSchema().toBER(false));
}

const CERT_CACHE_MAX = 128;
const certCache = new Map<string, pkijs.Certificate>();
registerCache('cms.certificates', certCache);
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

/** DER of the certificates embedded in SignedData objects made by readSignedData's fast path. */
const embeddedDers = new WeakMap<pkijs.SignedData, Uint8Array[]>();

/**
 * DER of the certificates embedded in `sd`, without parsing them when readSignedData could keep
 * them as DER (else undefined: use sd.certificates).
 */
export function embeddedCertificateDers(sd: pkijs.SignedData): Uint8Array[] | undefined {
  return embeddedDers.get(sd);
}

/** A certificate from its DER, parsed once per process (shared cache, read-only). */
export function certificateFromDer(der: Uint8Array): pkijs.Certificate {
  const key = toHex(der);
  const hit = certCache.get(key);
  if (hit) return hit;
  const asn = asn1js.fromBER(der);
  if (asn.offset === -1 || asn.offset !== der.length) throw new Error('bad certificate DER');
  return certificateOf(asn.result);
}

function asn1Of(der: Uint8Array, t: Tlv): asn1js.AsnType {
  const raw = tlvRaw(der, t);
  const r = asn1js.fromBER(raw);
  if (r.offset !== raw.length) throw new Error('malformed SignedData part');
  return r.result;
}

/**
 * The common case, DER: the structure is walked in place and only the small parts are parsed
 * with asn1js/pkijs; the embedded certificates stay DER until someone reads sd.certificates (the
 * verifier needs only the signer's: findSignerCertificate matches issuer and serial on the DER).
 * Parsing a whole CMS with asn1js, certificates and all, cost most of a single-signature
 * verification's CPU. Returns null for anything else (BER, other certificate choices).
 */
/** A SignedData that is wrong whichever way it is read: no point trying the full parser. */
class NotSignedData extends Error {}

function readSignedDataDer(der: Uint8Array): pkijs.SignedData | null {
  let top: Tlv;
  try {
    top = readTlv(der, 0);
  } catch {
    return null;
  }
  for (let i = top.end; i < der.length; i++) if (der[i] !== 0) throw new Error('trailing data after CMS');
  try {
    const ci = tlvKids(der, top);
    if (ci.length !== 2 || ci[0].cls !== 0 || ci[0].tag !== 6 || ci[1].cls !== 2 || ci[1].tag !== 0 || !ci[1].cons) return null;
    const contentType = decodeOid(tlvContent(der, ci[0]));
    if (contentType !== OID.signedData) throw new NotSignedData(`content type ${contentType} is not signedData`);
    const inner = tlvKids(der, ci[1]);
    if (inner.length !== 1 || inner[0].cls !== 0 || inner[0].tag !== 16) return null;
    const parts = tlvKids(der, inner[0]);
    let i = 0;
    const version = asn1Of(der, parts[i++]);
    const digestAlgorithms = asn1Of(der, parts[i++]);
    const encap = asn1Of(der, parts[i++]);
    if (!(version instanceof asn1js.Integer) || !(digestAlgorithms instanceof asn1js.Set) || !(encap instanceof asn1js.Sequence)) return null;
    const certDers: Uint8Array[] = [];
    if (parts[i] && parts[i].cls === 2 && parts[i].tag === 0) {
      for (const c of tlvKids(der, parts[i])) {
        if (c.cls !== 0 || c.tag !== 16) return null; // attribute/other certificate choices: the full path
        certDers.push(tlvRaw(der, c));
      }
      i++;
    }
    const crls: pkijs.SignedDataCRL[] = [];
    if (parts[i] && parts[i].cls === 2 && parts[i].tag === 1) {
      for (const c of tlvKids(der, parts[i])) {
        if (c.cls !== 0 || c.tag !== 16) return null;
        const node = asn1Of(der, c);
        const crl = new pkijs.CertificateRevocationList({ schema: node });
        originalDer.set(crl, tlvRaw(der, c));
        crls.push(crl);
      }
      i++;
    }
    if (!parts[i] || i !== parts.length - 1 || parts[i].cls !== 0 || parts[i].tag !== 17 || !parts[i].cons) throw new NotSignedData('malformed SignedData signerInfos');
    const sd = new pkijs.SignedData({
      version: version.valueBlock.valueDec,
      digestAlgorithms: digestAlgorithms.valueBlock.value.map((a) => new pkijs.AlgorithmIdentifier({ schema: a })),
      encapContentInfo: new pkijs.EncapsulatedContentInfo({ schema: encap }),
      crls: crls.length ? crls : undefined,
      signerInfos: tlvKids(der, parts[i]).map((t) => signerInfoFromDer(der, t) ?? new pkijs.SignerInfo({ schema: asn1Of(der, t) })),
    });
    if (certDers.length) {
      let parsed: pkijs.CertificateSetItem[] | undefined;
      Object.defineProperty(sd, 'certificates', {
        configurable: true,
        enumerable: true,
        get: () => (parsed ??= parseEach(certDers)),
        set: (v: pkijs.CertificateSetItem[] | undefined) => {
          parsed = v;
          embeddedDers.delete(sd);
        },
      });
      embeddedDers.set(sd, certDers);
    } else {
      embeddedDers.set(sd, []);
    }
    return sd;
  } catch (e) {
    if (e instanceof NotSignedData) throw e;
    return null; // let the full parser decide (and describe) what is wrong
  }
}

/**
 * A DER SignerInfo read in place into pkijs objects built from their fields, without pkijs's
 * schema matching (asn1js compareSchema over the whole SignerInfo cost ~1.7 ms a signature cold,
 * most of a 20-signature document's CMS reading): only the leaves (serial number, algorithm
 * parameters, attribute values) go through asn1js. The issuer name keeps its DER and is parsed
 * when someone reads its attributes. Returns null for any other shape (subject key identifier,
 * constructed signature OCTET STRING, anything unexpected): the caller uses pkijs's own reader,
 * which accepts or names the problem.
 */
function signerInfoFromDer(der: Uint8Array, t: Tlv): pkijs.SignerInfo | null {
  const isUniv = (k: Tlv | undefined, tag: number, cons: boolean) => !!k && k.cls === 0 && k.tag === tag && k.cons === cons;
  const isCtx = (k: Tlv | undefined, tag: number) => !!k && k.cls === 2 && k.tag === tag && k.cons;
  try {
    if (t.cls !== 0 || t.tag !== 16 || !t.cons) return null;
    const k = tlvKids(der, t);
    let i = 0;
    if (!isUniv(k[i], 2, false) || k[i].end - k[i].start - k[i].hl !== 1) return null;
    const version = der[k[i].start + k[i].hl];
    i++;
    if (!isUniv(k[i], 16, true)) return null; // [0] subjectKeyIdentifier: pkijs
    const sidKids = tlvKids(der, k[i++]);
    if (sidKids.length !== 2 || !isUniv(sidKids[0], 16, true) || !isUniv(sidKids[1], 2, false)) return null;
    const serialNumber = asn1Of(der, sidKids[1]);
    if (!(serialNumber instanceof asn1js.Integer)) return null;
    const sid = new pkijs.IssuerAndSerialNumber({ issuer: lazyName(tlvRaw(der, sidKids[0])), serialNumber });
    const digestAlgorithm = algorithmOf(der, k[i++]);
    if (!digestAlgorithm) return null;
    let signedAttrs: pkijs.SignedAndUnsignedAttributes | undefined;
    if (isCtx(k[i], 0)) {
      const a = attributesOf(der, k[i++], 0);
      if (!a) return null;
      signedAttrs = a;
    }
    const signatureAlgorithm = algorithmOf(der, k[i++]);
    if (!signatureAlgorithm || !isUniv(k[i], 4, false)) return null;
    const signature = new asn1js.OctetString({ valueHex: tlvContent(der, k[i]).slice().buffer });
    i++;
    let unsignedAttrs: pkijs.SignedAndUnsignedAttributes | undefined;
    if (isCtx(k[i], 1)) {
      const a = attributesOf(der, k[i++], 1);
      if (!a) return null;
      unsignedAttrs = a;
    }
    if (i !== k.length) return null;
    return new pkijs.SignerInfo({
      version, sid, digestAlgorithm, signatureAlgorithm, signature,
      ...(signedAttrs ? { signedAttrs } : {}),
      ...(unsignedAttrs ? { unsignedAttrs } : {}),
    });
  } catch {
    return null;
  }
}

function algorithmOf(der: Uint8Array, t: Tlv | undefined): pkijs.AlgorithmIdentifier | null {
  if (!t || t.cls !== 0 || t.tag !== 16 || !t.cons) return null;
  const k = tlvKids(der, t);
  if (k.length < 1 || k.length > 2 || k[0].cls !== 0 || k[0].tag !== 6 || k[0].cons) return null;
  const algorithmId = decodeOid(tlvContent(der, k[0]));
  return new pkijs.AlgorithmIdentifier(k.length === 2 ? { algorithmId, algorithmParams: asn1Of(der, k[1]) } : { algorithmId });
}

function attributesOf(der: Uint8Array, t: Tlv, type: 0 | 1): pkijs.SignedAndUnsignedAttributes | null {
  const attributes: pkijs.Attribute[] = [];
  for (const a of tlvKids(der, t)) {
    if (a.cls !== 0 || a.tag !== 16 || !a.cons) return null;
    const ak = tlvKids(der, a);
    if (ak.length !== 2 || ak[0].cls !== 0 || ak[0].tag !== 6 || ak[0].cons || ak[1].cls !== 0 || ak[1].tag !== 17 || !ak[1].cons) return null;
    attributes.push(new pkijs.Attribute({
      type: decodeOid(tlvContent(der, ak[0])),
      values: tlvKids(der, ak[1]).map((v) => attributeValue(der, v)),
    }));
  }
  if (type === 0 && attributes.length === 0) return null;
  // as pkijs keeps it: the element's encoding re-tagged as SET, which is what the signature covers
  const encodedValue = tlvRaw(der, t).slice();
  encodedValue[0] = 0x31;
  return new pkijs.SignedAndUnsignedAttributes({ type, attributes, encodedValue: encodedValue.buffer });
}

/**
 * An attribute value: content type (OBJECT IDENTIFIER), message digest (OCTET STRING) and signing
 * time (UTCTime, GeneralizedTime) built directly, the rest through asn1js.
 */
function attributeValue(der: Uint8Array, v: Tlv): asn1js.AsnType {
  if (v.cls === 0 && !v.cons && v.tag === 6) return new asn1js.ObjectIdentifier({ value: decodeOid(tlvContent(der, v)) });
  if (v.cls === 0 && !v.cons && v.tag === 4) return new asn1js.OctetString({ valueHex: tlvContent(der, v).slice().buffer });
  if (v.cls === 0 && !v.cons && (v.tag === 23 || v.tag === 24)) {
    // signing time: read from its characters, as asn1js's own reader does (fromString)
    const value = String.fromCharCode(...tlvContent(der, v));
    return v.tag === 23 ? new asn1js.UTCTime({ value }) : new asn1js.GeneralizedTime({ value });
  }
  return asn1Of(der, v);
}

/** A Name that keeps its DER and parses its attributes the first time they are read. */
function lazyName(raw: Uint8Array): pkijs.RelativeDistinguishedNames {
  const name = new pkijs.RelativeDistinguishedNames({ valueBeforeDecode: raw.slice().buffer });
  let parsed: pkijs.AttributeTypeAndValue[] | undefined;
  Object.defineProperty(name, 'typesAndValues', {
    configurable: true,
    enumerable: true,
    get: () => (parsed ??= new pkijs.RelativeDistinguishedNames({ schema: asn1js.fromBER(name.valueBeforeDecode).result }).typesAndValues),
    set: (v: pkijs.AttributeTypeAndValue[]) => {
      parsed = v;
    },
  });
  return name;
}

/**
 * Parse DER (trailing zero padding tolerated) into a pkijs SignedData. Throws a plain Error on
 * malformed input; parseSignedData wraps it into a VanthuError.
 */
export function readSignedData(der: Uint8Array): pkijs.SignedData {
  const fast = readSignedDataDer(der);
  if (fast) return fast;
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
  // BER (indefinite lengths, e.g. streaming writers) or other certificate choices: a certificate or
  // CRL that does not parse is skipped rather than making the whole CMS unreadable
  const certificates: pkijs.CertificateSetItem[] = [];
  if (isContext(parts[i], 0)) {
    for (const c of (parts[i] as asn1js.Constructed).valueBlock.value) {
      if (!(c instanceof asn1js.Sequence)) continue;
      const raw = new Uint8Array(c.valueBeforeDecodeView);
      try {
        // each keeps the bytes it came in (derOf): its signature is over those, DER or not
        certificates.push(raw.length > 0 && raw[1] !== 0x80 ? certificateFromDer(raw) : certificateOf(c));
      } catch {
        /* unreadable certificate */
      }
    }
    i++;
  }
  const crls: pkijs.SignedDataCRL[] = [];
  if (isContext(parts[i], 1)) {
    for (const c of (parts[i] as asn1js.Constructed).valueBlock.value) {
      if (c instanceof asn1js.Sequence) {
        try {
          const crl = new pkijs.CertificateRevocationList({ schema: c });
          originalDer.set(crl, new Uint8Array(c.valueBeforeDecodeView));
          crls.push(crl);
        } catch {
          /* unreadable CRL */
        }
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

/** Parse each DER certificate, leaving out those that do not parse. */
export function parseEach(ders: Uint8Array[]): pkijs.Certificate[] {
  const out: pkijs.Certificate[] = [];
  for (const d of ders) {
    try {
      out.push(certificateFromDer(d));
    } catch {
      /* unreadable certificate */
    }
  }
  return out;
}
