// Test PKI for every area's tests: a root CA → intermediate CA → end-entity signers (RSA-2048,
// RSA-3072, EC P-256, EC P-384) with Vietnamese UTF-8 subjects, a TSA certificate (critical
// extendedKeyUsage timeStamping) and a delegated OCSP responder certificate. Built with pkijs over
// WebCrypto; PKCS#12 files are written by the openssl CLI. Everything lands in `dir` as DER, PEM,
// PKCS#8 PEM and .p12, and the CryptoKeys and DERs are returned for in-process use.
//
// Usage:
//   const pki = await makeTestPki(dir);                       // no AIA/CRL URLs (pdfsig friendly)
//   const pki = await makeTestPki(dir, { ocspUrl, crlBaseUrl }) // URLs pointing at a loopback server
//   pki.signers.rsa2048.p12Path, pki.password, pki.root.pemPath, pki.signers.p256.privateKey …
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { Signer } from '../../src-shared/sign/signer';
import { createSoftwareSigner } from '../../src-shared/crypto/webcrypto-signer';

const subtle = globalThis.crypto.subtle;

export type TestKeyType = 'rsa2048' | 'rsa3072' | 'p256' | 'p384';

/** Subject attribute short names → OIDs used by the test PKI. */
const ATTR_OIDS: Record<string, string> = {
  C: '2.5.4.6',
  ST: '2.5.4.8',
  L: '2.5.4.7',
  O: '2.5.4.10',
  OU: '2.5.4.11',
  CN: '2.5.4.3',
  T: '2.5.4.12', // title
  SERIALNUMBER: '2.5.4.5',
  UID: '0.9.2342.19200300.100.1.1',
  E: '1.2.840.113549.1.9.1',
};

/** Ordered subject, e.g. [['C','VN'], ['O','UBND tỉnh Hải Dương'], ['CN','Nguyễn Văn An']]. */
export type SubjectSpec = Array<[keyof typeof ATTR_OIDS | string, string]>;

export interface TestPkiOptions {
  /** AIA id-ad-ocsp URL put into every certificate issued by a CA (default: none). */
  ocspUrl?: string;
  /** Base URL for CRL distribution points: `${crlBaseUrl}/root.crl`, `${crlBaseUrl}/intermediate.crl`. */
  crlBaseUrl?: string;
  /** Base URL for AIA caIssuers: `${caIssuersBaseUrl}/root.cer`, `${caIssuersBaseUrl}/intermediate.cer`. */
  caIssuersBaseUrl?: string;
  /** PKCS#12 password for every .p12 written (default 'vanthu-test'). */
  password?: string;
  /** Which signer key types to create (default all four). */
  signerTypes?: TestKeyType[];
  /** Key type of the two CAs (default rsa2048). */
  caKeyType?: TestKeyType;
}

export interface TestEntity {
  name: string;
  keyType: TestKeyType;
  /** Certificate DER. */
  der: Uint8Array;
  cert: pkijs.Certificate;
  /** Serial number as lower-case hex without leading zeros stripped (as encoded). */
  serialHex: string;
  /** RSASSA-PKCS1-v1_5 (SHA-256) or ECDSA key, non-extractable for the private half. */
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** PKCS#8 DER of the private key (import it again for RSA-PSS or another hash). */
  pkcs8: Uint8Array;
  derPath: string;
  pemPath: string;
  keyPemPath: string;
  /** Present for end entities (signers, TSA, OCSP responder). */
  p12Path?: string;
  /** Issuer entity, undefined for the root. */
  issuer?: TestEntity;
}

export interface IssueSpec {
  name: string;
  keyType: TestKeyType;
  subject: SubjectSpec;
  issuer: TestEntity;
  /** 'ca' | 'signer' | 'tsa' | 'ocsp' (default 'signer'). */
  profile?: 'ca' | 'signer' | 'tsa' | 'ocsp';
  notBefore?: Date;
  notAfter?: Date;
  /** Write a .p12 (default true for non-CA profiles). */
  p12?: boolean;
  /** Use this key pair instead of generating one (must match keyType). */
  keys?: CryptoKeyPair;
  /** For 'tsa': mark extendedKeyUsage critical (default true, as RFC 3161 requires). */
  ekuCritical?: boolean;
  /** For 'ocsp': add id-pkix-ocsp-nocheck (default true). */
  ocspNoCheck?: boolean;
}

export interface TestPki {
  dir: string;
  password: string;
  root: TestEntity;
  intermediate: TestEntity;
  /** Signers by key type; reading one left out through `signerTypes` throws. */
  signers: Record<TestKeyType, TestEntity>;
  tsa: TestEntity;
  ocsp: TestEntity;
  /** PEM with intermediate then root. */
  chainPemPath: string;
  /** DERs of intermediate then root (what a signer's `chain` holds). */
  chainDers: Uint8Array[];
  options: TestPkiOptions;
  /** Issue one more certificate (e.g. a revoked or expired signer) from this PKI. */
  issue(spec: IssueSpec): Promise<TestEntity>;
}

export const DEFAULT_TEST_PASSWORD = 'vanthu-test';

const SIGNER_SUBJECTS: Record<TestKeyType, SubjectSpec> = {
  rsa2048: [['C', 'VN'], ['ST', 'Hải Dương'], ['O', 'UBND tỉnh Hải Dương'], ['OU', 'Văn phòng'], ['T', 'Chánh Văn phòng'], ['UID', 'CCCD:001085012345'], ['CN', 'Nguyễn Văn An']],
  rsa3072: [['C', 'VN'], ['ST', 'Hải Phòng'], ['O', 'Sở Tài chính thành phố Hải Phòng'], ['UID', 'MST:0801234567'], ['CN', 'Sở Tài chính thành phố Hải Phòng']],
  p256: [['C', 'VN'], ['ST', 'Hà Nội'], ['O', 'Bộ Nội vụ'], ['UID', 'CCCD:001190098765'], ['CN', 'Trần Thị Bích Ngọc']],
  p384: [['C', 'VN'], ['ST', 'Đà Nẵng'], ['O', 'UBND xã Hòa Tiến'], ['UID', 'CCCD:048092001122'], ['CN', 'Lê Đức Thắng']],
};

// ---------------------------------------------------------------------------------------------
// Keys

async function generateKey(keyType: TestKeyType): Promise<CryptoKeyPair> {
  switch (keyType) {
    case 'rsa2048':
    case 'rsa3072':
      return subtle.generateKey(
        { name: 'RSASSA-PKCS1-v1_5', modulusLength: keyType === 'rsa2048' ? 2048 : 3072, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
        true, ['sign', 'verify'],
      ) as Promise<CryptoKeyPair>;
    case 'p256':
    case 'p384':
      return subtle.generateKey({ name: 'ECDSA', namedCurve: keyType === 'p256' ? 'P-256' : 'P-384' }, true, ['sign', 'verify']) as Promise<CryptoKeyPair>;
  }
}

function certHashFor(keyType: TestKeyType): string {
  return keyType === 'p384' ? 'SHA-384' : 'SHA-256';
}

// ---------------------------------------------------------------------------------------------
// Encoding helpers

function toPem(der: Uint8Array, label: string): string {
  const b64 = Buffer.from(der).toString('base64');
  return `-----BEGIN ${label}-----\n${b64.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END ${label}-----\n`;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

function buildName(subject: SubjectSpec): pkijs.RelativeDistinguishedNames {
  // One attribute per RDN (pkijs would put them all into a single multi-valued RDN).
  const seq = new asn1js.Sequence({
    value: subject.map(([k, v]) => {
      const type = ATTR_OIDS[k] ?? k;
      const value = k === 'C' || k === 'SERIALNUMBER'
        ? new asn1js.PrintableString({ value: v })
        : k === 'E' ? new asn1js.IA5String({ value: v }) : new asn1js.Utf8String({ value: v });
      return new asn1js.Set({ value: [new pkijs.AttributeTypeAndValue({ type, value }).toSchema()] });
    }),
  });
  return pkijs.RelativeDistinguishedNames.fromBER(seq.toBER(false));
}

function randomSerial(): Uint8Array {
  const s = globalThis.crypto.getRandomValues(new Uint8Array(16));
  s[0] = (s[0] & 0x7f) | 0x10; // positive, no leading zero byte
  return s;
}

function ext(extnID: string, critical: boolean, value: asn1js.BaseBlock<any> | { toSchema(): asn1js.BaseBlock<any> }): pkijs.Extension {
  const schema = 'toSchema' in value && typeof (value as any).toSchema === 'function' ? (value as any).toSchema() : value;
  return new pkijs.Extension({ extnID, critical, extnValue: schema.toBER(false) });
}

function keyUsage(bits: number[]): asn1js.BitString {
  // bits: 0 digitalSignature, 1 nonRepudiation, 5 keyCertSign, 6 cRLSign
  let byte = 0;
  for (const b of bits) byte |= 0x80 >> b;
  let unused = 0;
  while (unused < 7 && !(byte & (1 << unused))) unused++;
  return new asn1js.BitString({ valueHex: new Uint8Array([byte]).buffer, unusedBits: unused });
}

async function keyIdentifier(spki: pkijs.PublicKeyInfo): Promise<ArrayBuffer> {
  return subtle.digest('SHA-1', spki.subjectPublicKey.valueBlock.valueHexView as Uint8Array<ArrayBuffer>);
}

function uri(url: string): pkijs.GeneralName {
  return new pkijs.GeneralName({ type: 6, value: url });
}

// ---------------------------------------------------------------------------------------------
// Issuance

interface IssueContext {
  dir: string;
  password: string;
  options: TestPkiOptions;
}

async function issueCertificate(ctx: IssueContext, spec: IssueSpec | (Omit<IssueSpec, 'issuer'> & { issuer?: undefined })): Promise<TestEntity> {
  const profile = spec.profile ?? 'signer';
  const keys = spec.keys ?? await generateKey(spec.keyType);
  const issuerKeys = spec.issuer ? { privateKey: spec.issuer.privateKey, keyType: spec.issuer.keyType } : { privateKey: keys.privateKey, keyType: spec.keyType };

  const cert = new pkijs.Certificate();
  cert.version = 2;
  const serial = randomSerial();
  cert.serialNumber = new asn1js.Integer({ valueHex: serial.buffer as ArrayBuffer });
  const subjectName = buildName(spec.subject);
  cert.subject = subjectName;
  cert.issuer = spec.issuer ? spec.issuer.cert.subject : buildName(spec.subject);
  const now = Date.now();
  cert.notBefore.value = spec.notBefore ?? new Date(now - 24 * 3600_000);
  cert.notAfter.value = spec.notAfter ?? new Date(now + (profile === 'ca' ? 10 : 3) * 365 * 24 * 3600_000);
  await cert.subjectPublicKeyInfo.importKey(keys.publicKey);

  const ski = await keyIdentifier(cert.subjectPublicKeyInfo);
  const extensions: pkijs.Extension[] = [];
  extensions.push(ext('2.5.29.14', false, new asn1js.OctetString({ valueHex: ski })));
  if (spec.issuer) {
    const aki = await keyIdentifier(spec.issuer.cert.subjectPublicKeyInfo);
    extensions.push(ext('2.5.29.35', false, new pkijs.AuthorityKeyIdentifier({ keyIdentifier: new asn1js.OctetString({ valueHex: aki }) })));
  }
  if (profile === 'ca') {
    extensions.push(ext('2.5.29.19', true, new pkijs.BasicConstraints(spec.issuer ? { cA: true, pathLenConstraint: 0 } : { cA: true })));
    extensions.push(ext('2.5.29.15', true, keyUsage([0, 5, 6])));
  } else {
    extensions.push(ext('2.5.29.19', true, new pkijs.BasicConstraints({ cA: false })));
    if (profile === 'signer') extensions.push(ext('2.5.29.15', true, keyUsage([0, 1])));
    else extensions.push(ext('2.5.29.15', true, keyUsage([0])));
    if (profile === 'tsa') extensions.push(ext('2.5.29.37', spec.ekuCritical ?? true, new pkijs.ExtKeyUsage({ keyPurposes: ['1.3.6.1.5.5.7.3.8'] })));
    if (profile === 'ocsp') {
      extensions.push(ext('2.5.29.37', false, new pkijs.ExtKeyUsage({ keyPurposes: ['1.3.6.1.5.5.7.3.9'] })));
      if (spec.ocspNoCheck !== false) extensions.push(ext('1.3.6.1.5.5.7.48.1.5', false, new asn1js.Null())); // id-pkix-ocsp-nocheck
    }
  }
  // Revocation pointers on certificates issued by a CA (never on the self-signed root, never on
  // the OCSP responder itself, which carries ocsp-nocheck).
  if (spec.issuer && profile !== 'ocsp') {
    const issuerFile = spec.issuer.issuer ? 'intermediate' : 'root';
    const access: pkijs.AccessDescription[] = [];
    if (ctx.options.ocspUrl) access.push(new pkijs.AccessDescription({ accessMethod: '1.3.6.1.5.5.7.48.1', accessLocation: uri(ctx.options.ocspUrl) }));
    if (ctx.options.caIssuersBaseUrl) access.push(new pkijs.AccessDescription({ accessMethod: '1.3.6.1.5.5.7.48.2', accessLocation: uri(`${ctx.options.caIssuersBaseUrl}/${issuerFile}.cer`) }));
    if (access.length) extensions.push(ext('1.3.6.1.5.5.7.1.1', false, new pkijs.InfoAccess({ accessDescriptions: access })));
    if (ctx.options.crlBaseUrl) {
      extensions.push(ext('2.5.29.31', false, new pkijs.CRLDistributionPoints({
        distributionPoints: [new pkijs.DistributionPoint({ distributionPoint: [uri(`${ctx.options.crlBaseUrl}/${issuerFile}.crl`)] })],
      })));
    }
  }
  cert.extensions = extensions;
  await cert.sign(issuerKeys.privateKey, certHashFor(issuerKeys.keyType));
  const der = new Uint8Array(cert.toSchema(true).toBER(false));

  const pkcs8 = new Uint8Array(await subtle.exportKey('pkcs8', keys.privateKey));
  // Keep a non-extractable copy of the private key for callers.
  const alg = keys.privateKey.algorithm as RsaHashedKeyAlgorithm | EcKeyAlgorithm;
  const privateKey = await subtle.importKey('pkcs8', pkcs8, alg.name === 'ECDSA' ? { name: 'ECDSA', namedCurve: (alg as EcKeyAlgorithm).namedCurve } : { name: alg.name, hash: 'SHA-256' }, false, ['sign']);

  const derPath = join(ctx.dir, `${spec.name}.cer`);
  const pemPath = join(ctx.dir, `${spec.name}.pem`);
  const keyPemPath = join(ctx.dir, `${spec.name}.key.pem`);
  writeFileSync(derPath, der);
  writeFileSync(pemPath, toPem(der, 'CERTIFICATE'));
  writeFileSync(keyPemPath, toPem(pkcs8, 'PRIVATE KEY'), { mode: 0o600 });

  const entity: TestEntity = {
    name: spec.name, keyType: spec.keyType, der, cert, serialHex: hex(serial),
    privateKey, publicKey: keys.publicKey, pkcs8, derPath, pemPath, keyPemPath, issuer: spec.issuer,
  };
  if (spec.p12 ?? profile !== 'ca') {
    entity.p12Path = join(ctx.dir, `${spec.name}.p12`);
    writePkcs12(entity, entity.p12Path, ctx.password, ctx.dir);
  }
  return entity;
}

/** Chain of an entity above itself: issuer first, root last. */
export function chainOf(entity: TestEntity): TestEntity[] {
  const out: TestEntity[] = [];
  for (let e = entity.issuer; e; e = e.issuer) out.push(e);
  return out;
}

/**
 * Write a PKCS#12 with the entity's key, certificate and chain via `openssl pkcs12 -export`.
 * `legacy` selects pbeWithSHAAnd3-KeyTripleDES-CBC for key and certificates and a SHA-1 MAC
 * (what older Windows tools write); the default is OpenSSL 3's PBES2/PBKDF2/AES-256-CBC.
 */
export function writePkcs12(entity: TestEntity, outPath: string, password: string, workDir: string, legacy = false): void {
  const chainPath = join(workDir, `${entity.name}.chain.pem`);
  writeFileSync(chainPath, chainOf(entity).map((c) => toPem(c.der, 'CERTIFICATE')).join(''));
  const args = ['pkcs12', '-export', '-inkey', entity.keyPemPath, '-in', entity.pemPath, '-certfile', chainPath,
    '-name', entity.name, '-out', outPath, '-passout', 'env:VANTHU_TEST_P12_PASS'];
  if (legacy) args.push('-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES', '-macalg', 'sha1');
  execFileSync('openssl', args, { env: { ...process.env, VANTHU_TEST_P12_PASS: password }, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Build the whole test PKI in `dir` (created if missing). */
export async function makeTestPki(dir: string, opts: TestPkiOptions = {}): Promise<TestPki> {
  mkdirSync(dir, { recursive: true });
  const password = opts.password ?? DEFAULT_TEST_PASSWORD;
  const ctx: IssueContext = { dir, password, options: opts };
  const caKeyType = opts.caKeyType ?? 'rsa2048';

  const types: TestKeyType[] = [...(opts.signerTypes ?? ['rsa2048', 'rsa3072', 'p256', 'p384'])];
  if (!types.includes('rsa2048')) types.unshift('rsa2048');
  // Key generation dominates; start all of it at once (WebCrypto runs it on the thread pool).
  const pending = {
    root: generateKey(caKeyType), intermediate: generateKey(caKeyType), tsa: generateKey('rsa2048'), ocsp: generateKey('p256'),
    signers: Object.fromEntries(types.map((t) => [t, generateKey(t)])) as Record<TestKeyType, Promise<CryptoKeyPair>>,
  };

  const root = await issueCertificate(ctx, {
    name: 'root', keyType: caKeyType, profile: 'ca', keys: await pending.root,
    subject: [['C', 'VN'], ['O', 'Ban Cơ yếu Chính phủ (thử nghiệm)'], ['CN', 'Vanthu Test Root CA – Gốc thử nghiệm']],
  });
  const intermediate = await issueCertificate(ctx, {
    name: 'intermediate', keyType: caKeyType, profile: 'ca', issuer: root, keys: await pending.intermediate,
    subject: [['C', 'VN'], ['O', 'Ban Cơ yếu Chính phủ (thử nghiệm)'], ['OU', 'Cục Chứng thực số và Bảo mật thông tin'], ['CN', 'Vanthu Test Issuing CA – CA cấp 2']],
  });

  const signers = {} as Record<TestKeyType, TestEntity>;
  for (const t of ['rsa2048', 'rsa3072', 'p256', 'p384'] as TestKeyType[]) {
    if (types.includes(t)) {
      signers[t] = await issueCertificate(ctx, { name: `signer-${t}`, keyType: t, subject: SIGNER_SUBJECTS[t], issuer: intermediate, keys: await pending.signers[t] });
    } else {
      Object.defineProperty(signers, t, { enumerable: false, get() { throw new Error(`test PKI: signer ${t} was not created (signerTypes option)`); } });
    }
  }
  const tsa = await issueCertificate(ctx, {
    name: 'tsa', keyType: 'rsa2048', profile: 'tsa', issuer: intermediate, keys: await pending.tsa,
    subject: [['C', 'VN'], ['O', 'Ban Cơ yếu Chính phủ (thử nghiệm)'], ['CN', 'Dịch vụ cấp dấu thời gian thử nghiệm']],
  });
  const ocsp = await issueCertificate(ctx, {
    name: 'ocsp', keyType: 'p256', profile: 'ocsp', issuer: intermediate, keys: await pending.ocsp,
    subject: [['C', 'VN'], ['O', 'Ban Cơ yếu Chính phủ (thử nghiệm)'], ['CN', 'Máy chủ OCSP thử nghiệm']],
  });

  const chainPemPath = join(dir, 'chain.pem');
  writeFileSync(chainPemPath, toPem(intermediate.der, 'CERTIFICATE') + toPem(root.der, 'CERTIFICATE'));

  return {
    dir, password, root, intermediate, signers, tsa, ocsp, chainPemPath,
    chainDers: [intermediate.der, root.der], options: opts,
    issue: (spec) => issueCertificate(ctx, spec),
  };
}

export { toPem };

/** A Signer (src-shared/sign/signer.ts) over a test entity's software key. */
export async function signerFor(entity: TestEntity): Promise<Signer> {
  return createSoftwareSigner({ pkcs8: entity.pkcs8, certificate: entity.der, chain: chainOf(entity).map((c) => c.der) });
}
