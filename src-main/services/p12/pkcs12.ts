// PKCS#12 (.p12/.pfx) reader: verifies the password MAC, decrypts PBES2 (PBKDF2 + AES/3DES, what
// OpenSSL 3 and current Windows write) and the legacy pbeWithSHAAnd3-KeyTripleDES-CBC and
// pbeWithSHAAnd40/128BitRC2-CBC bags (older Windows exports, `openssl -legacy`; RC2 in our own
// code since Node's OpenSSL 3 lacks it), and returns the PKCS#8 private key with its certificate
// and chain. Other algorithms give P12_UNSUPPORTED. Errors never contain the password.
import { createDecipheriv, createHmac, createPrivateKey, createPublicKey, pbkdf2Sync, timingSafeEqual, type KeyObject } from 'node:crypto';
import { VanthuError } from '../../../src-shared/errors';
import { bytesEqual } from '../../../src-shared/crypto/bytes';
import { DerError, certificateFields, decodeOid } from '../../../src-shared/pki/der';
import { berBmpString, berOctets, berRaw, berSmallInt, expectTag, explicitTag0, readBer, seqKids, TAG, type BerNode } from './ber';
import { bmpPassword, pkcs12Kdf, type P12Hash } from './kdf';
import { rc2CbcDecrypt } from './rc2';

export interface Pkcs12Contents {
  /** PKCS#8 PrivateKeyInfo DER; the caller must wipe it. */
  pkcs8: Uint8Array;
  certificate: Uint8Array;
  /** Other certificates, ordered from the signer's issuer upwards where they link. */
  chain: Uint8Array[];
  friendlyName?: string;
  /**
   * The private key, already checked against the certificate's public key when the file paired
   * them by public key; openPkcs12 checks it in every case (KEY_CERT_MISMATCH).
   */
  privateKey?: KeyObject;
}

const O = {
  data: '1.2.840.113549.1.7.1',
  encryptedData: '1.2.840.113549.1.7.6',
  keyBag: '1.2.840.113549.1.12.10.1.1',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  localKeyId: '1.2.840.113549.1.9.21',
  friendlyName: '1.2.840.113549.1.9.20',
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  pbeSha3Des: '1.2.840.113549.1.12.1.3',
  pbeSha2Des: '1.2.840.113549.1.12.1.4',
  pbeShaRc2_128: '1.2.840.113549.1.12.1.5',
  pbeShaRc2_40: '1.2.840.113549.1.12.1.6',
  desEde3Cbc: '1.2.840.113549.3.7',
  aes128Cbc: '2.16.840.1.101.3.4.1.2',
  aes192Cbc: '2.16.840.1.101.3.4.1.22',
  aes256Cbc: '2.16.840.1.101.3.4.1.42',
} as const;

const DIGESTS: Record<string, P12Hash> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

const HMAC_PRFS: Record<string, P12Hash> = {
  '1.2.840.113549.2.7': 'sha1',
  '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384',
  '1.2.840.113549.2.11': 'sha512',
};

const invalid = () => new VanthuError('P12_INVALID', 'Tệp PKCS#12 (.p12/.pfx) hỏng hoặc không đúng định dạng.', 'The PKCS#12 (.p12/.pfx) file is corrupt or not a PKCS#12 file.');
const badPassword = () => new VanthuError('P12_BAD_PASSWORD', 'Mật khẩu tệp chứng thư số (.p12/.pfx) không đúng.', 'Wrong password for the PKCS#12 (.p12/.pfx) file.');
const unsupported = (what: string) => new VanthuError('P12_UNSUPPORTED', `Tệp PKCS#12 dùng thuật toán mã hóa không được hỗ trợ (${what}). Hãy xuất lại tệp với AES-256.`,
  `The PKCS#12 file uses an unsupported encryption algorithm (${what}). Export it again with AES-256.`);

function parse(bytes: Uint8Array): BerNode {
  const n = readBer(bytes);
  if (n.end !== bytes.length) throw new DerError('data after the end');
  return n;
}

const seq = seqKids;
const oid = (n: BerNode | undefined): string => decodeOid(berOctets(expectTag(n, TAG.OID, 'an OBJECT IDENTIFIER')));
const octets = berOctets;
const int = berSmallInt;
const explicit0 = explicitTag0;

/** Iteration caps: a hostile file must not keep the app busy for minutes. */
const MAX_PKCS12_KDF_ITERATIONS = 1_000_000;
const MAX_PBKDF2_ITERATIONS = 10_000_000;

function checkIterations(n: number, max: number): number {
  if (!Number.isSafeInteger(n) || n < 1 || n > max) throw unsupported(`iteration count ${n}`);
  return n;
}

/** Does the password MAC match with this password? */
function macMatches(pfx: BerNode[], authSafe: Uint8Array, password: string): boolean {
  const macData = seq(pfx[2]);
  const digestInfo = seq(macData[0]);
  const alg = oid(seq(digestInfo[0])[0]);
  const expected = octets(digestInfo[1]);
  const salt = octets(macData[1]);
  const iterations = checkIterations(macData[2] ? int(macData[2]) : 1, MAX_PKCS12_KDF_ITERATIONS);
  const hash = DIGESTS[alg];
  if (!hash) throw unsupported(`MAC ${alg}`);
  const pw = bmpPassword(password);
  const key = pkcs12Kdf(hash, pw, salt, 3, iterations, { sha1: 20, sha256: 32, sha384: 48, sha512: 64 }[hash]);
  pw.fill(0);
  const mac = createHmac(hash, key).update(authSafe).digest();
  key.fill(0);
  return mac.length === expected.length && timingSafeEqual(mac, expected);
}

function decipher(alg: string, key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  try {
    const d = createDecipheriv(alg, key, iv);
    return new Uint8Array(Buffer.concat([d.update(data), d.final()]));
  } catch {
    // Bad padding: with a MAC this cannot be the password, without one it is the only sign.
    throw badPassword();
  } finally {
    key.fill(0);
  }
}

/** Decrypt with a PKCS#5 PBES2 or PKCS#12 PBE AlgorithmIdentifier. */
function decrypt(algId: BerNode, data: Uint8Array, password: string): Uint8Array {
  const parts = seq(algId);
  const alg = oid(parts[0]);
  if (alg === O.pbes2) {
    const params = seq(parts[1]);
    const kdf = seq(params[0]);
    if (oid(kdf[0]) !== O.pbkdf2) throw unsupported(`KDF ${oid(kdf[0])}`);
    const kp = seq(kdf[1]);
    const salt = octets(kp[0]);
    const iterations = checkIterations(int(kp[1]), MAX_PBKDF2_ITERATIONS);
    let prf: P12Hash = 'sha1';
    for (const extra of kp.slice(2)) {
      if (extra.cls === 0 && extra.tag === TAG.SEQUENCE) {
        const prfOid = oid(seq(extra)[0]);
        const p = HMAC_PRFS[prfOid];
        if (!p) throw unsupported(`PRF ${prfOid}`);
        prf = p;
      }
    }
    const enc = seq(params[1]);
    const encAlg = oid(enc[0]);
    const cipher = encAlg === O.aes256Cbc ? ['aes-256-cbc', 32] : encAlg === O.aes192Cbc ? ['aes-192-cbc', 24] : encAlg === O.aes128Cbc ? ['aes-128-cbc', 16]
      : encAlg === O.desEde3Cbc ? ['des-ede3-cbc', 24] : undefined;
    if (!cipher) throw unsupported(encAlg);
    const iv = octets(enc[1]);
    const pw = new TextEncoder().encode(password);
    const key = new Uint8Array(pbkdf2Sync(pw, salt, iterations, cipher[1] as number, prf));
    pw.fill(0);
    return decipher(cipher[0] as string, key, iv, data);
  }
  if (alg === O.pbeSha3Des || alg === O.pbeSha2Des) {
    const params = seq(parts[1]);
    const salt = octets(params[0]);
    const iterations = checkIterations(int(params[1]), MAX_PKCS12_KDF_ITERATIONS);
    const pw = bmpPassword(password);
    let key = pkcs12Kdf('sha1', pw, salt, 1, iterations, 24);
    const iv = pkcs12Kdf('sha1', pw, salt, 2, iterations, 8);
    pw.fill(0);
    if (alg === O.pbeSha2Des) { const k = new Uint8Array(24); k.set(key.subarray(0, 16)); k.set(key.subarray(0, 8), 16); key.fill(0); key = k; }
    return decipher('des-ede3-cbc', key, iv, data);
  }
  if (alg === O.pbeShaRc2_40 || alg === O.pbeShaRc2_128) {
    const params = seq(parts[1]);
    const salt = octets(params[0]);
    const iterations = checkIterations(int(params[1]), MAX_PKCS12_KDF_ITERATIONS);
    const bits = alg === O.pbeShaRc2_40 ? 40 : 128;
    const pw = bmpPassword(password);
    const key = pkcs12Kdf('sha1', pw, salt, 1, iterations, bits / 8);
    const iv = pkcs12Kdf('sha1', pw, salt, 2, iterations, 8);
    pw.fill(0);
    try {
      return rc2CbcDecrypt(key, bits, iv, data);
    } catch {
      throw badPassword();
    } finally {
      key.fill(0);
    }
  }
  throw unsupported(alg);
}

interface Bag { type: string; value: BerNode; localKeyId?: Uint8Array; friendlyName?: string }

function safeBags(safeContents: Uint8Array): Bag[] {
  return seq(parse(safeContents)).map((b) => {
    const f = seq(b);
    const bag: Bag = { type: oid(f[0]), value: explicit0(f[1]) };
    if (f[2]) {
      for (const a of seq(f[2])) {
        const [t, vals] = seq(a);
        const first = seq(vals)[0];
        if (oid(t) === O.localKeyId) bag.localKeyId = octets(first);
        if (oid(t) === O.friendlyName && first.cls === 0 && first.tag === TAG.BMP_STRING) bag.friendlyName = berBmpString(first);
      }
    }
    return bag;
  });
}

/** Parse and decrypt a PKCS#12 file. */
export function readPkcs12(bytes: Uint8Array, password: string): Pkcs12Contents {
  let pfx: BerNode[];
  let authSafe: Uint8Array;
  try {
    pfx = seq(parse(bytes));
    if (int(pfx[0]) !== 3) throw invalid();
    const authSafeCi = seq(pfx[1]);
    if (oid(authSafeCi[0]) !== O.data) throw unsupported('public-key integrity mode');
    authSafe = octets(explicit0(authSafeCi[1]));
  } catch (e) {
    if (e instanceof VanthuError) throw e;
    throw invalid();
  }
  // The same Vietnamese password can arrive composed (NFC) or decomposed (NFD) depending on the
  // keyboard and OS; the MAC tells which form the file was made with.
  if (pfx.length >= 3) {
    const forms = [...new Set([password, password.normalize('NFC'), password.normalize('NFD')])];
    let found: string | undefined;
    try {
      found = forms.find((f) => macMatches(pfx, authSafe, f));
    } catch (e) {
      if (e instanceof VanthuError) throw e;
      throw invalid();
    }
    if (found === undefined) throw badPassword();
    password = found;
  }

  const bags: Bag[] = [];
  try {
    for (const ci of seq(parse(authSafe))) {
      const [type, content] = seq(ci);
      const t = oid(type);
      if (t === O.data) bags.push(...safeBags(octets(explicit0(content))));
      else if (t === O.encryptedData) {
        const ed = seq(explicit0(content));
        const eci = seq(ed[1]);
        bags.push(...safeBags(decrypt(eci[1], octets(eci[2]), password)));
      } else throw unsupported(`content ${t}`);
    }
  } catch (e) {
    if (e instanceof VanthuError) throw e;
    throw invalid();
  }

  const keys: Array<{ pkcs8: Uint8Array; localKeyId?: Uint8Array }> = [];
  const certs: Array<{ der: Uint8Array; localKeyId?: Uint8Array; friendlyName?: string }> = [];
  for (const bag of bags) {
    try {
      if (bag.type === O.keyBag) keys.push({ pkcs8: berRaw(bag.value).slice(), localKeyId: bag.localKeyId });
      else if (bag.type === O.shroudedKeyBag) {
        const [alg, enc] = seq(bag.value);
        keys.push({ pkcs8: decrypt(alg, octets(enc), password), localKeyId: bag.localKeyId });
      } else if (bag.type === O.certBag) {
        const [certType, certValue] = seq(bag.value);
        if (oid(certType) === O.x509Certificate) certs.push({ der: octets(explicit0(certValue)).slice(), localKeyId: bag.localKeyId, friendlyName: bag.friendlyName });
      }
    } catch (e) {
      if (e instanceof VanthuError) throw e;
      throw invalid();
    }
  }
  if (!keys.length || !certs.length) {
    throw new VanthuError('P12_NO_KEY', 'Tệp PKCS#12 không chứa khóa bí mật kèm chứng thư số.', 'The PKCS#12 file holds no private key with its certificate.');
  }

  // Pair key and certificate: by localKeyId, else by public key.
  const key = keys[0];
  let privateKey: KeyObject | undefined;
  let leaf = key.localKeyId ? certs.find((c) => c.localKeyId && bytesEqual(c.localKeyId, key.localKeyId!)) : undefined;
  if (!leaf) {
    const m = matchByPublicKey(key.pkcs8, certs);
    leaf = m?.cert;
    privateKey = m?.key;
  }
  if (!leaf) {
    throw new VanthuError('P12_NO_KEY', 'Không tìm thấy chứng thư số ứng với khóa bí mật trong tệp PKCS#12.', 'No certificate in the PKCS#12 file matches its private key.');
  }
  for (const k of keys.slice(1)) k.pkcs8.fill(0);
  return { pkcs8: key.pkcs8, certificate: leaf.der, chain: orderChain(leaf.der, certs.filter((c) => c !== leaf).map((c) => c.der)), friendlyName: leaf.friendlyName, privateKey };
}

/** Does this private key belong to the certificate with this DER? */
export function keyMatchesCertificate(key: KeyObject, certDer: Uint8Array): boolean {
  const spki = spkiOf(key);
  return !!spki && certificateSpkiIs(certDer, spki);
}

function spkiOf(key: KeyObject): Uint8Array | undefined {
  try {
    return new Uint8Array(createPublicKey(key).export({ format: 'der', type: 'spki' }));
  } catch {
    return undefined;
  }
}

function certificateSpkiIs(certDer: Uint8Array, spki: Uint8Array): boolean {
  try {
    return bytesEqual(certificateFields(certDer).spki, spki);
  } catch {
    return false;
  }
}

function matchByPublicKey(pkcs8: Uint8Array, certs: Array<{ der: Uint8Array }>): { cert: (typeof certs)[number]; key: KeyObject } | undefined {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: Buffer.from(pkcs8.buffer, pkcs8.byteOffset, pkcs8.byteLength), format: 'der', type: 'pkcs8' });
  } catch {
    return undefined;
  }
  const spki = spkiOf(key);
  const cert = spki && certs.find((c) => certificateSpkiIs(c.der, spki));
  return cert ? { cert, key } : undefined;
}

/** Order the other certificates issuer-first starting from the leaf; unlinked ones go last. */
function orderChain(leafDer: Uint8Array, others: Uint8Array[]): Uint8Array[] {
  const names = (d: Uint8Array) => {
    try {
      return certificateFields(d);
    } catch {
      return undefined;
    }
  };
  const parsed = others.map((d) => ({ d, c: names(d) }));
  const out: Uint8Array[] = [];
  let cur = names(leafDer);
  while (cur && !bytesEqual(cur.subject, cur.issuer)) {
    const issuer = cur.issuer;
    const next = parsed.find((p) => p.c && !out.includes(p.d) && bytesEqual(p.c.subject, issuer));
    if (!next) break;
    out.push(next.d);
    cur = next.c;
  }
  for (const p of parsed) if (!out.includes(p.d)) out.push(p.d);
  return out;
}
