// PKI public API: RFC 5280 path validation with revocation (CRL/OCSP), runtime-agnostic.
//
//   validatePath(target, { intermediates, anchors, time, revocation?, policy? }): Promise<PathResult>
//
// - target / intermediates / anchors: DER certificates. The path is built from the pool by name
//   chaining (AKI/SKI preferred, alternatives tried with backtracking) to any anchor; the anchor
//   supplies name and key only (RFC 5280 trust anchor semantics). A target equal to an anchor is VALID.
// - time: the validation time (signing time proven by a timestamp, or now).
// - revocation (RevocationOptions, optional): when absent NO revocation check is done and the result
//   says revocationChecked: false — callers that need revocation MUST pass it.
//     mode 'offline'  – embedded crls/ocsps (PDF DSS, adbe-revocationInfoArchival) + cache.all()
//     mode 'online'   – the same, then fetcher.post (OCSP, AIA URL) / fetcher.get (CRL DP URL) with timeouts
//     mode 'require'  – fresh status must come from the fetcher (e.g. at signing time)
//   A certificate whose status cannot be established makes the result INDETERMINATE
//   (reason.code PKI_REVOCATION_UNKNOWN), a revoked one INVALID (PKI_REVOKED).
// - policy: user-initial-policy-set and the initial explicit/inhibit flags of RFC 5280 §6.1.1.
//
// PathResult: { status: 'VALID'|'INVALID'|'INDETERMINATE', reason?: {code, message_vi, message_en, certIndex},
//   chain (target first, anchor last), validPolicies, userNotices (explicitText to display),
//   revocation (per cert: status, source crl|ocsp, revokedAt, reasonCode, detail/detailVi), revocationChecked,
//   usedCrls/usedOcsps (DER actually relied on, for a DSS/LTV update) }.
// Reason codes: PKI_BAD_CERTIFICATE, PKI_NO_PATH, PKI_SIGNATURE_INVALID, PKI_ALGORITHM_UNSUPPORTED (INDETERMINATE), PKI_NOT_YET_VALID, PKI_EXPIRED,
//   PKI_NAME_CHAINING, PKI_NOT_CA, PKI_PATH_LENGTH, PKI_KEY_USAGE, PKI_UNKNOWN_CRITICAL_EXTENSION,
//   PKI_NAME_NOT_PERMITTED, PKI_NAME_EXCLUDED, PKI_POLICY, PKI_POLICY_MAPPING_ANY, PKI_REVOKED,
//   PKI_REVOCATION_UNKNOWN, PKI_INTERNAL (INDETERMINATE: unexpected structure, never thrown to the caller).
// Not checked here (caller's purpose policy): extended key usage of the target, e.g. timeStamping
// for TSA certificates, nonRepudiation for signers. DER must be strict (exact lengths).
// Signature algorithms: whatever the injected CryptoProvider (opts.crypto) verifies — WebCrypto by
// default (RSA PKCS#1 v1.5 and PSS with SHA-1/2, ECDSA P-256/384/521, Ed25519/Ed448), node:crypto in
// the Node verifier (adding SHA-3, SHA-224, brainpool and the other OpenSSL curves); DSA with BigInt.
// Measured on NIST PKITS: see docs/pkits.md.
import type { PathResult, ValidatePathOptions } from './types';
import { validatePathImpl } from './validate';

export type {
  PathResult, PathStatus, ValidatePathOptions, RevocationOptions, RevocationMode, RevocationCache, RevocationFetcher,
  PolicyOptions, CertRevocation, RevocationSource,
} from './types';
export type { HttpGet, HttpPost, HttpResponse } from './net';
export { parseCert, type ParsedCert } from './cert';
export { parseCrl, type ParsedCrl } from './crl';
export { parseOcsp, evaluateOcsp, buildOcspRequest, type ParsedOcsp } from './ocsp';
export { ANY_POLICY } from './policy';

export function validatePath(target: Uint8Array, opts: ValidatePathOptions): Promise<PathResult> {
  return validatePathImpl(target, opts);
}
