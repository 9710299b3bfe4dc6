// The visual check (in the spirit of EU DSS): when the changes after a signature were judged
// allowed (or none were found although the file was updated after it), render the pages they may
// have affected, as signed and as they are now, in a worker thread with a hard time bound, and
// compare them pixel by pixel outside the rectangles of the annotations the changes added or
// modified (new signature widgets, filled fields, …). A visible difference elsewhere makes the
// signature's changes disallowed (rule 'visual-difference').
// The verifier does not depend on it: a missing canvas package, a renderer failure or an overrun
// is reported as a finding and leaves the rest of the report as the structural analysis made it.

import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ByteSource } from '../../../../src-shared/pdf/bytesource';
import { PdfReader } from '../../../../src-shared/pdf/reader';
import { finding, text } from '../../../../src-shared/verify/messages';
import { documentVerdict, type DocumentReport, type SignatureReport, type VisualPage, type VisualReport } from '../../../../src-shared/verify/report';
import { visualFinding, visualText } from './messages';
import { planVisualCheck, visualEligible, type SignaturePlan } from './plan';
import { VISUAL_WORKER_SOURCE } from './worker-source';

export interface VisualOptions {
  /** Which allowed changes are rendered (see visualEligible in plan.ts); default 'changes'. */
  scope?: 'changes' | 'all';
  /** Renderings carried in the report: of pages with a difference (default) or of every compared page. */
  renderings?: 'differences' | 'all';
  /** Hard time bound per rendered document (the signed revision, the final document), ms; default 10 000. */
  timeoutMs?: number;
  /** The verification's own deadline (epoch ms): the check never runs past it. */
  deadline?: number;
  /** Resolution of the renderings (default 96 dpi). */
  dpi?: number;
  /** Pages compared per signature at most (default 20). */
  maxPages?: number;
  /** The canvas package to load instead of the one pdf.js uses (a testing aid: a missing one simulates a platform without it). */
  canvasModule?: string;
}

/** Where the bytes are: an open descriptor (the worker reads it: same bytes as verified, no copy through the parent). */
export interface VisualInput {
  fd: number;
  src: ByteSource;
  /** The document already parsed over `src`, if the caller has it. */
  reader?: PdfReader | null;
}

export const VISUAL_DEFAULTS = {
  dpi: 96,
  timeoutMs: 10_000,
  maxPages: 20,
  /** A pixel differs when a channel differs by more than this (of 255): absorbs antialiasing. */
  tolerance: 32,
  /** Fewer differing pixels than this on a page count as none. */
  minPixels: 4,
  /** Masks are widened by this many pixels on every side (antialiased edges of the widget's clip). */
  maskPad: 2,
  /** A page is rendered with at most this many pixels (a lower resolution for huge pages). */
  maxPagePixels: 8_000_000,
  maxImagePixels: 64_000_000,
  /** Renderings of the final document kept for the next signature (pixels). */
  maxCachedPixels: 16_000_000,
  /** Time allowed for the worker to load pdf.js and the canvas package. */
  startMs: 30_000,
  /** Files larger than this are not rendered. */
  maxFileBytes: 200 * 1024 * 1024,
} as const;

interface WorkerCheck {
  sig: number;
  pages: VisualPage[];
  error?: string;
}
type Outcome =
  | { kind: 'result'; checks: WorkerCheck[] }
  | { kind: 'unavailable'; reason: string }
  | { kind: 'timeout'; ms: number }
  | { kind: 'failed'; detail: string };

/** Whether `report` has a signature the visual check applies to. */
export function needsVisualCheck(report: DocumentReport, scope?: 'changes' | 'all'): boolean {
  return report.signatures.some((s) => visualEligible(s, report.revisions, scope));
}

interface Packages {
  pdfjs: string;
  pdfjsWorker: string;
  assets: string;
  canvas: string;
}

function resolvePackages(canvasModule?: string): Packages | string {
  try {
    const req = createRequire(import.meta.url);
    const pdfjs = req.resolve('pdfjs-dist/legacy/build/pdf.mjs');
    const pdfjsWorker = path.join(path.dirname(pdfjs), 'pdf.worker.mjs');
    const assets = path.resolve(path.dirname(pdfjs), '..', '..') + path.sep;
    let canvas = canvasModule;
    if (!canvas) {
      // the copy pdf.js itself will load (it resolves '@napi-rs/canvas' from its own location)
      try {
        canvas = createRequire(pdfjs).resolve('@napi-rs/canvas');
      } catch {
        return '@napi-rs/canvas is not installed';
      }
    }
    return { pdfjs, pdfjsWorker, assets, canvas };
  } catch {
    return 'pdfjs-dist is not installed';
  }
}

/**
 * A renderer thread. One is kept for the next check of this thread (pdf.js loaded once for a batch
 * of files); it is unref'd while idle, so it never keeps a process alive, and stopped after
 * RENDERER_IDLE_MS without work, after any failure or overrun, or by closeVisualRenderer().
 */
interface Renderer {
  worker: Worker;
  key: string;
  /** Settles with null once pdf.js and the canvas are loaded, or with why the thread is of no use. */
  ready: Promise<Outcome | null>;
  busy: boolean;
  dead: boolean;
  idle?: NodeJS.Timeout;
  nextId: number;
}

const RENDERER_IDLE_MS = 5_000;
let kept: Renderer | null = null;

function startRenderer(pk: Packages): Renderer | Outcome {
  let worker: Worker;
  try {
    worker = new Worker(VISUAL_WORKER_SOURCE, {
      eval: true,
      workerData: pk,
      // a lean thread: no loader hooks of the parent, no environment, its output discarded
      execArgv: [],
      env: {},
      stdout: true,
      stderr: true,
      resourceLimits: { maxOldGenerationSizeMb: 1536 },
    });
  } catch (e) {
    return { kind: 'failed', detail: `no worker thread: ${e instanceof Error ? e.message : String(e)}` };
  }
  worker.stdout.resume();
  worker.stderr.resume();
  const r: Renderer = { worker, key: JSON.stringify(pk), ready: Promise.resolve(null), busy: false, dead: false, nextId: 1 };
  r.ready = new Promise<Outcome | null>((resolve) => {
    const onMessage = (m: { type: string; reason?: string }) => {
      if (m.type === 'ready') resolve(null);
      else if (m.type === 'unavailable') resolve({ kind: 'unavailable', reason: m.reason ?? 'unknown' });
    };
    worker.once('message', onMessage);
    worker.once('error', (e) => resolve({ kind: 'failed', detail: e.message }));
    worker.once('exit', (code) => resolve({ kind: 'failed', detail: `the renderer exited (${code})` }));
  });
  worker.on('error', () => undefined);
  worker.once('exit', () => {
    r.dead = true;
    if (kept === r) kept = null;
  });
  return r;
}

function stopRenderer(r: Renderer): Promise<unknown> {
  r.dead = true;
  if (kept === r) kept = null;
  clearTimeout(r.idle);
  return r.worker.terminate().catch(() => undefined);
}

/** Stop the kept renderer thread, if any (hosts shutting down; benchmarks measuring a cold start). */
export async function closeVisualRenderer(): Promise<void> {
  if (kept) await stopRenderer(kept);
}

function within<T>(p: Promise<T>, ms: number, onTimeout: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<T>((resolve) => (timer = setTimeout(() => resolve(onTimeout), ms)))]).finally(() => clearTimeout(timer));
}

/** One job on a renderer: the kept one when free, else a new one; each step under its bound. */
async function runWorker(pk: Packages, job: Record<string, unknown>, renderBoundMs: number, startBoundMs: number): Promise<Outcome> {
  const key = JSON.stringify(pk);
  let r: Renderer;
  if (kept && !kept.dead && !kept.busy && kept.key === key) r = kept;
  else {
    const started = startRenderer(pk);
    if (!('worker' in started)) return started;
    r = started;
    if (!kept || kept.dead) kept = r; // a busy or differently configured kept one stays as it is
  }
  r.busy = true;
  clearTimeout(r.idle);
  r.worker.ref();
  let out: Outcome | undefined;
  try {
    out = (await within(r.ready, startBoundMs, { kind: 'timeout', ms: startBoundMs } as Outcome)) ?? undefined;
    if (out) return out;
    const id = r.nextId++;
    out = await within(new Promise<Outcome>((resolve) => {
      const onMessage = (m: { type: string; id?: number; checks?: WorkerCheck[]; message?: string }) => {
        if (m.id !== id) return;
        cleanup();
        resolve(m.type === 'result' ? { kind: 'result', checks: m.checks ?? [] } : { kind: 'failed', detail: m.message ?? 'unknown error' });
      };
      const onError = (e: Error) => { cleanup(); resolve({ kind: 'failed', detail: e.message }); };
      const onExit = (code: number) => { cleanup(); resolve({ kind: 'failed', detail: `the renderer exited (${code})` }); };
      const cleanup = () => {
        r.worker.off('message', onMessage);
        r.worker.off('error', onError);
        r.worker.off('exit', onExit);
      };
      r.worker.on('message', onMessage);
      r.worker.on('error', onError);
      r.worker.on('exit', onExit);
      r.worker.postMessage({ ...job, id });
    }), renderBoundMs, { kind: 'timeout', ms: renderBoundMs });
    return out;
  } finally {
    r.busy = false;
    if (out?.kind === 'result' && kept === r && !r.dead) {
      // idle: kept for the next check, but never keeping the process alive
      r.worker.unref();
      r.idle = setTimeout(() => void stopRenderer(r), RENDERER_IDLE_MS);
      r.idle.unref();
    } else {
      // after an overrun the thread may be inside native drawing code: it is stopped, not waited for
      const stopped = stopRenderer(r);
      if (out?.kind !== 'timeout') await stopped;
    }
  }
}

const MOD_FINDINGS_REPLACED = new Set(['MOD_ALLOWED', 'MOD_NONE', 'NOT_WHOLE_DOCUMENT']);

function markDifference(s: SignatureReport, pages: VisualPage[], objects: Map<number, number | null>, lastRevision: number): void {
  const differing = pages.filter((p) => p.diffPixels > 0);
  for (const p of differing) {
    const box = p.boxPdf ? `[${p.boxPdf.join(' ')}]` : '?';
    const t = visualText('VISUAL_DIFFERENCE_PAGE', { page: p.page, px: p.diffPixels, box });
    const obj = objects.get(p.page - 1);
    s.changesAfter.push({ revision: lastRevision, rule: 'visual-difference', verdict: 'disallowed', objects: obj ? [`${obj} 0 obj`] : [], message_vi: t.vi, message_en: t.en });
  }
  s.modificationsAfter = 'disallowed';
  s.findings = s.findings.filter((f) => !MOD_FINDINGS_REPLACED.has(f.code));
  s.findings.push(finding('MOD_DISALLOWED', 'error'));
  s.findings.push(visualFinding('VISUAL_DIFFERENCE', 'error', { pages: differing.map((p) => p.page).join(', '), px: differing.reduce((a, p) => a + p.diffPixels, 0) }));
  if (s.indication !== 'TOTAL_FAILED') {
    s.indication = 'TOTAL_FAILED';
    s.subIndication = 'SIG_CONSTRAINTS_FAILURE';
  }
  const sum = text(`SUM_${s.indication}`);
  s.summary_vi = sum.vi;
  s.summary_en = sum.en;
}

/**
 * Run the visual check for every signature of `report` whose changes after signing were judged
 * allowed or none (see visualEligible), and record its outcome in the report (signature `visual`,
 * findings, and for a difference the change entries, indication and document verdict). Never throws.
 */
export async function visualCheck(report: DocumentReport, input: VisualInput, opts: VisualOptions = {}): Promise<void> {
  try {
    await check(report, input, opts);
  } catch (e) {
    // whatever went wrong here, the report the structural analysis made stands
    for (const s of report.signatures) {
      if (!visualEligible(s, report.revisions, opts.scope) || s.visual) continue;
      s.visual = { status: 'failed', dpi: opts.dpi ?? VISUAL_DEFAULTS.dpi, pagesAffected: 0, pagesCompared: 0, pages: [], ms: 0 };
      s.findings.push(visualFinding('VISUAL_CHECK_FAILED', 'warning', { detail: e instanceof Error ? e.message : String(e) }));
    }
  }
}

async function check(report: DocumentReport, input: VisualInput, opts: VisualOptions): Promise<void> {
  if (!needsVisualCheck(report, opts.scope)) return;
  const t0 = Date.now();
  const dpi = opts.dpi ?? VISUAL_DEFAULTS.dpi;
  const base = (status: VisualReport['status'], plan?: SignaturePlan): VisualReport => ({
    status, dpi, pagesAffected: plan?.pagesAffected ?? 0, pagesCompared: 0, pages: [], ms: Date.now() - t0,
  });
  const targets = report.signatures.map((s, i) => ({ s, i })).filter((x) => visualEligible(x.s, report.revisions, opts.scope));
  const failAll = (status: 'unavailable' | 'failed' | 'timeout', f: ReturnType<typeof visualFinding>, only?: number[]) => {
    for (const { s, i } of targets) {
      if (only && !only.includes(i)) continue;
      s.visual = base(status, plans.find((p) => p.sig === i));
      s.findings.push(f);
    }
  };
  let plans: SignaturePlan[] = [];
  if (input.src.length > VISUAL_DEFAULTS.maxFileBytes) {
    failAll('failed', visualFinding('VISUAL_CHECK_FAILED', 'warning', { detail: `file over ${VISUAL_DEFAULTS.maxFileBytes / 1048576} MB` }));
    return;
  }
  try {
    const reader = input.reader ?? PdfReader.open(input.src, { allowEncrypted: true });
    plans = planVisualCheck(input.src, reader, report.signatures, { maxPages: opts.maxPages ?? VISUAL_DEFAULTS.maxPages, scope: opts.scope });
  } catch (e) {
    failAll('failed', visualFinding('VISUAL_CHECK_FAILED', 'warning', { detail: e instanceof Error ? e.message : String(e) }));
    return;
  }
  // plans that need no rendering
  for (const p of plans) {
    const s = report.signatures[p.sig];
    if (p.error) {
      s.visual = base('failed', p);
      s.findings.push(visualFinding('VISUAL_CHECK_FAILED', 'warning', { detail: p.error }));
    } else if (p.pages.length === 0) {
      s.visual = base('passed', p);
      s.findings.push(visualFinding('VISUAL_CHECK_NO_PAGE', 'info', {}, 'VISUAL_CHECK_PASSED'));
    }
  }
  const work = plans.filter((p) => !p.error && p.pages.length > 0);
  if (work.length === 0) return;
  const workSigs = work.map((p) => p.sig);

  const pk = resolvePackages(opts.canvasModule);
  if (typeof pk === 'string') {
    failAll('unavailable', visualFinding('VISUAL_CHECK_UNAVAILABLE', 'info', { reason: pk }), workSigs);
    return;
  }
  const perDoc = opts.timeoutMs ?? VISUAL_DEFAULTS.timeoutMs;
  let renderBound = perDoc * (new Set(work.map((p) => p.signedLength)).size + 1);
  let startBound: number = VISUAL_DEFAULTS.startMs;
  if (opts.deadline !== undefined) {
    // stay inside the verification's own bound (its hard kill would lose the whole report)
    const left = opts.deadline - Date.now() - 250;
    renderBound = Math.min(renderBound, left);
    startBound = Math.min(startBound, left);
    if (left <= 0) {
      failAll('timeout', visualFinding('VISUAL_CHECK_TIMEOUT', 'warning', { ms: 0 }), workSigs);
      return;
    }
  }
  const job = {
    fd: input.fd,
    length: input.src.length,
    scale: dpi / 72,
    tolerance: VISUAL_DEFAULTS.tolerance,
    minPixels: VISUAL_DEFAULTS.minPixels,
    maskPad: VISUAL_DEFAULTS.maskPad,
    maxPagePixels: VISUAL_DEFAULTS.maxPagePixels,
    maxImagePixels: VISUAL_DEFAULTS.maxImagePixels,
    maxCachedPixels: VISUAL_DEFAULTS.maxCachedPixels,
    renderings: opts.renderings ?? 'differences',
    checks: work.map((p) => ({ sig: p.sig, signedLength: p.signedLength, pages: p.pages.map((g) => ({ index: g.index, masksCurrent: g.masksCurrent, masksSigned: g.masksSigned })) })),
  };
  const out = await runWorker(pk, job, renderBound, startBound);
  if (out.kind === 'unavailable') return failAll('unavailable', visualFinding('VISUAL_CHECK_UNAVAILABLE', 'info', { reason: out.reason }), workSigs);
  if (out.kind === 'timeout') return failAll('timeout', visualFinding('VISUAL_CHECK_TIMEOUT', 'warning', { ms: out.ms }), workSigs);
  if (out.kind === 'failed') return failAll('failed', visualFinding('VISUAL_CHECK_FAILED', 'warning', { detail: out.detail }), workSigs);

  let changed = false;
  for (const p of work) {
    const s = report.signatures[p.sig];
    const c = out.checks.find((x) => x.sig === p.sig);
    const v = base('passed', p);
    v.ms = Date.now() - t0;
    if (!c || c.error) {
      s.visual = { ...v, status: 'failed' };
      s.findings.push(visualFinding('VISUAL_CHECK_FAILED', 'warning', { detail: c?.error ?? 'no answer' }));
      continue;
    }
    v.pagesCompared = c.pages.length;
    v.pages = c.pages;
    if (c.pages.some((g) => g.diffPixels > 0)) {
      v.status = 'difference';
      s.visual = v;
      markDifference(s, c.pages, new Map(p.pages.map((g) => [g.index, g.object])), report.revisions);
      changed = true;
    } else {
      s.visual = v;
      const partial = p.pagesAffected > c.pages.length
        ? { vi: ` (trong số ${p.pagesAffected} trang bị ảnh hưởng)`, en: ` (of ${p.pagesAffected} affected)` }
        : { vi: '', en: '' };
      s.findings.push(visualFinding('VISUAL_CHECK_PASSED', 'info', { n: c.pages.length, partial }));
    }
  }
  if (changed) {
    report.verdict = documentVerdict(report.signatures, report.error);
    const t = text(`DOC_${report.verdict}`, { n: report.signatures.length });
    report.summary_vi = t.vi;
    report.summary_en = t.en;
  }
}
