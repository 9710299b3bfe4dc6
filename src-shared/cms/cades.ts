// CAdES detached signature for PAdES (SubFilter ETSI.CAdES.detached): content-type id-data,
// message-digest of the PDF byte ranges, signing-certificate-v2; no signing-time unless asked
// (PAdES puts the claimed time in the signature dictionary's /M).
import type { HashAlgorithm, SignatureScheme, Signer } from '../sign/signer';
import { buildSignedData } from './signed-data';

export interface CadesInput {
  /** Hash of the signed byte ranges, computed with `hash`. */
  messageDigest: Uint8Array;
  hash: HashAlgorithm;
  signer: Signer;
  signingTime?: Date;
  scheme?: SignatureScheme;
  /** Override embedded certificates (default: signer certificate + chain). */
  certificates?: Uint8Array[];
}

/** DER ContentInfo(SignedData), detached. */
export function buildCadesDetached(input: CadesInput): Promise<Uint8Array> {
  return buildSignedData({
    signer: input.signer,
    hash: input.hash,
    scheme: input.scheme,
    messageDigest: input.messageDigest,
    signingTime: input.signingTime,
    certificates: input.certificates,
  });
}
