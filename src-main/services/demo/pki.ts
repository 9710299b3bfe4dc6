// The demo province's PKI, made at the demo profile's first start: a demo CA and the certificates
// it issues (each demo user, the demo unit's organisation certificate, the other agencies whose
// documents arrive signed). Every subject carries DEMO_MARK, so the certificates are recognised
// and refused as trust anchors outside the demo profile (src-shared/domain/demo.ts). Keys are
// node:crypto KeyObjects; certificates are built with pkijs over WebCrypto.

import { generateKeyPair, webcrypto, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { DEMO_MARK } from '../../../src-shared/domain/demo';

const subtle = webcrypto.subtle as unknown as SubtleCrypto;
pkijs.setEngine('vanthu-node', new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as Crypto, subtle }));

/** One subject attribute: short name (C, ST, O, OU, T, UID, CN) and value. */
export type Rdn = [string, string];

const ATTR: Record<string, string> = {
  C: '2.5.4.6', ST: '2.5.4.8', L: '2.5.4.7', O: '2.5.4.10', OU: '2.5.4.11', CN: '2.5.4.3', T: '2.5.4.12',
  UID: '0.9.2342.19200300.100.1.1',
};

export interface DemoEntity {
  /** The certificate, DER. */
  der: Uint8Array;
  privateKey: KeyObject;
  /** Subject as given (with DEMO_MARK added). */
  subject: Rdn[];
}

function name(subject: Rdn[]): pkijs.RelativeDistinguishedNames {
  // one attribute per RDN, in the order given
  const seq = new asn1js.Sequence({
    value: subject.map(([k, v]) => {
      const value = k === 'C' ? new asn1js.PrintableString({ value: v }) : new asn1js.Utf8String({ value: v });
      return new asn1js.Set({ value: [new pkijs.AttributeTypeAndValue({ type: ATTR[k] ?? k, value }).toSchema()] });
    }),
  });
  return pkijs.RelativeDistinguishedNames.fromBER(seq.toBER(false));
}

function ext(extnID: string, critical: boolean, value: { toSchema(): asn1js.AsnType } | asn1js.AsnType): pkijs.Extension {
  const schema = 'toSchema' in value && typeof value.toSchema === 'function' ? value.toSchema() : (value as asn1js.AsnType);
  return new pkijs.Extension({ extnID, critical, extnValue: (schema as asn1js.BaseBlock).toBER(false) });
}

/** KeyUsage bits: 0 digitalSignature, 1 nonRepudiation, 5 keyCertSign, 6 cRLSign. */
function keyUsage(bits: number[]): asn1js.BitString {
  let byte = 0;
  for (const b of bits) byte |= 0x80 >> b;
  let unused = 0;
  while (unused < 7 && !(byte & (1 << unused))) unused++;
  return new asn1js.BitString({ valueHex: new Uint8Array([byte]).buffer, unusedBits: unused });
}

async function keyId(spki: pkijs.PublicKeyInfo): Promise<ArrayBuffer> {
  return subtle.digest('SHA-1', spki.subjectPublicKey.valueBlock.valueHexView as Uint8Array<ArrayBuffer>);
}

/** Subjects get DEMO_MARK as an OU right after the organisation (or first, if none). */
export function markSubject(subject: Rdn[]): Rdn[] {
  if (subject.some(([k, v]) => k === 'OU' && v === DEMO_MARK)) return subject;
  const at = subject.findIndex(([k]) => k === 'O');
  const out = subject.slice();
  out.splice(at < 0 ? 0 : at + 1, 0, ['OU', DEMO_MARK]);
  return out;
}

async function issue(subject: Rdn[], key: { privateKey: KeyObject; publicKey: KeyObject }, issuer: DemoEntity | null, ca: boolean, years: number): Promise<DemoEntity> {
  const marked = markSubject(subject);
  const cert = new pkijs.Certificate();
  cert.version = 2;
  const serial = webcrypto.getRandomValues(new Uint8Array(16));
  serial[0] = (serial[0] & 0x7f) | 0x10;
  cert.serialNumber = new asn1js.Integer({ valueHex: serial.buffer });
  cert.subject = name(marked);
  const issuerCert = issuer ? pkijs.Certificate.fromBER(issuer.der.slice()) : null;
  cert.issuer = issuerCert ? issuerCert.subject : cert.subject;
  const now = Date.now();
  cert.notBefore.value = new Date(now - 24 * 3600_000);
  cert.notAfter.value = new Date(now + years * 365 * 24 * 3600_000);
  const spkiDer = key.publicKey.export({ type: 'spki', format: 'der' });
  cert.subjectPublicKeyInfo = pkijs.PublicKeyInfo.fromBER(new Uint8Array(spkiDer));
  const extensions = [ext('2.5.29.14', false, new asn1js.OctetString({ valueHex: await keyId(cert.subjectPublicKeyInfo) }))];
  if (issuerCert) {
    extensions.push(ext('2.5.29.35', false, new pkijs.AuthorityKeyIdentifier({ keyIdentifier: new asn1js.OctetString({ valueHex: await keyId(issuerCert.subjectPublicKeyInfo) }) })));
  }
  extensions.push(ext('2.5.29.19', true, new pkijs.BasicConstraints(ca ? { cA: true } : { cA: false })));
  extensions.push(ext('2.5.29.15', true, keyUsage(ca ? [0, 5, 6] : [0, 1])));
  cert.extensions = extensions;
  await cert.sign(await caSigningKey(issuer ?? key), 'SHA-256'); // the demo CA's key is RSA
  return { der: new Uint8Array(cert.toSchema(true).toBER(false)), privateKey: key.privateKey, subject: marked };
}

async function caSigningKey(ca: { privateKey: KeyObject }): Promise<CryptoKey> {
  return subtle.importKey('pkcs8', ca.privateKey.export({ type: 'pkcs8', format: 'der' }), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']);
}

/**
 * The demo CA's CRL (nothing revoked), valid for `days`: kept in the demo profile's revocation
 * cache so its signatures verify with revocation checked, offline, as a real CA's CRL would.
 */
export async function makeDemoCrl(ca: DemoEntity, number: number, now = new Date(), days = 90): Promise<Uint8Array> {
  const caCert = pkijs.Certificate.fromBER(ca.der.slice());
  const crl = new pkijs.CertificateRevocationList();
  crl.version = 1;
  crl.issuer = caCert.subject;
  const second = (d: Date) => new Date(Math.floor(d.getTime() / 1000) * 1000);
  crl.thisUpdate = new pkijs.Time({ type: 0, value: second(new Date(now.getTime() - 3600_000)) });
  crl.nextUpdate = new pkijs.Time({ type: 0, value: second(new Date(now.getTime() + days * 86_400_000)) });
  crl.crlExtensions = new pkijs.Extensions({
    extensions: [
      new pkijs.Extension({ extnID: '2.5.29.20', extnValue: new asn1js.Integer({ value: number }).toBER(false) }),
      new pkijs.Extension({ extnID: '2.5.29.35', extnValue: new pkijs.AuthorityKeyIdentifier({ keyIdentifier: new asn1js.OctetString({ valueHex: await keyId(caCert.subjectPublicKeyInfo) }) }).toSchema().toBER(false) }),
    ],
  });
  await crl.sign(await caSigningKey(ca), 'SHA-256');
  return new Uint8Array(crl.toSchema(true).toBER(false));
}

export type DemoKeyType = 'rsa' | 'ec';
const generate = promisify(generateKeyPair);

/** RSA-2048 (what most tokens in the field hold) or ECDSA P-256; generated on the thread pool. */
export function demoKeyPair(type: DemoKeyType = 'rsa'): Promise<{ privateKey: KeyObject; publicKey: KeyObject }> {
  return type === 'rsa' ? generate('rsa', { modulusLength: 2048, publicExponent: 0x10001 }) : generate('ec', { namedCurve: 'P-256' });
}

/** The self-signed demo CA (10 years). */
export async function makeDemoCa(): Promise<DemoEntity> {
  return issue([['C', 'VN'], ['O', 'Văn thư số'], ['CN', 'CA dùng thử Văn thư số']], await demoKeyPair('rsa'), null, true, 10);
}

/**
 * A signing certificate from the demo CA (2 years). `publicKey` lets a key made elsewhere (on
 * the demo token) be certified; the returned privateKey is then undefined.
 */
export async function issueDemoCertificate(ca: DemoEntity, subject: Rdn[], key: KeyObject | DemoKeyType = 'rsa'): Promise<DemoEntity> {
  if (typeof key !== 'string') {
    const e = await issue(subject, { privateKey: undefined as unknown as KeyObject, publicKey: key }, ca, false, 2);
    return { ...e, privateKey: undefined as unknown as KeyObject };
  }
  return issue(subject, await demoKeyPair(key), ca, false, 2);
}

export function toPem(der: Uint8Array, label = 'CERTIFICATE'): string {
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}
