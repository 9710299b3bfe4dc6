// Verification jobs: options resolved into one structured-clone-safe job per file (trust anchors
// loaded, cache directory and time bound fixed), and the report of a file that could not be
// verified at all. Light on purpose: the command line builds its jobs before loading the verifier.

import path from 'node:path';
import type { DocumentReport } from '../../../src-shared/verify/report';
import { defaultProfileDir } from '../paths';
import { loadTrustAnchors } from './trust';
import { DEMO_MARK, isDemoCertificate } from '../../../src-shared/domain/demo';

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
  /**
   * Accept the demo CA as a trust anchor. Only the demo profile sets this: everywhere else (real
   * profiles, the command line) a demo certificate among the anchors is dropped, so a document
   * signed in the demo never verifies as trusted outside it.
   */
  allowDemo?: boolean;
  /** Render and compare the pages changed after a signature whose changes are allowed (default true; see visual/check.ts). */
  visualCheck?: boolean;
  /** The certificate viewer's details (names, usages, fingerprints) in each signature's report (default true). */
  certificateDetails?: boolean;
  /**
   * Which allowed changes are rendered: 'changes' (default) every allowed change that can alter
   * what a page shows (form filling, annotations, resources, appearances); updates that only add
   * signatures, timestamps, validation data or metadata are left to the structural rules, which
   * admit nothing else for them (see visual/plan.ts). 'all' renders those too.
   */
  visualScope?: 'changes' | 'all';
  /** PNG renderings in the report: of pages with a visible difference (default) or of every compared page. */
  visualRenderings?: 'differences' | 'all';
  /** Hard time bound of the visual check per rendered document, ms (default 10 000). */
  visualTimeoutMs?: number;
  /** Testing aid: the canvas package the visual check loads (a missing one simulates a platform without it). */
  visualCanvasModule?: string;
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
  /** Demo certificates left out of the anchors (outside the demo profile). */
  demoAnchorsIgnored?: number;
  /** The certificate viewer's details in the report (absent: true). */
  certificateDetails?: boolean;
  /** Visual check settings (absent: on, defaults). */
  visual?: { enabled: boolean; scope?: 'changes' | 'all'; renderings?: 'differences' | 'all'; timeoutMs?: number; canvasModule?: string };
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
  const given = [...(opts.anchors ?? []), ...loadTrustAnchors(opts.trust ?? [])];
  const anchors = given.filter((a) => opts.allowDemo || !isDemoCertificate(a));
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const cacheDir = opts.cacheDir === undefined ? path.join(defaultProfileDir(), 'revocation-cache') : opts.cacheDir;
  const now = opts.now === undefined ? null : typeof opts.now === 'string' ? opts.now : opts.now.toISOString();
  return files.map((file) => ({
    file: path.resolve(file), anchors, offline: !!opts.offline, cacheDir, fetchTimeoutMs: opts.fetchTimeoutMs ?? 10_000,
    now, deadline: Date.now() + timeoutMs, ...(opts.certificateDetails === false ? { certificateDetails: false } : {}), defaultPermission: opts.defaultPermission ?? 2, demoAnchorsIgnored: given.length - anchors.length,
    visual: { enabled: opts.visualCheck !== false, scope: opts.visualScope, renderings: opts.visualRenderings, timeoutMs: opts.visualTimeoutMs, canvasModule: opts.visualCanvasModule },
  }));
}

/**
 * What the report says about demo certificates: a demo signer is named as such wherever it is
 * verified, and a demo CA given as a trust anchor outside the demo profile is said to be ignored.
 */
export function markDemo(report: DocumentReport, demoAnchorsIgnored = 0): DocumentReport {
  for (const s of report.signatures) {
    if (s.signer && (s.signer.subject.includes(DEMO_MARK) || s.signer.issuer.includes(DEMO_MARK))) {
      s.findings.push({ code: 'DEMO_CERTIFICATE', severity: 'warning', message_vi: `Chứng thư số dùng thử (${DEMO_MARK}).`, message_en: 'A demo certificate (no legal value).' });
    }
  }
  if (demoAnchorsIgnored > 0) {
    report.findings.push({
      code: 'DEMO_ANCHOR_IGNORED', severity: 'info',
      message_vi: 'Chứng thư gốc dùng thử chỉ được tin cậy trong hồ sơ dùng thử; ở đây nó bị bỏ qua.',
      message_en: 'The demo root is trusted only inside the demo profile; it was ignored here.',
    });
  }
  return report;
}
