// The seam between signature verification and certificate path validation (RFC 5280, revocation),
// which the PKI module implements. The verifier only needs a yes/no/unknown per certificate with
// a reason; `ChainValidator` is what the orchestrator is given.
import type { CryptoProvider } from '../crypto/provider';
import type { RevocationReport } from './report';

export interface ChainRequest {
  /** DER of the end-entity certificate (signer or TSA). */
  leaf: Uint8Array;
  /** DER of other certificates found next to it (CMS certificates, DSS /Certs). */
  pool: Uint8Array[];
  /** The time at which the chain must be valid (signing time proven or claimed, else now). */
  at: Date;
  purpose: 'signature' | 'timestamp';
  /** Verifies the chain's signatures (certificates, CRLs, OCSP responses): the verifier's own provider. */
  crypto?: CryptoProvider;
  /** Revocation data found offline, by where it came from. */
  evidence: {
    /** adbe-revocationInfoArchival and CMS crls of the signature itself. */
    cms: { crls: Uint8Array[]; ocsps: Uint8Array[] };
    /** The PDF's Document Security Store. */
    dss: { crls: Uint8Array[]; ocsps: Uint8Array[] };
  };
}

export type ChainStatus =
  | 'valid'
  /** No path to any trust anchor. */
  | 'no-chain'
  /** A path exists but fails RFC 5280 checks (signature, validity, constraints, key usage…). */
  | 'invalid'
  | 'expired'
  | 'not-yet-valid'
  | 'revoked'
  /** Path is fine but revocation status of some certificate could not be established. */
  | 'revocation-unknown';

export interface ChainResult {
  status: ChainStatus;
  /** Subjects from leaf to anchor (as far as built). */
  chain: string[];
  /** DER of the same certificates, leaf first (when the validator has them). */
  ders?: Uint8Array[];
  detail_vi: string;
  detail_en: string;
  revocation: RevocationReport;
}

export type ChainValidator = (req: ChainRequest) => Promise<ChainResult>;
