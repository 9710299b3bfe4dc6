// PKCS#12 signer: open a .p12/.pfx with its password and get a Signer (src-shared/sign/signer.ts)
// that signs in software with node:crypto. The decrypted PKCS#8 bytes are wiped as soon as the
// key object is made; close() drops the key.
import { createPrivateKey, type KeyObject } from 'node:crypto';
import type { Signer } from '../../../src-shared/sign/signer';
import { VanthuError } from '../../../src-shared/errors';
import { assertKeyPolicy } from '../../../src-shared/crypto/policy';
import { keyMatchesCertificate, readPkcs12 } from './pkcs12';
import { createKeyObjectSigner } from './node-signer';

export { readPkcs12, type Pkcs12Contents } from './pkcs12';

/**
 * Open a PKCS#12 file. Throws VanthuError P12_INVALID, P12_BAD_PASSWORD, P12_UNSUPPORTED,
 * P12_NO_KEY, KEY_UNREADABLE, KEY_CERT_MISMATCH, KEY_UNSUPPORTED or KEY_TOO_WEAK.
 */
export async function openPkcs12(bytes: Uint8Array, password: string): Promise<Signer> {
  const contents = readPkcs12(bytes, password);
  try {
    let key: KeyObject | undefined = contents.privateKey;
    if (!key) {
      try {
        key = createPrivateKey({ key: Buffer.from(contents.pkcs8.buffer, contents.pkcs8.byteOffset, contents.pkcs8.byteLength), format: 'der', type: 'pkcs8' });
      } catch {
        throw new VanthuError('KEY_UNREADABLE', 'Không đọc được khóa bí mật.', 'The private key cannot be read.');
      }
      // paired by localKeyId: prove the key belongs to the certificate before anyone signs with it
      if (!keyMatchesCertificate(key, contents.certificate)) {
        throw new VanthuError('KEY_CERT_MISMATCH', 'Khóa bí mật không khớp với chứng thư số.', 'The private key does not match the certificate.');
      }
    }
    const signer = createKeyObjectSigner({ privateKey: key, certificate: contents.certificate, chain: contents.chain });
    assertKeyPolicy(signer.key);
    return signer;
  } finally {
    contents.pkcs8.fill(0);
  }
}
