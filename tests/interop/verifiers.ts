// The verifiers of the interop matrix, each reduced to one answer per signature field:
//   ours    verifyFile (test root as trust; offline when the document carries its revocation
//           data, else online against the loopback OCSP/CRL server)
//   pdfsig  poppler + NSS (test root trusted, intermediate known), "Signature Validation"
//   mutool  MuPDF's `mutool sign -v`, the digest check
//   itext   ItextVerify.java (PdfPKCS7.verify + ByteRange coverage of a whole revision)
//   pdfbox  PdfboxVerify.java (Bouncy Castle SignerInformation.verify + the same coverage checks)
// 'unsupported' is only given for documented limitations of a third-party verifier, matched on
// its exact message (never for ours).
import { readFileSync } from 'node:fs';
import * as pkijs from 'pkijs';
import { verifyFile } from '../../src-main/services/verify';
import type { DocumentReport, SignatureReport } from '../../src-shared/verify/report';
import { BytesSource } from '../../src-shared/pdf/bytesource';
import { PdfReader } from '../../src-shared/pdf/reader';
import { parsePdfsig } from '../helpers/nss';
import { pool, run, runJava, type InteropEnv, type Tools } from './env';

export type VerifierId = 'ours' | 'pdfsig' | 'mutool' | 'itext' | 'pdfbox';
export const VERIFIERS: VerifierId[] = ['ours', 'pdfsig', 'mutool', 'itext', 'pdfbox'];
export type Answer = 'intact' | 'broken' | 'unsupported' | 'missing';

export interface SigAnswer {
  answer: Answer;
  detail: string;
}

export interface OurSig {
  field: string;
  kind: string;
  indication: string;
  subIndication: string | null;
  integrity: string;
  modificationsAfter: string;
  coversWholeRevision: boolean;
  revision: number;
  level: string;
  subFilter: string | null;
  digest: string | null;
  /** Rules judged disallowed (rule@revision). */
  disallowed: string[];
  /** Every change entry (rule:verdict@revision). */
  changes: string[];
  /** Error and warning finding codes. */
  findings: string[];
  /** Certificates of the validated chain (0: no chain was validated). */
  chain: number;
  revocation: string;
}

export interface VerifierResult {
  ran: boolean;
  error?: string;
  /** By signature field name. */
  sigs: Record<string, SigAnswer>;
}

export interface DocVerification {
  file: string;
  /** Signature fields in our report's order (then any only another verifier saw). */
  fields: string[];
  ours: { verdict: string; error?: string; revisions: number; offline: boolean; anchors: string[]; ms?: number; sigs: OurSig[] };
  others: Partial<Record<Exclude<VerifierId, 'ours'>, VerifierResult>>;
}

// ---------------------------------------------------------------------------------------------
// ours

export function summariseOurs(s: SignatureReport): OurSig {
  return {
    field: s.field, kind: s.kind, indication: s.indication, subIndication: s.subIndication, integrity: s.integrity,
    modificationsAfter: s.modificationsAfter, coversWholeRevision: s.coversWholeRevision, revision: s.revision, level: s.level,
    subFilter: s.subFilter, digest: s.digestAlgorithm,
    disallowed: s.changesAfter.filter((c) => c.verdict === 'disallowed').map((c) => `${c.rule}@${c.revision}`),
    changes: s.changesAfter.map((c) => `${c.rule}:${c.verdict}@${c.revision}`),
    findings: s.findings.filter((f) => f.severity !== 'info').map((f) => f.code),
    chain: s.certificateChain.length, revocation: `${s.revocation.status}${s.revocation.source ? `/${s.revocation.source}` : ''}`,
  };
}

/** Our answer in the vocabulary of the others: intact = integrity intact, whole revision, no format failure. */
export function ourAnswer(s: OurSig): SigAnswer {
  const broken = s.integrity !== 'intact' || s.subIndication === 'FORMAT_FAILURE' || s.subIndication === 'HASH_FAILURE' || s.subIndication === 'SIG_CRYPTO_FAILURE' || !s.coversWholeRevision;
  return { answer: broken ? 'broken' : 'intact', detail: `${s.indication}${s.subIndication ? `/${s.subIndication}` : ''} integrity=${s.integrity}${s.findings.length ? ` [${s.findings.join(',')}]` : ''}` };
}

export async function verifyOurs(env: InteropEnv, file: string, opts: { offline: boolean; anchors: string[] }): Promise<DocVerification['ours']> {
  let r: DocumentReport;
  const t0 = Date.now();
  try {
    r = await verifyFile(file, { trust: opts.anchors, cacheDir: null, isolate: false, offline: opts.offline, fetchTimeoutMs: 5_000, timeoutMs: 60_000 });
  } catch (e) {
    return { verdict: 'THROWN', error: (e as Error).message, revisions: 0, offline: opts.offline, anchors: opts.anchors, sigs: [] };
  }
  return {
    verdict: r.verdict, error: r.error ? `${r.error.code}: ${r.error.message_en}` : undefined, revisions: r.revisions, offline: opts.offline,
    anchors: opts.anchors, ms: Date.now() - t0, sigs: r.signatures.map(summariseOurs),
  };
}

// ---------------------------------------------------------------------------------------------
// pdfsig

export async function verifyPdfsig(env: InteropEnv, file: string, facts: SigFacts[]): Promise<VerifierResult> {
  const r = await run('pdfsig', ['-nssdir', env.nss.nssdir, '-no-ocsp', file], { timeoutMs: 60_000 });
  const sigs: Record<string, SigAnswer> = {};
  const parsed = parsePdfsig(r.stdout);
  if (!parsed.length && !/does not contain any signatures/.test(r.stdout + r.stderr) && r.code !== 0) {
    return { ran: true, error: `exit ${r.code}: ${(r.stderr || r.stdout).trim().slice(0, 300)}`, sigs };
  }
  parsed.forEach((p, i) => {
    const key = p.fieldName ?? `#${i + 1}`;
    if (p.signatureValidation === undefined) return; // an unsigned field
    const detail = `${p.signatureValidation} ${p.certificateValidation ?? ''} ${p.totalDocumentSigned ? '(total document)' : '(not total document)'}`.trim();
    // poppler 22.12 does not validate RFC 3161 document timestamps ("Unable to validate this type of signature")
    if (/has not yet been verified/.test(p.signatureValidation) && facts.find((f) => f.name === key)?.docTimestamp) {
      sigs[key] = { answer: 'unsupported', detail: `poppler 22.12 does not validate document timestamps (${detail})` };
      return;
    }
    sigs[key] = { answer: p.signatureValid ? 'intact' : 'broken', detail };
  });
  return { ran: true, sigs };
}

// ---------------------------------------------------------------------------------------------
// mutool

export interface SigFacts {
  name: string;
  /** Object number of the field (what mutool prints). */
  num: number | null;
  docTimestamp: boolean;
  subFilter: string | null;
  /** SignerInfo signatureAlgorithm OID. */
  sigAlg: string | null;
}

const RSASSA_PSS = '1.2.840.113549.1.1.10';

/**
 * Facts about each signed field read with our PDF reader and pkijs, used only to map mutool's
 * object numbers to field names and to recognise the signature kinds a third-party verifier
 * documents as unsupported. Empty when the file cannot be read.
 */
export function signatureFacts(file: string): SigFacts[] {
  const out: SigFacts[] = [];
  try {
    const r = PdfReader.open(new BytesSource(new Uint8Array(readFileSync(file))));
    for (const f of r.signatureFields()) {
      if (!f.sig) continue;
      const type = r.resolve(f.sig.get('Type'));
      const sub = r.resolve(f.sig.get('SubFilter'));
      const subFilter = sub && typeof sub === 'object' && 'name' in sub ? (sub as { name: string }).name : null;
      let sigAlg: string | null = null;
      try {
        const ci = pkijs.ContentInfo.fromBER(f.contents!.slice().buffer);
        sigAlg = new pkijs.SignedData({ schema: ci.content }).signerInfos[0]?.signatureAlgorithm.algorithmId ?? null;
      } catch {
        // not a readable CMS
      }
      out.push({
        name: f.name, num: f.fieldRef?.num ?? null, subFilter, sigAlg,
        docTimestamp: subFilter === 'ETSI.RFC3161' || (!!type && typeof type === 'object' && 'name' in type && (type as { name: string }).name === 'DocTimeStamp'),
      });
    }
  } catch {
    // unreadable by us
  }
  return out;
}

export async function verifyMutool(file: string, facts: SigFacts[]): Promise<VerifierResult> {
  const r = await run('mutool', ['sign', '-v', file], { timeoutMs: 60_000 });
  const byNum = new Map(facts.filter((f) => f.num !== null).map((f) => [f.num!, f]));
  const sigs: Record<string, SigAnswer> = {};
  let cur: SigFacts | { name: string } | null = null;
  for (const line of (r.stdout + '\n' + r.stderr).split('\n')) {
    const head = /^Verifying signature (\d+):/.exec(line);
    if (head) {
      const n = Number(head[1]);
      cur = byNum.get(n) ?? { name: `obj${n}` };
      continue;
    }
    if (!cur) continue;
    const t = line.trim();
    const f = cur as Partial<SigFacts> & { name: string };
    if (t === 'Signature is not signed.') {
      // MuPDF 1.21 treats /Type /DocTimeStamp values as unsigned fields
      if (f.docTimestamp) sigs[f.name] = { answer: 'unsupported', detail: 'MuPDF 1.21 does not verify document timestamps ("Signature is not signed.")' };
      cur = null;
      continue;
    }
    if (t === 'The document is unchanged since signing.') sigs[f.name] = { answer: 'intact', detail: t };
    else if (t === 'The signature is valid but there have been edits since signing.') sigs[f.name] = { answer: 'intact', detail: 'valid, edits since signing' };
    else if (/^(Digest|Signature) error:/.test(t)) {
      // MuPDF verifies through OpenSSL's PKCS7 API, which has no RSASSA-PSS
      if (f.sigAlg === RSASSA_PSS && /Unknown error/.test(t)) sigs[f.name] = { answer: 'unsupported', detail: `MuPDF 1.21 (OpenSSL PKCS7) cannot verify RSASSA-PSS (${t})` };
      else sigs[f.name] = { answer: 'broken', detail: t };
    }
  }
  if (!Object.keys(sigs).length && r.code !== 0) return { ran: true, error: `exit ${r.code}: ${(r.stderr || r.stdout).trim().slice(0, 300)}`, sigs };
  return { ran: true, sigs };
}

// ---------------------------------------------------------------------------------------------
// iText and PDFBox (one JVM each for all files)

interface JavaSig {
  name: string;
  integrity: boolean;
  error?: string;
  subFilter?: string | null;
  coversRevision: boolean;
  byteRangeSane: boolean;
  gapIsContents: boolean;
  coversWholeDocument: boolean;
  signerInfos?: number;
}

interface JavaFile {
  file: string;
  ok: boolean;
  error?: string;
  signatures?: JavaSig[];
}

/** Documented limitations of iText 5.5's verifier, matched on its own messages. */
const ITEXT_LIMITS: Array<[RegExp, string]> = [
  [/no such algorithm: SHA\d+with1\.2\.840\.10045\./, 'iText 5 cannot verify ECDSA signatures'],
  [/multiple SignerInfos - only one is supported/, 'iText 5 reads one SignerInfo only'],
  [/no such algorithm: SHA\d+with1\.2\.840\.113549\.1\.1\.10 /, 'iText 5 cannot verify RSASSA-PSS signatures'],
];

function javaAnswer(group: 'itext' | 'pdfbox', s: JavaSig): SigAnswer {
  if (!s.integrity && s.error && group === 'itext') {
    for (const [re, why] of ITEXT_LIMITS) if (re.test(s.error)) return { answer: 'unsupported', detail: `${why} (${s.error})` };
  }
  const cover = s.coversRevision ? '' : ` coverage: sane=${s.byteRangeSane} gapIsContents=${s.gapIsContents} revisionEnd=false`;
  const ok = s.integrity && s.coversRevision;
  return { answer: ok ? 'intact' : 'broken', detail: `${s.integrity ? 'CMS valid' : `CMS invalid${s.error ? `: ${s.error}` : ''}`}${cover}${s.signerInfos && s.signerInfos > 1 ? ` signerInfos=${s.signerInfos}` : ''}` };
}

export async function verifyJava(group: 'itext' | 'pdfbox', files: string[], jobDir: string): Promise<Map<string, VerifierResult>> {
  const out = new Map<string, VerifierResult>();
  if (!files.length) return out;
  const main = group === 'itext' ? 'ItextVerify' : 'PdfboxVerify';
  const { lines } = await runJava<JavaFile>(group, main, { files }, jobDir);
  const byFile = new Map(lines.map((l) => [l.file, l]));
  for (const f of files) {
    const l = byFile.get(f);
    if (!l) { out.set(f, { ran: true, error: `${main}: no result`, sigs: {} }); continue; }
    if (!l.ok) { out.set(f, { ran: true, error: l.error, sigs: {} }); continue; }
    const sigs: Record<string, SigAnswer> = {};
    for (const s of l.signatures ?? []) sigs[s.name] = javaAnswer(group, s);
    out.set(f, { ran: true, sigs });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// All of them

export interface VerifyRequest {
  file: string;
  offline: boolean;
  anchors: string[];
}

/** Wall-clock time of each verifier in the last verifyAll (ms). */
export const verifierTimes: Record<string, number> = {};

export async function verifyAll(env: InteropEnv, tools: Tools, reqs: VerifyRequest[], jobDir: string): Promise<DocVerification[]> {
  const files = reqs.map((r) => r.file);
  const t0 = Date.now();
  const timed = <T>(k: string, p: Promise<T>) => p.finally(() => { verifierTimes[k] = Date.now() - t0; });
  // the JVMs run beside everything else
  const itextP = timed('itext', tools.itext ? verifyJava('itext', files, jobDir) : Promise.resolve(new Map<string, VerifierResult>()));
  const pdfboxP = timed('pdfbox', tools.pdfbox ? verifyJava('pdfbox', files, jobDir) : Promise.resolve(new Map<string, VerifierResult>()));
  // the CLI verifiers run as child processes while ours runs in this thread
  const [cli, ours] = await Promise.all([
    timed('pdfsig+mutool', pool(reqs, 2, async (q) => {
      const facts = signatureFacts(q.file);
      return {
        pdfsig: tools.pdfsig ? await verifyPdfsig(env, q.file, facts) : undefined,
        mutool: tools.mutool ? await verifyMutool(q.file, facts) : undefined,
      };
    })),
    // in this thread, a few at a time: the waits (revocation fetches, the visual check's renderer) overlap
    timed('ours', pool(reqs, 3, (q) => verifyOurs(env, q.file, q))),
  ]);
  const [itext, pdfbox] = await Promise.all([itextP.catch((e) => errorMap(files, e)), pdfboxP.catch((e) => errorMap(files, e))]);
  return reqs.map((q, i) => {
    const others: DocVerification['others'] = {};
    if (cli[i].pdfsig) others.pdfsig = cli[i].pdfsig;
    if (cli[i].mutool) others.mutool = cli[i].mutool;
    if (tools.itext) others.itext = itext.get(q.file) ?? { ran: false, error: 'no result', sigs: {} };
    if (tools.pdfbox) others.pdfbox = pdfbox.get(q.file) ?? { ran: false, error: 'no result', sigs: {} };
    const fields = ours[i].sigs.map((s) => s.field);
    for (const v of Object.values(others)) for (const k of Object.keys(v!.sigs)) if (!fields.includes(k)) fields.push(k);
    return { file: q.file, fields, ours: ours[i], others };
  });
}

function errorMap(files: string[], e: unknown): Map<string, VerifierResult> {
  return new Map(files.map((f) => [f, { ran: false, error: (e as Error).message.slice(0, 500), sigs: {} }]));
}
