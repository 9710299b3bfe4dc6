// `verifyFile(path, opts)`: the service behind `vanthu verify` and the verification IPC. Loads the
// configured trust anchors, opens the PDF as a random-access file, hashes ranges with node:crypto,
// validates chains with the PKI module (offline: embedded data + local cache; online: OCSP/CRL with
// timeouts) and returns the DocumentReport. By default the work runs in a worker thread that is
// terminated when the per-file time bound is exceeded, so no input can hang the caller.

import { toAppError } from '../../../src-shared/errors';
import type { RangeHasher } from '../../../src-shared/verify/algorithms';
import type { DocumentReport } from '../../../src-shared/verify/report';
import { pkiChainValidator } from '../../../src-shared/verify/pki-chain';
import { verifyPdf } from '../../../src-shared/verify/verify-pdf';
import { finding } from '../../../src-shared/verify/messages';
import { fdRangeHasher } from './hasher';
import { nodeCryptoProvider } from './crypto-provider';
import { failedReport, jobsFor, markDemo, type VerifyFileOptions, type WorkerJob } from './jobs';
import { closePdf, openPdf, type OpenedPdf } from './open-pdf';
import { FileRevocationCache } from './revocation-cache';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { VERIFY_WORKER_TAG, runInWorkers } from './worker-pool';
import { visualEligible } from './visual/plan';

export { failedReport, jobsFor, type VerifyFileOptions, type WorkerJob } from './jobs';

/** How verifyJob reaches the file when the caller has already opened it (the command line). */
export interface JobIo {
  /** The file, opened (and possibly parsed) by the caller, who also closes it. */
  pdf?: OpenedPdf;
  /** Digests of file ranges for this descriptor (default: node:crypto in this thread). */
  hasherFor?: (fd: number) => RangeHasher;
}

/** Verify in this thread (cooperative deadline only). */
export async function verifyJob(job: WorkerJob, io: JobIo = {}): Promise<DocumentReport> {
  const opened = io.pdf ?? openPdf(job.file);
  if ('failed' in opened) return opened.failed;
  const { fd, src } = opened;
  try {
    const cache = job.cacheDir ? new FileRevocationCache(job.cacheDir) : undefined;
    // the HTTP client (node:http, node:https, node:tls) is loaded only when it may be used
    const http = job.offline ? null : await import('../net/http');
    const validateChain = job.anchors.length === 0 ? null : pkiChainValidator({
      anchors: job.anchors,
      mode: job.offline ? 'offline' : 'online',
      cache,
      fetcher: http ? { get: http.createHttpGet({ timeoutMs: job.fetchTimeoutMs }), post: http.createHttpPost({ timeoutMs: job.fetchTimeoutMs }), timeoutMs: job.fetchTimeoutMs } : undefined,
    });
    const report = await verifyPdf(src, job.file, {
      reader: opened.reader ?? undefined,
      validateChain,
      hasher: (io.hasherFor ?? fdRangeHasher)(fd),
      crypto: nodeCryptoProvider,
      now: job.now ? new Date(job.now) : undefined,
      deadline: job.deadline,
      defaultPermission: job.defaultPermission,
      certificateDetails: job.certificateDetails,
    });
    // allowed changes that can alter what a page shows are also rendered and compared
    // (visual/check.ts, loaded only when some signature has them; see visualEligible)
    if (job.visual?.enabled !== false && report.signatures.some((s) => visualEligible(s, report.revisions, job.visual?.scope))) {
      const { visualCheck } = await import('./visual/check');
      await visualCheck(report, { fd, src, reader: opened.reader }, { ...job.visual, deadline: job.deadline });
    }
    return markDemo(report, job.demoAnchorsIgnored);
  } catch (e) {
    const a = toAppError(e);
    return failedReport(job.file, a.code, a.message_vi, a.message_en);
  } finally {
    if (!io.pdf) closePdf(opened);
  }
}

/** Verify several files (one worker reused; a file over its time bound gets TOTAL_FAILED). */
export async function verifyFiles(files: string[], opts: VerifyFileOptions = {}): Promise<DocumentReport[]> {
  let jobs: WorkerJob[];
  try {
    jobs = jobsFor(files, opts);
  } catch (e) {
    const a = toAppError(e);
    return files.map((f) => failedReport(f, a.code, a.message_vi, a.message_en));
  }
  const timeoutMs = opts.timeoutMs ?? 60_000;
  if (opts.isolate === false) {
    const out: DocumentReport[] = [];
    for (const j of jobs) out.push(await verifyJob({ ...j, deadline: Date.now() + timeoutMs }));
    return out;
  }
  return runInWorkers(jobs, timeoutMs, (job) => {
    const f = finding('DOC_TIMEOUT', 'error', { ms: timeoutMs });
    return failedReport(job.file, 'VERIFY_TIMEOUT', f.message_vi, f.message_en);
  }, verifyJob);
}

/** Verify one PDF file. */
export async function verifyFile(file: string, opts: VerifyFileOptions = {}): Promise<DocumentReport> {
  return (await verifyFiles([file], opts))[0];
}

/** Inside a verification worker: answer each WorkerJob with its DocumentReport. */
function serveWorker(): void {
  const port = parentPort!;
  port.on('message', (job: WorkerJob) => {
    verifyJob(job).then(
      (r) => port.postMessage(r),
      (e) => port.postMessage(failedReport(job.file, 'VERIFY_INTERNAL', 'Lỗi nội bộ khi kiểm tra.', `Internal verification error: ${e instanceof Error ? e.message : String(e)}`)),
    );
  });
  port.postMessage({ ready: true });
}

if (!isMainThread && (workerData as { tag?: string } | null)?.tag === VERIFY_WORKER_TAG) serveWorker();
