// Placeholder sizing for /Contents: an upper bound of the DER CMS size for a signer and a PAdES
// level, so the PDF writer can reserve space before the signature exists.
import type { Signer } from '../sign/signer';

export type PadesLevel = 'B-B' | 'B-T' | 'B-LT' | 'B-LTA';

/** Room for an RFC 3161 token: TSTInfo, SignerInfo, and the TSA certificate chain. */
export const TIMESTAMP_TOKEN_ALLOWANCE = 12_288;

/** Bytes (not hex digits) to reserve for the CMS DER. */
export function estimateCmsSize(signer: Signer, level: PadesLevel = 'B-B'): number {
  let certs = signer.certificate.length;
  for (const c of signer.chain) certs += c.length + 8;
  const sig = signer.key.type === 'rsa' ? Math.ceil(signer.key.bits / 8) + 8 : 2 * Math.ceil(signer.key.bits / 8) + 16;
  // Attributes (content-type, message-digest ≤ 64, signing-certificate-v2 with the issuer name),
  // algorithm identifiers with PSS parameters, SignerInfo and SignedData framing.
  const issuerNameAllowance = 1024;
  let total = certs + sig + issuerNameAllowance + 1024;
  // B-LT and B-LTA keep the validation data in the DSS, not in the CMS; they still carry B-T's token.
  if (level !== 'B-B') total += TIMESTAMP_TOKEN_ALLOWANCE;
  return Math.ceil(total / 1024) * 1024;
}
