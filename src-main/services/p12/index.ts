// PKCS#12 signer: open a .p12/.pfx with its password and get a Signer (src-shared/sign/signer.ts)
// that signs in software via WebCrypto. close() wipes the decrypted key material.
import type { Signer } from '../../../src-shared/sign/signer';
import { createSoftwareSigner } from '../../../src-shared/crypto/webcrypto-signer';
import { assertKeyPolicy } from '../../../src-shared/crypto/policy';
import { readPkcs12 } from './pkcs12';

export { readPkcs12, type Pkcs12Contents } from './pkcs12';

/**
 * Open a PKCS#12 file. Throws VanthuError P12_INVALID, P12_BAD_PASSWORD, P12_UNSUPPORTED,
 * P12_NO_KEY, KEY_CERT_MISMATCH or KEY_TOO_WEAK.
 */
export async function openPkcs12(bytes: Uint8Array, password: string): Promise<Signer> {
  const contents = readPkcs12(bytes, password);
  try {
    const signer = await createSoftwareSigner({ pkcs8: contents.pkcs8, certificate: contents.certificate, chain: contents.chain });
    try {
      assertKeyPolicy(signer.key);
    } catch (e) {
      await signer.close();
      throw e;
    }
    return signer;
  } finally {
    contents.pkcs8.fill(0);
  }
}
