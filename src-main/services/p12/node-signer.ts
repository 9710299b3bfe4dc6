// A Signer over a private key held by node:crypto (a KeyObject): PKCS#12 files opened in the main
// process, its worker threads and the CLI. Signs synchronously in this thread (an RSA-2048
// signature is about 1.5 ms), so a signature does not wait for a thread-pool slot, and it needs no
// probe signature: the key was matched to the certificate by public key when the file was opened.
// RSA keys sign PKCS#1 v1.5 or PSS; EC keys ECDSA, DER-encoded as CMS wants (dsaEncoding 'der').
import { constants, sign as cryptoSign, type KeyObject } from 'node:crypto';
import type { HashAlgorithm, KeyDescription, SignatureScheme, Signer } from '../../../src-shared/sign/signer';
import { VanthuError } from '../../../src-shared/errors';
import { pssSaltLength } from '../../../src-shared/crypto/algorithms';
import { assertHashPolicy, assertSchemeFitsKey, schemesForKey } from '../../../src-shared/crypto/policy';

const NODE_HASH: Record<HashAlgorithm, string> = { 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };
const CURVES: Record<string, { name: 'P-256' | 'P-384' | 'P-521'; bits: number }> = {
  prime256v1: { name: 'P-256', bits: 256 },
  secp384r1: { name: 'P-384', bits: 384 },
  secp521r1: { name: 'P-521', bits: 521 },
};

/** What the Signer interface says about a key; KEY_UNSUPPORTED for other key types and curves. */
export function describeKeyObject(key: KeyObject): KeyDescription {
  const d = key.asymmetricKeyDetails ?? {};
  if ((key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss') && d.modulusLength) return { type: 'rsa', bits: d.modulusLength };
  if (key.asymmetricKeyType === 'ec') {
    const curve = d.namedCurve ? CURVES[d.namedCurve] : undefined;
    if (!curve) {
      throw new VanthuError('KEY_UNSUPPORTED', `Đường cong elliptic không được hỗ trợ (${d.namedCurve ?? 'không rõ'}).`, `Unsupported elliptic curve (${d.namedCurve ?? 'unknown'}).`);
    }
    return { type: 'ec', bits: curve.bits, namedCurve: curve.name };
  }
  throw new VanthuError('KEY_UNSUPPORTED', `Loại khóa không được hỗ trợ (${key.asymmetricKeyType ?? 'không rõ'}).`, `Unsupported key type (${key.asymmetricKeyType ?? 'unknown'}).`);
}

export interface KeyObjectSignerInput {
  /** The private key; it must belong to `certificate` (the caller checked). */
  privateKey: KeyObject;
  certificate: Uint8Array;
  chain: Uint8Array[];
}

export function createKeyObjectSigner(input: KeyObjectSignerInput): Signer {
  let privateKey: KeyObject | undefined = input.privateKey;
  const key = describeKeyObject(privateKey);
  // a key restricted to RSASSA-PSS (id-RSASSA-PSS PKCS#8) cannot sign PKCS#1 v1.5
  const schemes = privateKey.asymmetricKeyType === 'rsa-pss' ? (['rsa-pss'] as SignatureScheme['kind'][]) : schemesForKey(key);
  return {
    // own, exact-size copies
    certificate: new Uint8Array(input.certificate),
    chain: input.chain.map((c) => new Uint8Array(c)),
    key,
    schemes,
    async sign(data: Uint8Array, hash: HashAlgorithm, scheme: SignatureScheme): Promise<Uint8Array> {
      if (!privateKey) throw new VanthuError('SIGNER_CLOSED', 'Phiên ký đã đóng.', 'The signing session is closed.');
      assertHashPolicy(hash);
      assertSchemeFitsKey(key, scheme);
      if (!schemes.includes(scheme.kind)) {
        throw new VanthuError('SCHEME_UNSUPPORTED', `Khóa này không ký được theo lược đồ ${scheme.kind}.`, `This key cannot sign with the ${scheme.kind} scheme.`);
      }
      const alg = NODE_HASH[hash];
      const sig = key.type === 'ec'
        ? cryptoSign(alg, data, { key: privateKey, dsaEncoding: 'der' })
        : scheme.kind === 'rsa-pss'
          ? cryptoSign(alg, data, { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: pssSaltLength(scheme, hash) })
          : cryptoSign(alg, data, { key: privateKey, padding: constants.RSA_PKCS1_PADDING });
      return new Uint8Array(sig.buffer, sig.byteOffset, sig.byteLength);
    },
    async close() {
      // OpenSSL clears the key's private components when the last reference goes
      privateKey = undefined;
    },
  };
}
