// A Signer backed by a software private key (PKCS#8) and WebCrypto: used for PKCS#12 files and
// by tests. RSA keys sign PKCS#1 v1.5 or PSS with any allowed hash; EC keys sign ECDSA and the
// raw r‖s from WebCrypto is returned as the DER SEQUENCE CMS wants. close() wipes the PKCS#8
// copy and drops the imported keys.
import type { HashAlgorithm, KeyDescription, SignatureScheme, Signer } from '../sign/signer';
import { VanthuError } from '../errors';
import { toArrayBuffer, wipe } from './bytes';
import { describeCertificateKey } from './certificate';
import { ecdsaRawToDer } from './ecdsa';
import { pssSaltLength } from './algorithms';
import { assertHashPolicy, assertSchemeFitsKey, schemesForKey } from './policy';
import { verifyWithCertificate } from './verify-signed';

const subtle = globalThis.crypto.subtle;

export interface SoftwareKeyMaterial {
  /** PKCS#8 PrivateKeyInfo DER. The signer keeps its own copy and wipes it on close(). */
  pkcs8: Uint8Array;
  certificate: Uint8Array;
  chain?: Uint8Array[];
}

function importParams(key: KeyDescription, scheme: SignatureScheme, hash: HashAlgorithm): RsaHashedImportParams | EcKeyImportParams {
  if (key.type === 'ec') return { name: 'ECDSA', namedCurve: key.namedCurve! };
  return { name: scheme.kind === 'rsa-pss' ? 'RSA-PSS' : 'RSASSA-PKCS1-v1_5', hash };
}

function signParams(key: KeyDescription, scheme: SignatureScheme, hash: HashAlgorithm): AlgorithmIdentifier | RsaPssParams | EcdsaParams {
  if (key.type === 'ec') return { name: 'ECDSA', hash };
  if (scheme.kind === 'rsa-pss') return { name: 'RSA-PSS', saltLength: pssSaltLength(scheme, hash) };
  return { name: 'RSASSA-PKCS1-v1_5' };
}

export async function createSoftwareSigner(material: SoftwareKeyMaterial): Promise<Signer> {
  const key = describeCertificateKey(material.certificate);
  let pkcs8: Uint8Array | undefined = material.pkcs8.slice();
  const cache = new Map<string, CryptoKey>();
  let closed = false;

  async function privateKey(scheme: SignatureScheme, hash: HashAlgorithm): Promise<CryptoKey> {
    const id = key.type === 'ec' ? 'ec' : `${scheme.kind}:${hash}`;
    let k = cache.get(id);
    if (!k) {
      if (!pkcs8) throw closedError();
      try {
        k = await subtle.importKey('pkcs8', toArrayBuffer(pkcs8), importParams(key, scheme, hash), false, ['sign']);
      } catch {
        throw new VanthuError('KEY_UNREADABLE', 'Không đọc được khóa bí mật.', 'The private key cannot be read.');
      }
      cache.set(id, k);
    }
    return k;
  }

  const signer: Signer = {
    // Own, exact-size copies (a Node Buffer's .buffer would be the shared pool).
    certificate: new Uint8Array(material.certificate),
    chain: (material.chain ?? []).map((c) => new Uint8Array(c)),
    key,
    schemes: schemesForKey(key),
    async sign(data, hash, scheme) {
      if (closed) throw closedError();
      assertHashPolicy(hash);
      assertSchemeFitsKey(key, scheme);
      const k = await privateKey(scheme, hash);
      const sig = new Uint8Array(await subtle.sign(signParams(key, scheme, hash), k, data as Uint8Array<ArrayBuffer>));
      return key.type === 'ec' ? ecdsaRawToDer(sig) : sig;
    },
    async close() {
      closed = true;
      wipe(pkcs8);
      pkcs8 = undefined;
      cache.clear();
    },
  };

  // Prove the key belongs to the certificate before anyone signs a document with it.
  const probe = globalThis.crypto.getRandomValues(new Uint8Array(32));
  const scheme: SignatureScheme = key.type === 'ec' ? { kind: 'ecdsa' } : { kind: 'rsa-pkcs1v15' };
  let matches = false;
  try {
    const sig = await signer.sign(probe, 'SHA-256', scheme);
    matches = await verifyWithCertificate(material.certificate, probe, sig, 'SHA-256', scheme);
  } catch (e) {
    await signer.close();
    if (e instanceof VanthuError) throw e;
    matches = false;
  }
  if (!matches) {
    await signer.close();
    throw new VanthuError('KEY_CERT_MISMATCH', 'Khóa bí mật không khớp với chứng thư số.', 'The private key does not match the certificate.');
  }
  return signer;
}

function closedError(): VanthuError {
  return new VanthuError('SIGNER_CLOSED', 'Phiên ký đã đóng.', 'The signing session is closed.');
}
