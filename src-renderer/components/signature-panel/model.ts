// What the signature panel shows, derived from the verification report only (no judgement of its
// own): the five-state icon of each row, the lines on integrity, certificate trust and changes
// after signing, where the signing time comes from, the long-term validation data, whether the
// result was computed offline, and the bytes of the signed revision. Pure functions, unit-tested.

import type { Res } from '../../../src-shared/ipc/contract';
import type {
  CertificateDetail, ChangeEntry, DocumentReport, DssSummary, Finding, RevocationReport, SignatureReport, VisualPage, VisualReport,
} from '../../../src-shared/verify/report';

/** A visual-check page as it crosses IPC: the renderings are PNG bytes. */
export type PanelVisualPage = Omit<VisualPage, 'signedPng' | 'currentPng'> & { signedPng?: Uint8Array; currentPng?: Uint8Array };
export type PanelSignature = Omit<SignatureReport, 'visual' | 'certificates' | 'widget'> & {
  visual?: Omit<VisualReport, 'pages'> & { pages: PanelVisualPage[] };
  certificates?: CertificateDetail[];
  widget?: { page: number; rect: [number, number, number, number] } | null;
};
export type PanelReport = Omit<DocumentReport, 'signatures' | 'dss' | 'certificateDers'> & { signatures: PanelSignature[]; dss?: DssSummary; certificateDers?: Uint8Array[] };

/** The IPC response read as the shared report model (the schema checks its key fields). */
export function asPanelReport(r: Res<'verify.pdf'>): PanelReport {
  return r as unknown as PanelReport;
}

/** The five states of a row's icon (as Acrobat and Okular show them). */
export type RowStatus = 'valid' | 'warning' | 'indeterminate' | 'invalid' | 'certified';

/**
 * The icon of a row: TOTAL_FAILED is invalid, INDETERMINATE indeterminate (revocation unknown
 * because offline included: never invalid), TOTAL_PASSED is certified for a certification (DocMDP)
 * signature, valid with warnings when a finding is a warning, else valid.
 */
export function rowStatus(s: Pick<PanelSignature, 'indication' | 'findings' | 'docMdpPermission'>): RowStatus {
  if (s.indication === 'TOTAL_FAILED') return 'invalid';
  if (s.indication === 'INDETERMINATE') return 'indeterminate';
  if (s.docMdpPermission !== null && s.docMdpPermission !== undefined) return 'certified';
  return s.findings.some((f) => f.severity === 'warning') ? 'warning' : 'valid';
}

/** Revocation could not be established: the answer may change once the network is back. */
export function revocationUnknown(s: Pick<PanelSignature, 'subIndication' | 'revocation'>): boolean {
  return s.subIndication === 'TRY_LATER' || s.revocation?.status === 'unknown';
}

/** Integrity line: intact / broken / unknown, and whether the range covers the whole document. */
export type IntegrityLine = { state: 'intact' | 'broken' | 'unknown'; wholeDocument: boolean };
export function integrityLine(s: PanelSignature): IntegrityLine {
  return { state: s.integrity, wholeDocument: s.coversWholeDocument };
}

/** The certificate trust line: the chain's outcome, and revocation with its source and time. */
export type TrustLine = {
  chain: 'trusted' | 'untrusted' | 'invalid' | 'expired' | 'not-yet-valid' | 'revoked' | 'not-checked';
  /** Common name (or subject) of the trust anchor the chain reached. */
  anchor: string | null;
  revocation: RevocationReport['status'];
  source: RevocationReport['source'];
  checkedAt: string | null;
  reason: { message_vi?: string; message_en?: string } | null;
};
const CHAIN_BY_SUB: Partial<Record<string, TrustLine['chain']>> = {
  NO_CERTIFICATE_CHAIN_FOUND: 'untrusted',
  CERTIFICATE_CHAIN_GENERAL_FAILURE: 'invalid',
  CHAIN_CONSTRAINTS_FAILURE: 'invalid',
  OUT_OF_BOUNDS_NO_POE: 'expired',
  OUT_OF_BOUNDS_NOT_REVOKED: 'not-yet-valid',
  REVOKED: 'revoked',
  REVOKED_NO_POE: 'revoked',
};
export function trustLine(s: PanelSignature): TrustLine {
  const rv = s.revocation ?? { status: 'not-checked', source: null };
  let chain: TrustLine['chain'] = CHAIN_BY_SUB[s.subIndication ?? ''] ?? (s.certificateChain.length > 1 ? 'trusted' : 'not-checked');
  if (rv.status === 'revoked') chain = 'revoked';
  // a path that was built to an anchor while something else failed
  if (chain === 'not-checked' && s.findings.some((f) => f.code === 'CHAIN_NOT_TRUSTED')) chain = 'untrusted';
  const last = s.certificateChain.length > 1 ? s.certificateChain[s.certificateChain.length - 1] : null;
  const anchorCert = s.certificates?.find((c) => c.selfSigned) ?? null;
  const anchor = chain === 'trusted' ? (anchorCert?.commonName ?? commonNameOf(last)) : null;
  const reason = rv.reason_vi || rv.reason_en ? { message_vi: rv.reason_vi, message_en: rv.reason_en } : null;
  return { chain, anchor, revocation: rv.status, source: rv.source, checkedAt: rv.checkedAt ?? null, reason };
}

/** CN=… of an RFC 4514 string (the whole string when it has none). */
export function commonNameOf(dn: string | null | undefined): string | null {
  if (!dn) return null;
  const m = /(?:^|,\s*)CN=((?:\\.|[^,\\])*)/.exec(dn);
  return m ? m[1].replace(/\\(.)/g, '$1') : dn;
}

/** Where the signing time comes from: a timestamp (proven) or the signer's own clock (claimed). */
export type TimeLine =
  | { kind: 'proven'; time: string; by: 'signature-timestamp' | 'document-timestamp'; tsa: string | null; claimed: string | null }
  | { kind: 'claimed'; time: string; source: 'signing-time-attribute' | 'M' | null }
  | { kind: 'none' };
export function timeLine(s: PanelSignature): TimeLine {
  const t = s.signingTime;
  if (t.proven) {
    const by = t.provenBy ?? 'signature-timestamp';
    const ts = s.timestamps.find((x) => x.kind === by && x.genTime === t.proven) ?? s.timestamps.find((x) => x.kind === by);
    return { kind: 'proven', time: t.proven, by, tsa: commonNameOf(ts?.tsa ?? null), claimed: t.claimed };
  }
  if (t.claimed) return { kind: 'claimed', time: t.claimed, source: t.claimedSource };
  return { kind: 'none' };
}

/** The long-term status: level reached, the DSS, where revocation came from and when it was issued. */
export type LongTermLine = {
  level: string;
  dss: DssSummary | null;
  /** The DSS was added after this signature (it can hold this signature's validation data). */
  dssAfter: boolean;
  embeddedRevocation: boolean;
  source: RevocationReport['source'];
  checkedAt: string | null;
  archiveTimestamps: number;
};
export function longTermLine(s: PanelSignature, doc: PanelReport): LongTermLine {
  const dss = doc.dss && doc.dss.present ? doc.dss : null;
  const rv = s.revocation ?? { status: 'not-checked', source: null };
  return {
    level: s.level,
    dss,
    dssAfter: !!dss && dss.revision > s.revision,
    embeddedRevocation: rv.source === 'dss' || rv.source === 'cms-archival',
    source: rv.source,
    checkedAt: rv.checkedAt ?? null,
    archiveTimestamps: s.timestamps.filter((t) => t.kind === 'archive-timestamp').length,
  };
}

/** The most telling findings of a row (errors, then warnings), for the line under its title. */
export function mainFindings(s: PanelSignature, max = 3): Finding[] {
  const rank = { error: 0, warning: 1, info: 2 } as const;
  return [...s.findings].filter((f) => f.severity !== 'info').sort((a, b) => rank[a.severity] - rank[b.severity]).slice(0, max);
}

/** The disallowed changes first. */
export function sortedChanges(changes: ChangeEntry[]): ChangeEntry[] {
  return [...changes].sort((a, b) => (a.verdict === b.verdict ? a.revision - b.revision : a.verdict === 'disallowed' ? -1 : 1));
}

/** The end of a signature's signed revision in the file (byteRange[2] + byteRange[3]), or null. */
export function signedRevisionEnd(s: Pick<PanelSignature, 'byteRange'>, fileLength: number): number | null {
  const br = s.byteRange;
  if (!br || br.length !== 4 || !br.every((x) => Number.isInteger(x) && x >= 0)) return null;
  const end = br[2] + br[3];
  return end > 0 && end <= fileLength ? end : null;
}

/** The file as it was when the signature was made: cut at the end of its byte range. */
export function signedRevisionBytes(s: Pick<PanelSignature, 'byteRange'>, file: Uint8Array): Uint8Array | null {
  const end = signedRevisionEnd(s, file.length);
  return end === null ? null : file.subarray(0, end);
}

/** Pages of the visual check that have both renderings. */
export function renderedPairs(s: PanelSignature): PanelVisualPage[] {
  return (s.visual?.pages ?? []).filter((p) => p.signedPng && p.currentPng);
}

/** The facts of one run that decide whether it is re-checked once the network is back. */
export type RunInfo = { offline: boolean; report: PanelReport | null };

/** Re-run when the network returns: the last run was offline, or revocation was unknown then. */
export function shouldRecheckOnline(run: RunInfo | null): boolean {
  if (!run || !run.report) return false;
  return run.offline || run.report.signatures.some((s) => revocationUnknown(s));
}

/** A Vietnamese identifier of a certificate subject ("MST:0101234567") as kind and value. */
export function parseIdentifier(id: string): { kind: string; value: string } {
  const m = /^([A-Za-z]+)[:\s]\s*(.*)$/.exec(id.trim());
  return m ? { kind: m[1].toUpperCase(), value: m[2] } : { kind: '', value: id };
}

/** A hex fingerprint as colon-separated upper-case pairs. */
export function formatFingerprint(hex: string): string {
  return (hex.toUpperCase().match(/.{1,2}/g) ?? []).join(':');
}

/** PEM text of a DER certificate. */
export function toPem(der: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < der.length; i++) bin += String.fromCharCode(der[i]);
  const b64 = btoa(bin);
  return `-----BEGIN CERTIFICATE-----\n${(b64.match(/.{1,64}/g) ?? []).join('\n')}\n-----END CERTIFICATE-----\n`;
}
