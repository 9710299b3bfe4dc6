// The verification result model, in the spirit of the ETSI EN 319 102-1 / EU DSS simple report:
// one entry per signature (indication + sub-indication, signer, claimed vs proven time, level,
// coverage, changes after it) and a document verdict. Plain JSON-serialisable data, shared by the
// CLI (--json), the IPC surface and the renderer.

export type Indication = 'TOTAL_PASSED' | 'INDETERMINATE' | 'TOTAL_FAILED';

/** Sub-indications of ETSI EN 319 102-1 §5.1.3 that this validator can produce. */
export type SubIndication =
  | 'FORMAT_FAILURE'
  | 'HASH_FAILURE'
  | 'SIG_CRYPTO_FAILURE'
  | 'REVOKED'
  | 'SIG_CONSTRAINTS_FAILURE'
  | 'CRYPTO_CONSTRAINTS_FAILURE'
  | 'CHAIN_CONSTRAINTS_FAILURE'
  | 'NO_SIGNING_CERTIFICATE_FOUND'
  | 'NO_CERTIFICATE_CHAIN_FOUND'
  | 'CERTIFICATE_CHAIN_GENERAL_FAILURE'
  | 'OUT_OF_BOUNDS_NO_POE'
  | 'OUT_OF_BOUNDS_NOT_REVOKED'
  | 'REVOKED_NO_POE'
  | 'TRY_LATER'
  | 'TIMESTAMP_ORDER_FAILURE'
  | 'SIGNED_DATA_NOT_FOUND';

/** PAdES baseline level reached (ETSI EN 319 142-1), NONE when not even B-B holds. */
export type PadesLevel = 'NONE' | 'B-B' | 'B-T' | 'B-LT' | 'B-LTA';

export type Severity = 'error' | 'warning' | 'info';

/** One finding, always in both languages. */
export type Finding = {
  code: string;
  severity: Severity;
  message_vi: string;
  message_en: string;
};

export type SignerIdentity = {
  commonName: string | null;
  /** RFC 4514-style subject string. */
  subject: string;
  issuer: string;
  serialNumber: string;
  organization: string | null;
  /** Vietnamese identifiers found in UID/OU/serialNumber (MST:…, CCCD:…, CMND:…). */
  identifiers: string[];
  email: string | null;
  notBefore: string;
  notAfter: string;
  keyAlgorithm: string;
  keyBits: number;
};

export type SigningTime = {
  /** What the signer claims: the signing-time attribute, else the /M entry (ISO 8601). */
  claimed: string | null;
  claimedSource: 'signing-time-attribute' | 'M' | null;
  /** Time proven by a valid timestamp (signature timestamp, else the earliest later document timestamp). */
  proven: string | null;
  provenBy: 'signature-timestamp' | 'document-timestamp' | null;
};

export type TimestampReport = {
  /** archive-timestamp: an RFC 3161 token in the unsigned attributes other than the signature timestamp. */
  kind: 'signature-timestamp' | 'document-timestamp' | 'archive-timestamp';
  /** The time the token attests, once the token verifies (null for an invalid token: it proves nothing). */
  genTime: string | null;
  tsa: string | null;
  /** null: the stamped data was not checked (archive timestamps). */
  imprintValid: boolean | null;
  signatureValid: boolean;
  chainValid: boolean | null;
  indication: Indication;
  subIndication: SubIndication | null;
  findings: Finding[];
};

export type ChangeVerdict = 'allowed' | 'disallowed';

/** One change found in an incremental update after a signature, named by the rule that judged it. */
export type ChangeEntry = {
  /** 1-based revision in which the change appears. */
  revision: number;
  rule: string;
  verdict: ChangeVerdict;
  objects: string[];
  message_vi: string;
  message_en: string;
  /** What kind of change the rule found ('signature', 'form-fill', 'dss', 'forbidden' …), which the policy judged. */
  category?: string;
  /** Fully qualified name of the form field concerned. */
  field?: string;
  /** What the field or object showed or held before and after the change, as text (truncated). */
  before?: string;
  after?: string;
  /** Set when the policy, not the rule, decided: 'field-locked' (FieldMDP), 'docmdp-p1'/'docmdp-p2', 'filled-after-signature' (the field was empty when this signature was made). */
  judgedBy?: string;
};

export type RevocationReport = {
  status: 'good' | 'revoked' | 'unknown' | 'not-checked';
  source: 'dss' | 'cms-archival' | 'cache' | 'online' | null;
  /** When the revocation evidence used was issued (OCSP producedAt, else CRL thisUpdate; ISO 8601). */
  checkedAt?: string | null;
  revokedAt?: string | null;
  reason_vi?: string;
  reason_en?: string;
};

export type SignatureReport = {
  field: string;
  /** 'signature' for /Type /Sig, 'document-timestamp' for /Type /DocTimeStamp. */
  kind: 'signature' | 'document-timestamp';
  subFilter: string | null;
  /** 1-based revision the signature's ByteRange ends in (0 when it matches none). */
  revision: number;
  byteRange: number[] | null;
  indication: Indication;
  subIndication: SubIndication | null;
  /** unknown: the signature could not be checked (algorithm not supported, signer certificate missing). */
  integrity: 'intact' | 'broken' | 'unknown';
  coversWholeRevision: boolean;
  coversWholeDocument: boolean;
  modificationsAfter: 'none' | 'allowed' | 'disallowed';
  changesAfter: ChangeEntry[];
  /** DocMDP permission (1, 2, 3) when the signature certifies the document. */
  docMdpPermission: number | null;
  signer: SignerIdentity | null;
  signingTime: SigningTime;
  level: PadesLevel;
  digestAlgorithm: string | null;
  signatureAlgorithm: string | null;
  certificateChain: string[];
  revocation: RevocationReport;
  timestamps: TimestampReport[];
  findings: Finding[];
  summary_vi: string;
  summary_en: string;
  /** Visual check of the changes after signing (when judged allowed, or none found in later updates; Node verifier). */
  visual?: VisualReport;
  /** The certificates behind the signature, signer (or TSA) first, then the path to the anchor as far as it was built. */
  certificates?: CertificateDetail[];
  /** Where the signature field's widget is: 0-based page and /Rect [x1, y1, x2, y2] in user space; null when it has none on a page. */
  widget?: { page: number; rect: [number, number, number, number] } | null;
};

/** One certificate as the certificate viewer shows it; its DER is in the document's `certificateDers` (bytes, never base64). */
export type CertificateDetail = {
  subject: string;
  issuer: string;
  commonName: string | null;
  organization: string | null;
  /** Vietnamese identifiers found in the subject (MST:…, CCCD:…, CMND:…). */
  identifiers: string[];
  email: string | null;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  keyAlgorithm: string;
  keyBits: number;
  /** keyUsage bit names (RFC 5280 order), empty when the extension is absent. */
  keyUsage: string[];
  /** extendedKeyUsage purposes (OIDs), empty when absent. */
  extendedKeyUsage: string[];
  isCa: boolean;
  selfSigned: boolean;
  /** Hex fingerprints of the DER. */
  sha1: string;
  sha256: string;
  /** Index of its DER in DocumentReport.certificateDers (shared by the signatures of one signer). */
  derIndex: number;
};

/** The Document Security Store: validation data embedded for long-term validation. */
export type DssSummary = {
  present: boolean;
  /** 1-based revision in which it first appears (0 when absent). */
  revision: number;
  certs: number;
  crls: number;
  ocsps: number;
};

/** One page compared by the visual check (1-based page number; pixels of the renderings). */
export type VisualPage = {
  page: number;
  width: number;
  height: number;
  /** Pixels that differ outside the masked (allowed) rectangles. */
  diffPixels: number;
  /** Bounding box of those pixels [x0, y0, x1, y1] in rendering pixels (top-left origin, x1/y1 exclusive), or null. */
  box: [number, number, number, number] | null;
  /** The same box in the page's default user space (points), or null. */
  boxPdf: [number, number, number, number] | null;
  /** Rectangles masked as allowed changes, in rendering pixels [x0, y0, x1, y1]. */
  masks: Array<[number, number, number, number]>;
  /** PNG renderings (base64) of the signed revision and of the final document, when reported. */
  signedPng?: string;
  currentPng?: string;
};

/** Outcome of rendering the signed revision and the final document and comparing them. */
export type VisualReport = {
  status: 'passed' | 'difference' | 'timeout' | 'unavailable' | 'failed';
  dpi: number;
  /** Pages whose objects changed after the signature, and how many of them were compared. */
  pagesAffected: number;
  pagesCompared: number;
  pages: VisualPage[];
  /** Time spent (ms), worker start-up included. */
  ms: number;
};

export type DocumentReport = {
  file: string;
  verdict: Indication;
  signatures: SignatureReport[];
  revisions: number;
  validationTime: string;
  /** Set when the file could not be parsed or verified at all. */
  error?: { code: string; message_vi: string; message_en: string };
  findings: Finding[];
  summary_vi: string;
  summary_en: string;
  /** The document's DSS, when the document could be read. */
  dss?: DssSummary;
  /** DER of the certificates the signatures' `certificates` describe (by derIndex), each once. */
  certificateDers?: Uint8Array[];
};

const RANK: Record<Indication, number> = { TOTAL_PASSED: 0, INDETERMINATE: 1, TOTAL_FAILED: 2 };

/** The worse of two indications. */
export function worse(a: Indication, b: Indication): Indication {
  return RANK[a] >= RANK[b] ? a : b;
}

/**
 * Document verdict: the worst indication over all signatures; a document without any signature
 * is INDETERMINATE (nothing proves it), an unparseable one TOTAL_FAILED.
 */
export function documentVerdict(sigs: SignatureReport[], error?: unknown): Indication {
  if (error) return 'TOTAL_FAILED';
  if (sigs.length === 0) return 'INDETERMINATE';
  return sigs.reduce<Indication>((acc, s) => worse(acc, s.indication), 'TOTAL_PASSED');
}
