// `vanthu verify [--json] [--trust FILE|DIR]… [--offline] [--timeout MS] [--now ISO] FILE…`:
// verify every signature of each PDF and print a report per file (Vietnamese first, English after),
// or with --json one JSON object per file (an array when several). Exit 0 only when every file is
// TOTAL_PASSED; 1 otherwise; 2 on bad usage.
//
// Start-up matters (a verification is often one file): this module loads only what opens the PDF,
// then the CMS/PKI code. A hard time bound watches every file: a /bin/sh timer process on POSIX
// (shell-watchdog.ts), the helper thread elsewhere (watchdog.ts, which also hashes beside the
// main thread).

import path from 'node:path';
import { isMainThread } from 'node:worker_threads';
import type { DocumentReport, SignatureReport } from '../../src-shared/verify/report';
import { INDICATION_TEXT, SUB_INDICATION_TEXT } from '../../src-shared/verify/messages';
import { toAppError } from '../../src-shared/errors';
import { finding } from '../../src-shared/verify/messages';
import { failedReport, jobsFor, type VerifyFileOptions, type WorkerJob } from '../services/verify/jobs';
import { closePdf, openPdf, plannedDigests, readPdf } from '../services/verify/open-pdf';
import { Watchdog } from '../services/verify/watchdog';
import { ShellWatchdog, type VerifyWatchdog } from '../services/verify/shell-watchdog';
import { existsSync } from 'node:fs';

/** The verifier proper (CMS, PKI, change analysis): loaded once the first file is open. */
const loadVerifier = () => import('../services/verify/verify-file');

const USAGE = `Usage: vanthu verify [--json] [--trust FILE|DIR]... [--offline] [--timeout MS] [--cache DIR|--no-cache] [--now ISO] [--worker] [--no-visual|--visual-all] FILE...
  --trust     trust anchor certificate (PEM/DER) or directory of them; repeatable
  --offline   no network: revocation from the PDF (DSS, CMS) and the local cache only
  --timeout   time bound per file in ms (default 60000); an overrun is TOTAL_FAILED
  --cache     revocation cache directory (default: <profile>/revocation-cache)
  --worker    verify in an isolated worker thread instead of under a watchdog
  --no-visual skip the visual check (rendering the pages changed after a signature)
  --visual-all  render also updates that only add signatures, timestamps or validation data
Exit: 0 when every file is TOTAL_PASSED, 1 otherwise, 2 on bad usage.
`;

interface Args {
  json: boolean;
  files: string[];
  opts: VerifyFileOptions;
  help: boolean;
  /** Run in the isolated worker instead of this thread under the watchdog. */
  worker: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { json: false, files: [], opts: { trust: [] }, help: false, worker: false };
  const value = (i: number, name: string) => {
    const v = argv[i + 1];
    if (v === undefined) throw new Error(`${name} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i];
    if (x === '--json') a.json = true;
    else if (x === '--offline') a.opts.offline = true;
    else if (x === '--help' || x === '-h') a.help = true;
    else if (x === '--trust') a.opts.trust!.push(value(i++, x));
    else if (x.startsWith('--trust=')) a.opts.trust!.push(x.slice(8));
    else if (x === '--timeout') a.opts.timeoutMs = Number(value(i++, x));
    else if (x === '--cache') a.opts.cacheDir = value(i++, x);
    else if (x === '--no-cache') a.opts.cacheDir = null;
    else if (x === '--now') a.opts.now = value(i++, x);
    else if (x === '--worker') a.worker = true;
    else if (x === '--no-visual') a.opts.visualCheck = false;
    else if (x === '--visual-all') a.opts.visualScope = 'all';
    else if (x.startsWith('--')) throw new Error(`unknown option ${x}`);
    else a.files.push(x);
  }
  if (a.opts.timeoutMs !== undefined && !(a.opts.timeoutMs > 0)) throw new Error('--timeout must be a positive number of milliseconds');
  // neither output shows the certificate viewer's details (the desk's): not computed
  a.opts.certificateDetails = false;
  return a;
}

/** The JSON shape promised by the issue (plus the full detail). */
export function toJson(r: DocumentReport): Record<string, unknown> {
  return {
    file: r.file,
    verdict: r.verdict,
    ...(r.error ? { error: r.error } : {}),
    summary_vi: r.summary_vi,
    summary_en: r.summary_en,
    revisions: r.revisions,
    validationTime: r.validationTime,
    signatures: r.signatures.map((s: SignatureReport) => ({
      field: s.field,
      kind: s.kind,
      indication: s.indication,
      subIndication: s.subIndication,
      integrity: s.integrity,
      coversWholeRevision: s.coversWholeRevision,
      coversWholeDocument: s.coversWholeDocument,
      modificationsAfter: s.modificationsAfter,
      signer: s.signer,
      signingTime: s.signingTime,
      level: s.level,
      revision: s.revision,
      byteRange: s.byteRange,
      subFilter: s.subFilter,
      digestAlgorithm: s.digestAlgorithm,
      signatureAlgorithm: s.signatureAlgorithm,
      docMdpPermission: s.docMdpPermission,
      certificateChain: s.certificateChain,
      revocation: s.revocation,
      timestamps: s.timestamps,
      changesAfter: s.changesAfter,
      findings: s.findings,
      summary_vi: s.summary_vi,
      summary_en: s.summary_en,
      ...(s.visual ? { visual: s.visual } : {}),
    })),
    findings: r.findings,
  };
}

function human(r: DocumentReport): string {
  const lines: string[] = [];
  const ind = INDICATION_TEXT[r.verdict];
  lines.push(`${r.file}: ${ind.vi} / ${ind.en}`);
  lines.push(`  ${r.summary_vi}`);
  lines.push(`  ${r.summary_en}`);
  if (r.error) lines.push(`  ${r.error.message_vi} / ${r.error.message_en}`);
  for (const f of r.findings) if (f.code === 'DEMO_ANCHOR_IGNORED') lines.push(`  ! ${f.message_vi} / ${f.message_en}`);
  for (const s of r.signatures) {
    const si = INDICATION_TEXT[s.indication];
    const sub = s.subIndication ? SUB_INDICATION_TEXT[s.subIndication] : null;
    lines.push(`  - ${s.field} [${s.kind === 'document-timestamp' ? 'dấu thời gian tài liệu / document timestamp' : 'chữ ký / signature'}]: ${si.vi} / ${si.en}${sub ? ` (${s.subIndication}: ${sub.vi} / ${sub.en})` : ''}`);
    if (s.signer) lines.push(`      Người ký / Signer: ${s.signer.subject}`);
    lines.push(`      Thời điểm ký khai báo / Claimed time: ${s.signingTime.claimed ?? '—'}; được chứng minh / proven: ${s.signingTime.proven ?? '—'}${s.signingTime.provenBy ? ` (${s.signingTime.provenBy})` : ''}`);
    lines.push(`      Toàn vẹn / Integrity: ${s.integrity}; phủ phiên bản / covers revision ${s.revision}${s.coversWholeDocument ? ' (toàn bộ tài liệu / whole document)' : ''}; mức / level ${s.level}; thay đổi sau khi ký / changes after: ${s.modificationsAfter}`);
    for (const c of s.changesAfter) lines.push(`        · [${c.verdict}] ${c.message_vi} / ${c.message_en}`);
    for (const f of s.findings) if (f.severity !== 'info') lines.push(`      ! ${f.message_vi} / ${f.message_en}`);
  }
  return lines.join('\n') + '\n';
}

function notVerified(file: string): DocumentReport {
  return failedReport(file, 'VERIFY_NOT_RUN', 'Không kiểm tra: tệp trước đó vượt quá thời gian cho phép.', 'Not verified: an earlier file exceeded its time bound.');
}

function timedOut(file: string, ms: number): DocumentReport {
  const f = finding('DOC_TIMEOUT', 'error', { ms });
  return failedReport(file, 'VERIFY_TIMEOUT', f.message_vi, f.message_en);
}

export async function run(argv: string[]): Promise<number> {
  if (argv[0] === '--serve-worker' && !isMainThread) {
    // loaded as the verification worker of a bundled CLI: verify-file.ts serves jobs once loaded
    await loadVerifier();
    return new Promise<number>(() => undefined);
  }
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (args.files.length === 0) {
    process.stderr.write(USAGE);
    return 2;
  }
  const many = args.files.length > 1;
  const render = (r: DocumentReport, i: number): string => {
    if (!args.json) return human(r);
    const body = JSON.stringify(toJson(r), null, 2);
    return many ? `${i > 0 ? ',\n' : '[\n'}${body}` : `${body}\n`;
  };
  const close = () => (args.json && many ? '\n]\n' : '');

  if (args.worker) {
    // every file in the isolated worker (what long-lived hosts use)
    const { verifyFiles } = await loadVerifier();
    const reports = await verifyFiles(args.files, args.opts);
    process.stdout.write(reports.map(render).join('') + close());
    return reports.every((r) => r.verdict === 'TOTAL_PASSED') ? 0 : 1;
  }

  // in this thread, under the watchdog: no second copy of the program to load, still a hard bound
  const timeoutMs = args.opts.timeoutMs ?? 60_000;
  const files = args.files.map((f) => path.resolve(f));
  const onTimeout = files.map((f, i) =>
    render(timedOut(f, timeoutMs), i) + files.slice(i + 1).map((k, d) => render(notVerified(k), i + 1 + d)).join('') + close());
  const dog: VerifyWatchdog = process.platform !== 'win32' && existsSync('/bin/sh') ? new ShellWatchdog(timeoutMs, onTimeout) : new Watchdog(timeoutMs, onTimeout);
  let jobs: WorkerJob[];
  try {
    jobs = jobsFor(args.files, args.opts);
  } catch (e) {
    dog.stop();
    const a = toAppError(e);
    process.stdout.write(args.files.map((f, i) => render(failedReport(f, a.code, a.message_vi, a.message_en), i)).join('') + close());
    return 1;
  }
  let verifier: ReturnType<typeof loadVerifier> | null = null;
  let ok = true;
  try {
    for (let i = 0; i < jobs.length; i++) {
      dog.enter(i);
      const deadline = Date.now() + timeoutMs;
      const pdf = openPdf(jobs[i].file);
      let r: DocumentReport;
      if ('failed' in pdf) r = pdf.failed;
      else {
        try {
          // with the helper thread, the signed ranges start hashing on it before the verifier is loaded
          if (readPdf(pdf)) for (const d of plannedDigests(pdf)) dog.prefetch(pdf.fd, d.alg, d.ranges);
          verifier ??= loadVerifier();
          const { verifyJob } = await verifier;
          r = await verifyJob({ ...jobs[i], deadline }, { pdf, hasherFor: (fd) => dog.hasher(fd) });
        } finally {
          await dog.release(pdf.fd);
          closePdf(pdf);
        }
      }
      ok &&= r.verdict === 'TOTAL_PASSED';
      process.stdout.write(render(r, i));
    }
  } finally {
    dog.stop();
  }
  process.stdout.write(close());
  return ok ? 0 : 1;
}
