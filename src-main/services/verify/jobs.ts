// Verification jobs: options resolved into one structured-clone-safe job per file (trust anchors
// loaded, cache directory and time bound fixed), and the report of a file that could not be
// verified at all. Light on purpose: the command line builds its jobs before loading the verifier.

import path from 'node:path';
import type { DocumentReport } from '../../../src-shared/verify/report';
import { defaultProfileDir } from '../paths';
import { loadTrustAnchors } from './trust';

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
