// PKCS#12 (.p12/.pfx) writer: packs a private key with its certificate and chain the way OpenSSL 3
// does by default, so openssl, NSS (pk12util) and our own reader open the file: PFX v3,
// the key in a pkcs8ShroudedKeyBag and the certificates in an encryptedData SafeContents, both
// PBES2 (PBKDF2 hmacWithSHA256, AES-256-CBC; built here so `iterations` holds for both), and a
// SHA-256 password MAC (PKCS#12 KDF), 16-byte random salts throughout. The key bag and the leaf
// certificate bag share a localKeyId (SHA-1 of the certificate) and the friendlyName when given.
// The password is taken in NFC (how Vietnamese keyboards type it; the reader also tries NFD) and
// never appears in an error.
import { createCipheriv, createHash, createHmac, pbkdf2Sync, randomBytes, type KeyObject } from 'node:crypto';
import { VanthuError } from '../../../src-shared/errors';
import { encOid, tlv } from '../../../src-shared/pki/der';
import { bmpPassword, pkcs12Kdf } from './kdf';
import { keyMatchesCertificate } from './pkcs12';
import { describeKeyObject } from './node-signer';

export interface Pkcs12Input {
  /** RSA or EC private key. */
  privateKey: KeyObject;
  /** DER of the key's certificate. */
  certificate: Uint8Array;
  /** DER of the issuer certificates, issuer first. */
  chain?: Uint8Array[];
  password: string;
  /** Shown by certificate stores (NSS nickname, Windows "friendly name"); any Unicode in the BMP. */
  friendlyName?: string;
  /** PBKDF2 iterations for the key and certificates and PKCS#12 KDF iterations for the MAC; default 2048. */
  iterations?: number;
}

const OID = {
  data: '1.2.840.113549.1.7.1',
  encryptedData: '1.2.840.113549.1.7.6',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  friendlyName: '1.2.840.113549.1.9.20',
  localKeyId: '1.2.840.113549.1.9.21',
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  hmacWithSha256: '1.2.840.113549.2.9',
  aes256Cbc: '2.16.840.1.101.3.4.1.42',
  sha256: '2.16.840.1.101.3.4.2.1',
} as const;

/** Same cap as the reader's PKCS#12 KDF limit, so whatever we write we can open again. */
const MAX_ITERATIONS = 1_000_000;

const seq = (...parts: Uint8Array[]) => tlv(0x30, ...parts);
const octets = (b: Uint8Array) => tlv(0x04, b);
const explicit0 = (b: Uint8Array) => tlv(0xa0, b);
const NULL = tlv(0x05);
/** DER SET OF: elements sorted by their encodings. */
const setOf = (...parts: Uint8Array[]) => tlv(0x31, ...[...parts].sort((a, b) => Buffer.compare(a, b)));

function int(n: number): Uint8Array {
  const bytes: number[] = [];
  do { bytes.unshift(n & 0xff); n = Math.floor(n / 256); } while (n > 0);
  if (bytes[0] & 0x80) bytes.unshift(0);
  return tlv(0x02, new Uint8Array(bytes));
}

function bmpString(s: string): Uint8Array {
  const out = new Uint8Array(s.length * 2);
  for (let i = 0; i < s.length; i++) { out[2 * i] = s.charCodeAt(i) >> 8; out[2 * i + 1] = s.charCodeAt(i) & 0xff; }
  return tlv(0x1e, out);
}

/** PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC): the AlgorithmIdentifier and the ciphertext. */
function pbes2Encrypt(plain: Uint8Array, password: string, iterations: number): { algId: Uint8Array; data: Uint8Array } {
  const salt = randomBytes(16);
  const iv = randomBytes(16);
  const pw = Buffer.from(password, 'utf8');
  const key = pbkdf2Sync(pw, salt, iterations, 32, 'sha256');
  pw.fill(0);
  const c = createCipheriv('aes-256-cbc', key, iv);
  const data = new Uint8Array(Buffer.concat([c.update(plain), c.final()]));
  key.fill(0);
  const kdf = seq(encOid(OID.pbkdf2), seq(octets(salt), int(iterations), seq(encOid(OID.hmacWithSha256), NULL)));
  return { algId: seq(encOid(OID.pbes2), seq(kdf, seq(encOid(OID.aes256Cbc), octets(iv)))), data };
}

/** SafeBag with its bagAttributes (none, or localKeyId and/or friendlyName). */
function safeBag(type: string, value: Uint8Array, localKeyId?: Uint8Array, friendlyName?: string): Uint8Array {
  const attrs: Uint8Array[] = [];
  if (friendlyName !== undefined) attrs.push(seq(encOid(OID.friendlyName), setOf(bmpString(friendlyName))));
  if (localKeyId) attrs.push(seq(encOid(OID.localKeyId), setOf(octets(localKeyId))));
  return seq(encOid(type), explicit0(value), ...(attrs.length ? [setOf(...attrs)] : []));
}

const certBag = (der: Uint8Array, localKeyId?: Uint8Array, friendlyName?: string) =>
  safeBag(OID.certBag, seq(encOid(OID.x509Certificate), explicit0(octets(der))), localKeyId, friendlyName);

/** Write a PKCS#12 file. Throws VanthuError KEY_UNSUPPORTED, KEY_CERT_MISMATCH or P12_UNSUPPORTED (iteration count). */
export function writePkcs12(input: Pkcs12Input): Uint8Array {
  const iterations = input.iterations ?? 2048;
  if (!Number.isSafeInteger(iterations) || iterations < 1 || iterations > MAX_ITERATIONS) {
    throw new VanthuError('P12_UNSUPPORTED', `Số vòng lặp không hợp lệ (${iterations}).`, `Invalid iteration count (${iterations}).`);
  }
  const { privateKey, certificate } = input;
  if (privateKey.type !== 'private') {
    throw new VanthuError('KEY_UNSUPPORTED', 'Cần khóa bí mật để tạo tệp PKCS#12.', 'A private key is needed to write a PKCS#12 file.');
  }
  describeKeyObject(privateKey); // RSA or EC on a supported curve, else KEY_UNSUPPORTED
  if (!keyMatchesCertificate(privateKey, certificate)) {
    throw new VanthuError('KEY_CERT_MISMATCH', 'Khóa bí mật không khớp với chứng thư số.', 'The private key does not match the certificate.');
  }
  const password = input.password.normalize('NFC');
  const friendlyName = input.friendlyName?.normalize('NFC');
  const localKeyId = new Uint8Array(createHash('sha1').update(certificate).digest());

  // (1) the key, in plain data (it is encrypted itself)
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
  const shrouded = pbes2Encrypt(pkcs8, password, iterations);
  pkcs8.fill(0);
  const keyBag = safeBag(OID.shroudedKeyBag, seq(shrouded.algId, octets(shrouded.data)), localKeyId, friendlyName);
  const keyCi = seq(encOid(OID.data), explicit0(octets(seq(keyBag))));

  // (2) the certificates, in encryptedData
  const certs = seq(certBag(certificate, localKeyId, friendlyName), ...(input.chain ?? []).map((c) => certBag(c)));
  const enc = pbes2Encrypt(certs, password, iterations);
  const encryptedData = seq(int(0), seq(encOid(OID.data), enc.algId, tlv(0x80, enc.data)));
  const certCi = seq(encOid(OID.encryptedData), explicit0(encryptedData));

  const authSafe = seq(keyCi, certCi);
  const salt = new Uint8Array(randomBytes(16));
  const pwBmp = bmpPassword(password);
  const macKey = pkcs12Kdf('sha256', pwBmp, salt, 3, iterations, 32);
  pwBmp.fill(0);
  const mac = new Uint8Array(createHmac('sha256', macKey).update(authSafe).digest());
  macKey.fill(0);
  const macData = seq(seq(seq(encOid(OID.sha256), NULL), octets(mac)), octets(salt), int(iterations));
  return seq(int(3), seq(encOid(OID.data), explicit0(octets(authSafe))), macData);
}
