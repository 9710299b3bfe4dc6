// `verifyFile(path, opts)`: the service behind `vanthu verify` and the verification IPC. Loads the
// configured trust anchors, opens the PDF as a random-access file, hashes ranges with node:crypto,
// validates chains with the PKI module (offline: embedded data + local cache; online: OCSP/CRL with
// timeouts) and returns the DocumentReport. By default the work runs in a worker thread that is
// terminated when the per-file time bound is exceeded, so no input can hang the caller.

import { closeSync, fstatSync, openSync } from 'node:fs';
import path from 'node:path';
import { toAppError } from '../../../src-shared/errors';
import type { DocumentReport } from '../../../src-shared/verify/report';
import { pkiChainValidator } from '../../../src-shared/verify/pki-chain';
import { verifyPdf } from '../../../src-shared/verify/verify-pdf';
import { finding } from '../../../src-shared/verify/messages';
import { createHttpGet, createHttpPost } from '../net/http';
import { defaultProfileDir } from '../paths';
import { FileSource } from '../pdf-io/file-source';
import { fdRangeHasher } from './hasher';
import { FileRevocationCache } from './revocation-cache';
import { loadTrustAnchors } from './trust';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { VERIFY_WORKER_TAG, runInWorkers } from './worker-pool';

export interface VerifyFileOptions {
  /** Trust anchor files or directories (PEM/DER). */
  trust?: string[];
  /** Trust anchors already loaded (DER). */
  anchors?: Uint8Array[];
  /** No network: embedded revocation data and the local cache only. */
  offline?: boolean;
  /** Revocation cache directory (default: <profile>/revocation-cache; null: none). */
  cacheDir?: string | null;
  /** Per-file time bound in ms (default 60 000). */
  timeoutMs?: number;
  /** Per OCSP/CRL request timeout in ms (default 10 000). */
  fetchTimeoutMs?: number;
  /** Validation time (ISO string or Date; default now). */
  now?: string | Date;
  /** Run in a worker thread with a hard time bound (default true). */
  isolate?: boolean;
  /** Permission assumed for documents that are not certified (default 2). */
  defaultPermission?: 1 | 2 | 3;
}

/** What crosses the worker boundary (structured-clone safe). */
export interface WorkerJob {
  file: string;
  anchors: Uint8Array[];
  offline: boolean;
  cacheDir: string | null;
  fetchTimeoutMs: number;
  now: string | null;
  deadline: number;
  defaultPermission: 1 | 2 | 3;
}

export function failedReport(file: string, code: string, vi: string, en: string): DocumentReport {
  return {
    file, verdict: 'TOTAL_FAILED', signatures: [], revisions: 0, validationTime: new Date().toISOString(),
    error: { code, message_vi: vi, message_en: en }, findings: [{ code, severity: 'error', message_vi: vi, message_en: en }],
    summary_vi: vi, summary_en: en,
  };
}

/** Verify in this thread (cooperative deadline only). */
export async function verifyJob(job: WorkerJob): Promise<DocumentReport> {
  let fd: number;
  try {
    fd = openSync(job.file, 'r');
    if (!fstatSync(fd).isFile()) {
      closeSync(fd);
      throw new Error('not a regular file');
    }
  } catch (e) {
    const f = finding('DOC_UNPARSEABLE', 'error', { detail: e instanceof Error ? e.message : String(e) });
    return failedReport(job.file, 'VERIFY_FILE_UNREADABLE', f.message_vi, f.message_en);
  }
  const src = new FileSource(fd);
  try {
    const cache = job.cacheDir ? new FileRevocationCache(job.cacheDir) : undefined;
    const validateChain = job.anchors.length === 0 ? null : pkiChainValidator({
      anchors: job.anchors,
      mode: job.offline ? 'offline' : 'online',
      cache,
      fetcher: job.offline ? undefined : { get: createHttpGet({ timeoutMs: job.fetchTimeoutMs }), post: createHttpPost({ timeoutMs: job.fetchTimeoutMs }), timeoutMs: job.fetchTimeoutMs },
    });
    return await verifyPdf(src, job.file, {
      validateChain,
      hasher: fdRangeHasher(fd),
      now: job.now ? new Date(job.now) : undefined,
      deadline: job.deadline,
      defaultPermission: job.defaultPermission,
    });
  } catch (e) {
    const a = toAppError(e);
    return failedReport(job.file, a.code, a.message_vi, a.message_en);
  } finally {
    src.close();
    try { closeSync(fd); } catch { /* already closed */ }
  }
}

/** Resolve options into one job per file (loads the trust anchors; throws VanthuError on bad --trust). */
export function jobsFor(files: string[], opts: VerifyFileOptions): WorkerJob[] {
  const anchors = [...(opts.anchors ?? []), ...loadTrustAnchors(opts.trust ?? [])];
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const cacheDir = opts.cacheDir === undefined ? path.join(defaultProfileDir(), 'revocation-cache') : opts.cacheDir;
  const now = opts.now === undefined ? null : typeof opts.now === 'string' ? opts.now : opts.now.toISOString();
  return files.map((file) => ({
    file: path.resolve(file), anchors, offline: !!opts.offline, cacheDir, fetchTimeoutMs: opts.fetchTimeoutMs ?? 10_000,
    now, deadline: Date.now() + timeoutMs, defaultPermission: opts.defaultPermission ?? 2,
  }));
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
