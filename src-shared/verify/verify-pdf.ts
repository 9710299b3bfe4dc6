// Verification of every signature in a PDF: ByteRange sanity, CMS integrity, signature and
// document timestamps, certificate path and revocation (through the injected ChainValidator),
// changes after signing under DocMDP/FieldMDP, level reached; then the document verdict.
// Runtime-agnostic: bytes come from a ByteSource, hashing and path validation are injected.

import { toAppError } from '../errors';
import type { ByteSource } from '../pdf/bytesource';
import { PdfDict, PdfName, PdfRef, PdfString, type PdfValue } from '../pdf/objects';
import { PdfReader, decodeText, type PageInfo, type SignatureField } from '../pdf/reader';
import { type DigestName, type RangeHasher, digest, toHex } from './algorithms';
import { checkByteRange } from './byterange';
import type { ChainResult, ChainValidator } from './chain';
import type { ChangeFact } from './changes/analyse';
import { findDocMdp, locksOf, transformParams, type DocMdp } from './changes/permissions';
import { judge, summarise, type MdpPolicy } from './changes/policy';
import { integrityOf, parseCms, settleDigest, verifySignedData, type ParsedCms, type SignedDataCheck } from './cms-verify';
import { webCryptoProvider, type CryptoProvider } from '../crypto/provider';
import { derOf } from './signed-data';
import { readDss, type DssData } from './dss';
import { signerIdentity } from './identity';
import { CertificatePool, certificateDetails } from './certificates';
import { finding, text } from './messages';
import { documentVerdict, type DocumentReport, type Finding, type Indication, type SignatureReport, type SubIndication } from './report';
import { RevisionViews } from './revisions';
import { verifyTimestampToken, type TimestampCheck } from './timestamp';
import { scanSignatureDictionaries } from './orphans';
import { repairsInRevision, type RepairMemo } from './xref-repairs';

/** A detail sentence embedded in a message that adds its own full stop. */
const withoutFinalDot = (s: string): string => s.replace(/[.\u3002]+\s*$/, '');

export interface VerifyPdfOptions {
  /** Path validation + revocation; null = no trust configured (signatures end INDETERMINATE). */
  validateChain: ChainValidator | null;
  /** Digest of file ranges; defaults to reading the source and hashing with `crypto`. */
  hasher?: RangeHasher;
  /** Digests and signature verification (default WebCrypto; the Node verifier injects node:crypto). */
  crypto?: CryptoProvider;
  /** Validation time (default now). */
  now?: Date;
  /** Permission assumed for signatures on documents that are not certified (default 2). */
  defaultPermission?: 1 | 2 | 3;
  /** Cooperative deadline (epoch ms): checked between steps. */
  deadline?: number;
  /** The document already opened over `src` with `{ allowEncrypted: true }` (saves parsing it twice). */
  reader?: PdfReader;
  /** The certificate viewer's details in each signature's report (default true; the command line prints none). */
  certificateDetails?: boolean;
}

/** The bytes of `ranges` of a source, joined. */
function readRanges(src: ByteSource, ranges: Array<[number, number]>): Uint8Array {
  let total = 0;
  for (const [, l] of ranges) total += l;
  const buf = new Uint8Array(total);
  let at = 0;
  for (const [off, len] of ranges) {
    let pos = off;
    while (pos < off + len) {
      const chunk = src.read(pos, Math.min(1 << 22, off + len - pos));
      if (chunk.length === 0) break;
      buf.set(chunk, at);
      at += chunk.length;
      pos += chunk.length;
    }
  }
  return buf.subarray(0, at);
}

/** A RangeHasher over any ByteSource (joins the ranges; fine for in-memory sources). */
export function sourceRangeHasher(src: ByteSource, crypto?: CryptoProvider): RangeHasher {
  return async (alg, ranges) => {
    const bytes = readRanges(src, ranges);
    return crypto ? crypto.digest(alg, bytes) : digest(alg, bytes);
  };
}

class Deadline extends Error {}

/** Parse a PDF date (D:YYYYMMDDHHmmSSOHH'mm') to ISO 8601, or null. */
export function pdfDateToIso(s: string): string | null {
  const m = /^(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?([Zz+-])?(\d{2})?'?(\d{2})?'?/.exec(s.trim());
  if (!m) return null;
  const [, y, mo = '01', d = '01', h = '00', mi = '00', se = '00', tz, th = '00', tm = '00'] = m;
  const off = !tz || tz === 'Z' || tz === 'z' ? 'Z' : `${tz}${th}:${tm}`;
  const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${se}${off}`);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

function str(v: PdfValue | undefined): string | null {
  return v instanceof PdfString ? decodeText(v) : null;
}

function nm(v: PdfValue | undefined): string | null {
  return v instanceof PdfName ? v.name : null;
}

interface SigCtx {
  reader: PdfReader;
  views: RevisionViews;
  src: ByteSource;
  hasher: RangeHasher;
  opts: VerifyPdfOptions;
  now: Date;
  dss: DssData;
  /** Revision (1-based) in which the DSS first appears, 0 if none. */
  dssRevision: number;
  docMdp: DocMdp | null;
  /** Facts not tied to one update (trailing data, recovered xref). */
  globalFacts: ChangeFact[];
  revisionEnds: number[];
  /** opts.validateChain, memoised for this document (many signatures share one signer and chain). */
  validateChain: ChainValidator | null;
  crypto: CryptoProvider;
  /** Each signature's CMS parsed once, by its /Contents span (whichever revision view asks). */
  cms: CmsCache;
  /** Cross-reference entries already checked (xref-repairs.ts), shared by the signatures. */
  repairMemo: RepairMemo;
  /** The page list, read once when a widget is looked up. */
  pages?: PageInfo[];
  /** DER of the certificates described in the signatures' reports (DocumentReport.certificateDers). */
  certPool: CertificatePool;
}

/** Parsed CMS by /Contents span ("start-end" in the file), so no view of the document parses one twice. */
export class CmsCache {
  private readonly parsed = new Map<string, ParsedCms>();
  /** How many CMS structures were actually parsed (for tests and measurements). */
  parses = 0;
  get(span: [number, number] | null, bytes: Uint8Array): ParsedCms {
    const key = span ? `${span[0]}-${span[1]}` : null;
    const hit = key ? this.parsed.get(key) : undefined;
    if (hit) return hit;
    this.parses++;
    const p = parseCms(bytes);
    if (key) this.parsed.set(key, p);
    return p;
  }
}

function memoChain(v: ChainValidator): ChainValidator {
  const cache = new Map<string, Promise<ChainResult>>();
  const sizes = (x: { crls: Uint8Array[]; ocsps: Uint8Array[] }) => `${x.crls.map((c) => c.length).join('.')}/${x.ocsps.map((c) => c.length).join('.')}`;
  return (req) => {
    const key = [toHex(req.leaf.subarray(Math.max(0, req.leaf.length - 96))), req.leaf.length, req.at.toISOString(), req.purpose,
      req.pool.length, sizes(req.evidence.cms), sizes(req.evidence.dss)].join('|');
    let p = cache.get(key);
    if (!p) {
      p = v(req);
      cache.set(key, p);
    }
    return p;
  };
}

function dssRevision(views: RevisionViews): number {
  for (let i = 0; i < views.count; i++) {
    try {
      if (views.view(i).catalog.has('DSS')) return i + 1;
    } catch {
      /* view not available */
    }
  }
  return 0;
}

function blankReport(field: string): SignatureReport {
  return {
    field, kind: 'signature', subFilter: null, revision: 0, byteRange: null,
    indication: 'TOTAL_FAILED', subIndication: 'FORMAT_FAILURE', integrity: 'broken',
    coversWholeRevision: false, coversWholeDocument: false, modificationsAfter: 'none', changesAfter: [],
    docMdpPermission: null, signer: null,
    signingTime: { claimed: null, claimedSource: null, proven: null, provenBy: null },
    level: 'NONE', digestAlgorithm: null, signatureAlgorithm: null, certificateChain: [],
    revocation: { status: 'not-checked', source: null }, timestamps: [], findings: [], summary_vi: '', summary_en: '',
  };
}

/** Outcome accumulator: the worst indication wins, TOTAL_FAILED over INDETERMINATE. */
class Outcome {
  indication: Indication = 'TOTAL_PASSED';
  sub: SubIndication | null = null;
  set(i: Indication, s: SubIndication): void {
    if (i === 'TOTAL_PASSED') return;
    if (this.indication === 'TOTAL_PASSED' || (this.indication === 'INDETERMINATE' && i === 'TOTAL_FAILED')) {
      this.indication = i;
      this.sub = s;
    }
  }
}

function chainOutcome(chain: ChainResult, proven: Date | null, out: Outcome, findings: Finding[]): void {
  switch (chain.status) {
    case 'valid':
      return;
    case 'no-chain':
      out.set('INDETERMINATE', 'NO_CERTIFICATE_CHAIN_FOUND');
      findings.push(finding('CHAIN_NOT_TRUSTED', 'error'));
      return;
    case 'revoked': {
      const at = chain.revocation.revokedAt ? new Date(chain.revocation.revokedAt) : null;
      const before = !!(proven && at && proven < at); // proven to exist before the revocation
      findings.push(finding('CERT_REVOKED', before ? 'warning' : 'error', { at: at ? ` (${at.toISOString()})` : '' }));
      if (!before) out.set('TOTAL_FAILED', 'REVOKED');
      return;
    }
    case 'revocation-unknown':
      out.set('INDETERMINATE', 'TRY_LATER');
      findings.push(finding('REVOCATION_UNKNOWN', 'warning', { detail: withoutFinalDot(chain.detail_en), detail_vi: withoutFinalDot(chain.detail_vi || chain.detail_en) }));
      return;
    case 'expired':
      out.set('INDETERMINATE', 'OUT_OF_BOUNDS_NO_POE');
      findings.push(finding('CERT_EXPIRED_NO_POE', 'error'));
      return;
    case 'not-yet-valid':
      out.set('INDETERMINATE', 'OUT_OF_BOUNDS_NOT_REVOKED');
      findings.push(finding('CERT_NOT_YET_VALID', 'error'));
      return;
    default:
      out.set('INDETERMINATE', 'CERTIFICATE_CHAIN_GENERAL_FAILURE');
      findings.push(finding('CHAIN_INVALID', 'error', { detail: chain.detail_en }));
  }
}

/** The field's first widget on a page: 0-based page index and /Rect (normalised x1 < x2, y1 < y2). */
function widgetOf(f: SignatureField, ctx: SigCtx): { page: number; rect: [number, number, number, number] } | null {
  try {
    const candidates: Array<{ dict: PdfDict; ref: number | null }> = [{ dict: f.field, ref: f.fieldRef?.num ?? null }];
    const kids = ctx.reader.resolve(f.field.get('Kids'));
    if (Array.isArray(kids)) {
      for (const k of kids.slice(0, 20)) {
        const d = ctx.reader.resolveDict(k);
        if (d) candidates.push({ dict: d, ref: k instanceof PdfRef ? k.num : null });
      }
    }
    const pages = ctx.pages ??= ctx.reader.pages();
    for (const c of candidates) {
      const r = ctx.reader.resolve(c.dict.get('Rect'));
      if (!Array.isArray(r) || r.length !== 4) continue;
      const n = r.map((x) => ctx.reader.resolve(x));
      if (!n.every((x) => typeof x === 'number')) continue;
      const [a, b, cc, d] = n as number[];
      const p = c.dict.get('P');
      let page = p instanceof PdfRef ? pages.findIndex((pg) => pg.ref?.num === p.num) : -1;
      if (page < 0 && c.ref !== null) {
        page = pages.findIndex((pg) => {
          const annots = ctx.reader.resolve(pg.dict.get('Annots'));
          return Array.isArray(annots) && annots.some((x) => x instanceof PdfRef && x.num === c.ref);
        });
      }
      // a zero-area rectangle is an invisible signature: nothing to show on the page
      if (page >= 0 && a !== cc && b !== d) return { page, rect: [Math.min(a, cc), Math.min(b, d), Math.max(a, cc), Math.max(b, d)] };
    }
  } catch {
    /* a widget that cannot be located is not shown */
  }
  return null;
}

function checkDeadline(opts: VerifyPdfOptions): void {
  if (opts.deadline !== undefined && Date.now() > opts.deadline) throw new Deadline('deadline');
}

async function verifyOne(f: SignatureField, ctx: SigCtx, docTimestamps: Array<{ revision: number; genTime: Date }>): Promise<SignatureReport> {
  const rep = blankReport(f.name);
  const out = new Outcome();
  if (!f.sig) {
    rep.findings.push(finding('SIG_DAMAGED', 'error', { detail: f.damaged ?? 'unreadable' }));
    rep.indication = 'TOTAL_FAILED';
    rep.subIndication = 'FORMAT_FAILURE';
    rep.integrity = 'broken';
    return finish(rep);
  }
  const sig = f.sig;
  if (f.damaged) {
    rep.findings.push(finding('SIG_DAMAGED', 'error', { detail: f.damaged }));
    out.set('TOTAL_FAILED', 'FORMAT_FAILURE');
  }
  rep.kind = nm(sig.get('Type')) === 'DocTimeStamp' || nm(sig.get('SubFilter')) === 'ETSI.RFC3161' ? 'document-timestamp' : 'signature';
  rep.subFilter = nm(sig.get('SubFilter'));
  rep.byteRange = f.byteRange;
  rep.widget = widgetOf(f, ctx);
  const mStr = str(sig.get('M'));
  const contents = f.contents && f.contents.some((b) => b !== 0) ? f.contents : null;

  // 1. ByteRange sanity
  const br = checkByteRange({
    byteRange: (() => { try { return ctx.reader.resolve(sig.get('ByteRange')); } catch { return undefined; } })(),
    contents: f.contentsSpan ? { start: f.contentsSpan[0], end: f.contentsSpan[1] } : null,
    contentsLength: contents ? contents.length : 0,
    fileLength: ctx.src.length,
    revisionEnds: ctx.revisionEnds,
    read: (o, l) => ctx.src.read(o, l),
  });
  rep.findings.push(...br.findings);
  rep.revision = br.revision;
  rep.coversWholeRevision = br.coversWholeRevision;
  rep.coversWholeDocument = br.coversWholeDocument && ctx.globalFacts.length === 0;
  if (!br.ok) out.set('TOTAL_FAILED', 'FORMAT_FAILURE');
  if (!contents || !br.ranges) {
    rep.indication = out.indication;
    rep.subIndication = out.sub ?? 'FORMAT_FAILURE';
    return finish(rep);
  }
  const ranges = br.ranges;
  // digestOf starts a digest, need says it is awaited now; digestNow is both (awaited at once)
  const digestOf = (alg: DigestName) => ctx.hasher(alg, ranges);
  const need = (alg: DigestName) => ctx.hasher.need?.(alg, ranges);
  const digestNow = (alg: DigestName) => {
    const p = digestOf(alg);
    need(alg);
    return p;
  };
  checkDeadline(ctx.opts);

  // 2. CMS (or the document timestamp token)
  let cms: SignedDataCheck;
  let docTs: TimestampCheck | null = null;
  if (rep.kind === 'document-timestamp') {
    docTs = await verifyTimestampToken(contents, 'document-timestamp', { kind: 'digestOf', fn: digestNow }, ctx.validateChain, {
      pool: ctx.dss.certs, crls: ctx.dss.crls, ocsps: ctx.dss.ocsps,
    }, ctx.crypto);
    cms = docTs.cms;
    rep.timestamps.push(docTs.report);
    rep.integrity = docTs.report.imprintValid && docTs.report.signatureValid ? 'intact'
      : docTs.report.imprintValid !== false && cms.unverifiable && integrityOf(cms) === 'unknown' ? 'unknown' : 'broken';
    if (docTs.report.indication !== 'TOTAL_PASSED') out.set(docTs.report.indication, docTs.report.subIndication ?? 'FORMAT_FAILURE');
    rep.findings.push(...docTs.report.findings);
    if (docTs.genTime) rep.signingTime = { claimed: null, claimedSource: null, proven: docTs.genTime.toISOString(), provenBy: 'document-timestamp' };
  } else {
    // adbe.pkcs7.sha1: eContent is the SHA-1 of the ranges, compared in verifySignedData (integrity);
    // SHA-1 is then refused by policy. Otherwise the content digest (the whole file for a large
    // PDF) keeps running while the chain and the changes are checked; it is settled before
    // integrity is decided.
    const content = rep.subFilter === 'adbe.pkcs7.sha1'
      ? { kind: 'encapsulated-digest' as const, alg: 'SHA-1' as const, digestOf: digestNow }
      : { kind: 'detached' as const, digestOf, need, bytes: async () => readRanges(ctx.src, ranges) };
    cms = await verifySignedData(contents, content, { deferDigest: true, crypto: ctx.crypto, parsed: ctx.cms.get(f.contentsSpan, contents) });
    const claimed = cms.signingTime ? cms.signingTime.toISOString() : mStr ? pdfDateToIso(mStr) : null;
    rep.signingTime.claimed = claimed;
    rep.signingTime.claimedSource = cms.signingTime ? 'signing-time-attribute' : claimed ? 'M' : null;
  }
  rep.digestAlgorithm = cms.digestAlgorithm;
  rep.signatureAlgorithm = cms.signatureAlgorithm;
  // the signer, or for a document timestamp the TSA
  if (cms.signerCert) rep.signer = signerIdentity(cms.signerCert);
  checkDeadline(ctx.opts);

  // 3. Signature timestamps
  let proven: Date | null = docTs?.genTime ?? null;
  if (rep.kind === 'signature' && cms.signatureValue) {
    for (const tok of cms.timestampTokens) {
      const ts = await verifyTimestampToken(tok, 'signature-timestamp', { kind: 'bytes', data: cms.signatureValue }, ctx.validateChain, {
        pool: ctx.dss.certs, crls: ctx.dss.crls, ocsps: ctx.dss.ocsps,
      }, ctx.crypto);
      rep.timestamps.push(ts.report);
      for (const x of ts.report.findings) rep.findings.push({ ...x, severity: x.severity === 'error' ? 'warning' : x.severity });
      if (ts.report.indication === 'TOTAL_PASSED' && ts.genTime && (!proven || ts.genTime < proven)) {
        proven = ts.genTime;
        rep.signingTime.proven = ts.genTime.toISOString();
        rep.signingTime.provenBy = 'signature-timestamp';
      }
    }
    // archive (and CAdES-C) timestamps: verified as tokens and reported, they prove no signing time
    for (const tok of cms.otherTokens) {
      const ts = await verifyTimestampToken(tok.der, 'archive-timestamp', { kind: 'none' }, ctx.validateChain, {
        pool: ctx.dss.certs, crls: ctx.dss.crls, ocsps: ctx.dss.ocsps,
      }, ctx.crypto);
      rep.timestamps.push(ts.report);
      for (const x of ts.report.findings) rep.findings.push({ ...x, severity: x.severity === 'error' ? 'warning' : x.severity });
    }
    if (!proven) {
      const later = docTimestamps.filter((d) => d.revision > rep.revision).sort((a, b) => a.genTime.getTime() - b.genTime.getTime())[0];
      if (later) {
        proven = later.genTime;
        rep.signingTime.proven = later.genTime.toISOString();
        rep.signingTime.provenBy = 'document-timestamp';
      }
    }
    if (proven && rep.signingTime.claimed && new Date(rep.signingTime.claimed).getTime() > proven.getTime() + 5 * 60_000) {
      rep.findings.push(finding('TS_ORDER', 'warning', { claimed: rep.signingTime.claimed, proven: proven.toISOString() }));
    }
  }

  // 4. Certificate path and revocation (only when the signature itself holds)
  let chainDers: Uint8Array[] | undefined;
  if (cms.signerCert && rep.kind === 'signature' && cms.signatureOk) {
    const leaf = derOf(cms.signerCert);
    const ku = cms.signerCert.extensions?.find((e) => e.extnID === '2.5.29.15');
    if (ku) {
      const bits = (ku.parsedValue as { valueBlock?: { valueHexView?: Uint8Array } })?.valueBlock?.valueHexView;
      if (bits && bits.length > 0 && (bits[0] & 0xc0) === 0) {
        rep.findings.push(finding('KEY_USAGE', 'error'));
        out.set('INDETERMINATE', 'CHAIN_CONSTRAINTS_FAILURE');
      }
    }
    if (!ctx.validateChain) {
      rep.findings.push(finding('PKI_UNAVAILABLE', 'warning'));
      out.set('INDETERMINATE', 'NO_CERTIFICATE_CHAIN_FOUND');
    } else {
      const req = {
        leaf, pool: [...cms.certificateDers, ...ctx.dss.certs],
        at: ctx.now, purpose: 'signature' as const, crypto: ctx.crypto,
        evidence: { cms: cms.revocation, dss: { crls: ctx.dss.crls, ocsps: ctx.dss.ocsps } },
      };
      let chain = await ctx.validateChain(req);
      if (chain.status === 'expired' && proven) chain = await ctx.validateChain({ ...req, at: proven });
      rep.certificateChain = chain.chain;
      chainDers = chain.ders;
      rep.revocation = chain.revocation;
      chainOutcome(chain, proven, out, rep.findings);
      if (chain.status === 'valid' && chain.revocation.status === 'good') {
        rep.findings.push(finding('REVOCATION_OK', 'info', { source: chain.revocation.source ?? '?' }));
      }
    }
  }
  checkDeadline(ctx.opts);

  // 5. Changes after signing (and the facts about the whole file — rebuilt cross-reference data,
  // bytes after the last revision — also for a signature whose range ends at no revision)
  if (rep.revision > 0 || ctx.globalFacts.length > 0) {
    const facts: ChangeFact[] = [];
    for (let i = Math.max(rep.revision, 1); rep.revision > 0 && i < ctx.views.count; i++) {
      checkDeadline(ctx.opts);
      facts.push(...ctx.views.updateFacts(i));
    }
    facts.push(...ctx.globalFacts);
    const isCert = ctx.docMdp?.sigRef && f.sigRef && ctx.docMdp.sigRef.num === f.sigRef.num;
    if (isCert) rep.docMdpPermission = ctx.docMdp!.p;
    const locks = [
      ...locksOf(ctx.reader, transformParams(ctx.reader, sig, 'FieldMDP')),
      ...locksOf(ctx.reader, [ctx.reader.resolveDict(f.field.get('Lock'))].filter((x): x is PdfDict => !!x)),
    ];
    const policy: MdpPolicy = { docMdp: ctx.docMdp?.p ?? null, locks, defaultPermission: ctx.opts.defaultPermission ?? 2, signedRevision: rep.revision };
    rep.changesAfter = judge(facts, policy);
    rep.modificationsAfter = summarise(rep.changesAfter);
    if (rep.modificationsAfter === 'disallowed') {
      rep.findings.push(finding('MOD_DISALLOWED', 'error'));
      out.set('TOTAL_FAILED', 'SIG_CONSTRAINTS_FAILURE');
    } else if (!rep.coversWholeDocument) {
      rep.findings.push(finding('NOT_WHOLE_DOCUMENT', 'info', { rev: rep.revision, total: ctx.views.count, n: ctx.views.count - rep.revision }));
    }
  }

  // 5b. The signed revision itself: cross-reference entries that do not lead to their object
  if (rep.revision > 0) {
    let view: PdfReader | null = null;
    try {
      view = ctx.views.view(rep.revision - 1);
    } catch {
      view = null; // an unopenable revision is already update-unanalysable
    }
    const repaired = view ? repairsInRevision(ctx.reader, view, rep.revision, ctx.repairMemo) : [];
    if (repaired.length > 0) {
      const list = repaired.slice(0, 20).map((x) => x.num).join(', ') + (repaired.length > 20 ? `, … (${repaired.length})` : '');
      rep.findings.push(finding('XREF_ENTRY_REPAIRED', 'error', { rev: rep.revision, objects: list }));
      out.set('TOTAL_FAILED', 'FORMAT_FAILURE');
    }
  }

  // the content digest, started with the CMS check
  if (rep.kind === 'signature') {
    await settleDigest(cms);
    rep.findings.unshift(...cms.findings);
    rep.integrity = integrityOf(cms);
    if (cms.failure) out.set(cms.failure.indication, cms.failure.subIndication);
  }

  // the certificates for the desk's viewer: the signer (or TSA), then the path as built
  if (cms.signerCert && ctx.opts.certificateDetails !== false) {
    try {
      rep.certificates = await certificateDetails(derOf(cms.signerCert), chainDers ?? cms.certificateDers, ctx.crypto, ctx.certPool);
    } catch {
      /* details are for display only */
    }
  }

  // 6. Level
  if (rep.kind === 'signature' && rep.integrity === 'intact') {
    const bb = rep.subFilter === 'ETSI.CAdES.detached' && (cms.ess === 'v2' || cms.ess === 'v1');
    if (bb) {
      rep.level = 'B-B';
      const hasSigTs = rep.timestamps.some((t) => t.kind === 'signature-timestamp' && t.indication === 'TOTAL_PASSED');
      const laterDocTs = docTimestamps.filter((d) => d.revision > rep.revision);
      if (hasSigTs || laterDocTs.length > 0) {
        rep.level = 'B-T';
        if (ctx.dss.present && ctx.dssRevision > rep.revision && (ctx.dss.ocsps.length > 0 || ctx.dss.crls.length > 0)) {
          rep.level = 'B-LT';
          if (laterDocTs.some((d) => d.revision >= ctx.dssRevision)) rep.level = 'B-LTA';
        }
      }
    }
  }
  rep.indication = out.indication;
  rep.subIndication = out.sub;
  return finish(rep);
}

function finish(rep: SignatureReport): SignatureReport {
  const t = text(`SUM_${rep.indication}`);
  rep.summary_vi = t.vi;
  rep.summary_en = t.en;
  if (rep.indication === 'TOTAL_PASSED') {
    rep.findings.push(finding(rep.modificationsAfter === 'none' ? 'MOD_NONE' : 'MOD_ALLOWED', 'info'));
  }
  return rep;
}

function trailingFacts(src: ByteSource, reader: PdfReader): ChangeFact[] {
  const facts: ChangeFact[] = [];
  if (reader.recovered) {
    facts.push({ revision: reader.revisions.length || 1, rule: 'xref-recovered', category: 'forbidden', objects: [],
      message_vi: 'Bảng tham chiếu chéo bị hỏng, tài liệu phải dựng lại (có thể đã bị chèn nội dung).',
      message_en: 'The cross-reference data is broken and had to be rebuilt (content may have been injected).' });
    const why = reader.recoveryCause;
    if (why) {
      facts.push({ revision: reader.revisions.length || 1, rule: why.rule, category: 'forbidden', objects: [`${why.object} 0 obj`],
        message_vi: `Dữ liệu tham chiếu chéo phải dựng lại vì ${why.detail_vi}.`, message_en: `The cross-reference data had to be rebuilt because ${why.detail_en}.` });
    }
  }
  const last = reader.revisions[reader.revisions.length - 1];
  if (last && last.end !== null && last.end < src.length) {
    const tail = src.read(last.end, Math.min(src.length - last.end, 1 << 16));
    const junk = tail.some((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09 && b !== 0x00 && b !== 0x0c);
    if (junk || src.length - last.end > tail.length) {
      facts.push({ revision: reader.revisions.length + 1, rule: 'data-after-last-revision', category: 'forbidden', objects: [],
        message_vi: 'Có dữ liệu nối thêm sau phiên bản cuối mà không có bảng tham chiếu (tấn công lưu gia tăng).',
        message_en: 'Data was appended after the last revision without a cross-reference section (incremental saving attack).' });
    }
  }
  return facts;
}

function docSummary(rep: DocumentReport): void {
  const n = rep.signatures.length;
  const code = n === 0 && !rep.error ? 'DOC_NO_SIGNATURES' : `DOC_${rep.verdict}`;
  const t = text(code, { n });
  rep.summary_vi = t.vi;
  rep.summary_en = t.en;
}

/** Verify all signatures of the PDF in `src`. Never throws: failures become the report. */
export async function verifyPdf(src: ByteSource, file: string, opts: VerifyPdfOptions): Promise<DocumentReport> {
  const now = opts.now ?? new Date();
  const rep: DocumentReport = {
    file, verdict: 'TOTAL_FAILED', signatures: [], revisions: 0, validationTime: now.toISOString(), findings: [], summary_vi: '', summary_en: '',
  };
  try {
    const reader = opts.reader ?? PdfReader.open(src, { allowEncrypted: true });
    if (reader.trailer.has('Encrypt')) rep.findings.push(finding('DOC_ENCRYPTED', 'warning'));
    // a signature whose range ends at an %%EOF the /Prev chain does not reach (a later update
    // written as a whole table without /Prev): that %%EOF ends an earlier revision
    for (const f of reader.signatureFields()) {
      const br = f.byteRange;
      if (br && br.length === 4) reader.addEarlierRevisions(br[2] + br[3]);
    }
    rep.revisions = reader.revisions.length;
    const views = new RevisionViews(src, reader);
    // a damaged signature (unreadable dictionary, bad /Contents) is present and failed, not absent
    const fields = reader.signatureFields().filter((f) => f.sig !== null || f.damaged !== undefined);
    if (fields.length === 0) rep.findings.push(finding('DOC_NO_SIGNATURES', 'warning'));
    const ctx: SigCtx = {
      reader, views, src, hasher: opts.hasher ?? sourceRangeHasher(src, opts.crypto), opts, now, crypto: opts.crypto ?? webCryptoProvider, cms: new CmsCache(),
      dss: readDss(reader), dssRevision: 0, docMdp: findDocMdp(reader), globalFacts: trailingFacts(src, reader), repairMemo: new Map(), certPool: new CertificatePool(),
      revisionEnds: reader.revisions.map((r) => r.end ?? -1),
      validateChain: opts.validateChain ? memoChain(opts.validateChain) : null,
    };
    if (ctx.dss.present) ctx.dssRevision = dssRevision(views);
    rep.dss = { present: ctx.dss.present, revision: ctx.dssRevision, certs: ctx.dss.certs.length, crls: ctx.dss.crls.length, ocsps: ctx.dss.ocsps.length };
    // document timestamps first: they prove time for earlier signatures
    const order = [...fields].sort((a, b) => (isDocTs(b) ? 1 : 0) - (isDocTs(a) ? 1 : 0));
    const docTimestamps: Array<{ revision: number; genTime: Date }> = [];
    const byField = new Map<SignatureField, SignatureReport>();
    for (const f of order) {
      checkDeadline(opts);
      const s = await verifyOne(f, ctx, docTimestamps);
      byField.set(f, s);
      if (s.kind === 'document-timestamp' && s.integrity === 'intact' && s.signingTime.proven && s.indication !== 'TOTAL_FAILED') {
        docTimestamps.push({ revision: s.revision, genTime: new Date(s.signingTime.proven) });
      }
    }
    rep.signatures = fields.map((f) => byField.get(f)!).sort((a, b) => a.revision - b.revision);
    rep.signatures.push(...unreachedSignatures(src, reader, fields, ctx.globalFacts));
    rep.verdict = documentVerdict(rep.signatures);
    rep.certificateDers = ctx.certPool.ders;
  } catch (e) {
    if (e instanceof Deadline) {
      const f = finding('DOC_TIMEOUT', 'error', { ms: opts.deadline ? Math.max(0, opts.deadline - now.getTime()) : 0 });
      rep.error = { code: 'VERIFY_TIMEOUT', message_vi: f.message_vi, message_en: f.message_en };
    } else {
      const a = toAppError(e);
      const detail = a.code === 'INTERNAL' ? (e instanceof Error ? e.message : String(e)) : a.message_en;
      const f = finding('DOC_UNPARSEABLE', 'error', { detail });
      rep.error = { code: a.code === 'INTERNAL' ? 'VERIFY_UNPARSEABLE' : a.code, message_vi: a.code === 'INTERNAL' ? f.message_vi : a.message_vi, message_en: f.message_en };
    }
    rep.findings.push({ code: rep.error.code, severity: 'error', message_vi: rep.error.message_vi, message_en: rep.error.message_en });
    rep.verdict = 'TOTAL_FAILED';
    if (!(e instanceof Deadline)) rep.signatures = orphanReports(src).map((o) => o.report);
  }
  docSummary(rep);
  return rep;
}

/**
 * Signature dictionaries the form tree does not reach (see orphans.ts): objects written by any
 * update after the original (and by the original when it is small) that are signature
 * dictionaries; in a file whose structure had to be rebuilt or repaired, or that ends with an
 * unfinished update, every /ByteRange in the bytes concerned.
 */
function unreachedSignatures(src: ByteSource, reader: PdfReader, fields: SignatureField[], globalFacts: ChangeFact[]): SignatureReport[] {
  const reached = new Set(fields.map((f) => f.sigRef?.num).filter((n): n is number => n !== undefined));
  const out: SignatureReport[] = [];
  const seen = new Set<number>();
  const PEEK = /\/(?:Sig|DocTimeStamp|ByteRange|Contents)\b/;
  const isSigDict = (num: number) => {
    // a cheap look at the object's first bytes before parsing it (streams are never read)
    const loc = reader.locate(num);
    if (loc.type !== 'offset' || loc.offset === undefined) return false;
    if (!PEEK.test(new TextDecoder('latin1').decode(src.read(loc.offset, 512)))) return false;
    try {
      const d = reader.resolveDict(reader.getObject(num));
      return !!d && d.has('ByteRange') && d.has('Contents');
    } catch {
      return false;
    }
  };
  reader.revisions.forEach((rev, i) => {
    if (i === 0 && rev.changedObjects.length > 20000) return; // a very large original: its signatures are in /Fields
    for (const num of rev.changedObjects) {
      if (num === 0 || reached.has(num) || seen.has(num) || !isSigDict(num)) continue;
      seen.add(num);
      const r = blankReport(`(chữ ký, đối tượng ${num})`);
      r.findings.push(finding('SIG_UNREACHABLE', 'error', { offset: reader.locate(num).offset ?? '?', object: num }));
      out.push(finish(r));
    }
  });
  const broken = reader.recovered || reader.repaired;
  const tail = globalFacts.some((f) => f.rule === 'data-after-last-revision');
  if (broken || tail) {
    const from = broken ? 0 : (reader.revisions[reader.revisions.length - 1]?.end ?? 0);
    for (const o of orphanReports(src, from)) if (o.num === null || (!reached.has(o.num) && !seen.has(o.num))) out.push(o.report);
  }
  return out;
}

/** Failed entries for signature dictionaries found in the bytes (from `from`) of a broken document. */
function orphanReports(src: ByteSource, from = 0): Array<{ num: number | null; report: SignatureReport }> {
  return scanSignatureDictionaries(src, 200, from).map(({ offset, objectNumber }) => {
    const rep = blankReport(objectNumber === null ? `(chữ ký tại byte ${offset})` : `(chữ ký, đối tượng ${objectNumber})`);
    rep.findings.push(finding('SIG_UNREACHABLE', 'error', { offset, object: objectNumber ?? '?' }));
    return { num: objectNumber, report: finish(rep) };
  });
}

function isDocTs(f: SignatureField): boolean {
  return !!f.sig && (nm(f.sig.get('Type')) === 'DocTimeStamp' || nm(f.sig.get('SubFilter')) === 'ETSI.RFC3161');
}
