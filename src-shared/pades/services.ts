// The seams between PAdES orchestration and the CMS/network building blocks of src-shared/cms.
// Each function is injectable (tests, other hosts); `defaultPadesServices(net)` wires the crypto


import type { HashAlgorithm, SignatureScheme, Signer } from '../sign/signer';
import type { DigestProvider } from './digest';

export interface CmsInput {
  messageDigest: Uint8Array;
  hash: HashAlgorithm;
  signer: Signer;
  scheme?: SignatureScheme;
  signingTime?: Date;
}

/** Certificates, OCSP responses and CRLs (DER) to store in the DSS. */
export interface ValidationData {
  certs: Uint8Array[];
  ocsps: Uint8Array[];
  crls: Uint8Array[];
  /** Problems met while collecting (e.g. no revocation source for a certificate). */
  warnings?: string[];
  /** True when revocation data could not be fetched because the network was unreachable. */
  offline?: boolean;
}

export interface PadesServices {
  /** Build the CAdES detached ContentInfo(SignedData) DER over the byte-range digest. */
  buildCms(input: CmsInput): Promise<Uint8Array>;
  /** Add an RFC 3161 signature-time-stamp (unsigned attribute) to a CMS (B-T). */
  addSignatureTimestamp?(cms: Uint8Array, tsaUrl: string, hash: HashAlgorithm): Promise<Uint8Array>;
  /** An RFC 3161 TimeStampToken (ContentInfo DER) over `digest` (document timestamps, B-LTA). */
  timestamp?(digest: Uint8Array, hash: HashAlgorithm, tsaUrl: string): Promise<Uint8Array>;
  /** Chains, OCSP responses and CRLs for the certificate sets found in signatures/timestamps (B-LT);
   *  each inner list is the certificates of one CMS (signer or TSA first, in any order). */
  collectValidationData?(chains: Uint8Array[][]): Promise<ValidationData>;
  /** Upper bound of the CMS size in bytes for `signer` at `level`. */
  estimateCmsSize?(signer: Signer, level: string): number;
  /** Incremental hashing (default: WebCrypto, buffered). */
  digest?: DigestProvider;
}

/** Network failures (TSA/OCSP/CRL unreachable) lead to the offline fallback, other errors do not. */
export function isOfflineError(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  return typeof code === 'string' && /^(NET_|TSA_UNREACHABLE|OCSP_UNREACHABLE|CRL_UNREACHABLE|OFFLINE)/.test(code);
}
