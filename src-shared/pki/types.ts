// Public types of the path validation / revocation API (see index.ts for the contract).
import type { AppError } from '../errors';
import type { HttpGet, HttpPost } from './net';
import type { CryptoProvider } from '../crypto/provider';

export type PathStatus = 'VALID' | 'INVALID' | 'INDETERMINATE';

export type RevocationMode = 'offline' | 'online' | 'require';

/** Persistent store for fetched revocation data (e.g. IndexedDB or a file cache in the host). */
export interface RevocationCache {
  /** cached response for a CRL URL or an OCSP request key */
  get(key: string): Promise<Uint8Array | undefined> | Uint8Array | undefined;
  put(key: string, data: Uint8Array, kind: 'crl' | 'ocsp'): Promise<void> | void;
  /** everything cached, used as local evidence (offline validation) */
  all?(): Promise<{ crls: Uint8Array[]; ocsps: Uint8Array[] }> | { crls: Uint8Array[]; ocsps: Uint8Array[] };
}

export interface RevocationFetcher {
  /** GET for CRL distribution point URLs (http/https) */
  get?: HttpGet;
  /** POST for OCSP requests (application/ocsp-request) */
  post?: HttpPost;
  /** per request, default 10 000 ms */
  timeoutMs?: number;
}

export interface RevocationOptions {
  /**
   * offline: only embedded data (crls/ocsps) and the cache's stored items;
   * online: the same first, then the fetcher for certificates still undetermined;
   * require: fresh status must be fetched online for every certificate (embedded data alone is not enough).
   * In every mode an undetermined status makes the path INDETERMINATE, never VALID.
   */
  mode: RevocationMode;
  /** DER CRLs, e.g. from the PDF's DSS /CRLs or adbe-revocationInfoArchival */
  crls?: Uint8Array[];
  /** DER OCSPResponse or BasicOCSPResponse items */
  ocsps?: Uint8Array[];
  cache?: RevocationCache;
  fetcher?: RevocationFetcher;
  /** use delta CRLs when present (default true) */
  useDeltas?: boolean;
  /** max age of an OCSP response without nextUpdate, relative to the validation time (default 7 days) */
  ocspMaxAgeMs?: number;
}

export interface PolicyOptions {
  /** user-initial-policy-set (default [anyPolicy]) */
  initialPolicySet?: string[];
  explicitPolicy?: boolean;
  policyMappingInhibit?: boolean;
  anyPolicyInhibit?: boolean;
}

export interface ValidatePathOptions {
  intermediates: Uint8Array[];
  anchors: Uint8Array[];
  time: Date;
  revocation?: RevocationOptions;
  policy?: PolicyOptions;
  /** Signature verification of certificates, CRLs and OCSP responses (default WebCrypto). */
  crypto?: CryptoProvider;
}

export type RevocationSource = 'crl' | 'ocsp';
export interface CertRevocation {
  /** index in chain (0 = target) */
  index: number;
  status: 'good' | 'revoked' | 'unknown';
  source?: RevocationSource;
  revokedAt?: Date;
  reasonCode?: number;
  /** English detail (reason of revocation, or why the status is unknown) */
  detail?: string;
  /** the same in Vietnamese */
  detailVi?: string;
}

export interface PathResult {
  status: PathStatus;
  reason?: AppError & { certIndex?: number };
  /** target first, trust anchor last (the chain tried last when no path is valid) */
  chain: Uint8Array[];
  /** user-constrained policy set (authorities-constrained ∩ initial); ['2.5.29.32.0'] = any */
  validPolicies?: string[];
  /** explicitText of user notices attached to those policies in the target certificate (to display) */
  userNotices?: string[];
  /** per certificate revocation outcome when revocation was checked */
  revocation?: CertRevocation[];
  revocationChecked: boolean;
  /** DER of the revocation items actually used (for storing in a DSS / as LTV evidence) */
  usedCrls?: Uint8Array[];
  usedOcsps?: Uint8Array[];
}
