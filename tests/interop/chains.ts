// Signing chains: a base document, then signatures by one tool after another, benign edits, and
// our B-LT/B-LTA extension. The runner advances every chain one step per stage and runs each
// stage's steps grouped by tool, so a stage costs one JVM per Java tool however many documents
// it signs. Every step must be an incremental update of its input (the earlier bytes unchanged).
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { BaseDoc } from './documents';
import type { InteropEnv, Tools } from './env';
import {
  editOurs, extendOurs, signExternal, signJava, signOurs, stepLabel,
  type EditStep, type ExtendStep, type SignStep, type SignTool, type Step, type StepJob,
} from './signers';

export interface ChainSpec {
  id: string;
  base: string;
  steps: Step[];
}

export interface ChainResult {
  spec: ChainSpec;
  base: BaseDoc;
  /** The final document, or null when a step failed or a tool is missing. */
  file: string | null;
  /** Step labels with the runner's notes. */
  log: string[];
  error?: string;
  skipped?: string;
  tools: SignTool[];
  /** Verify offline (the last step is an extension that got all its validation data). */
  offline: boolean;
  /** Trust anchors for ours: the root, plus the intermediate when a tool embeds only the signer certificate. */
  anchors: string[];
}

// ---------------------------------------------------------------------------------------------
// Spec helpers

type SignOpts = Omit<Partial<SignStep>, 'kind' | 'tool'>;
export const S = (tool: SignTool, o: SignOpts = {}): SignStep => ({ kind: 'sign', tool, field: '', ...o });
export const X = (level: 'B-LT' | 'B-LTA'): ExtendStep => ({ kind: 'extend', level });
export const FILL = (field: string, value: string): EditStep => ({ kind: 'edit', action: 'fill', field, value });
export const NOTE: EditStep = { kind: 'edit', action: 'note' };
const V = { visible: true } as const;

const FIELD_PREFIX: Record<SignTool, string> = { ours: 'VanThu', itext: 'Itext', pdfbox: 'Pdfbox', podofo: 'Podofo', mupdf: 'Mupdf', pdfsig: 'Poppler' };

/** The benign chains. Field names are filled in by the runner unless given. */
export function benignChains(): ChainSpec[] {
  const c: ChainSpec[] = [];
  const add = (id: string, base: string, ...steps: Step[]) => c.push({ id, base, steps });
  // --- each tool alone
  add('itext-minimal', 'minimal', S('itext'));
  add('itext-xref-visible', 'minimal-xref', S('itext', V));
  add('itext-ua-pkcs7', 'ua', S('itext', { subfilter: 'pkcs7' }));
  add('itext-mk-objstm-visible', 'mk-objstm', S('itext', V));
  add('itext-form-fieldmdp', 'form', S('itext', { lock: ['Given Name Text Box'] }));
  add('itext-certify-p1', 'minimal', S('itext', { certify: 1 }));
  add('itext-certify-p2-ua-objstm-visible', 'ua-objstm', S('itext', { certify: 2, ...V }));
  add('itext-certify-p3-mk', 'mk', S('itext', { certify: 3 }));
  add('itext-bt-w3dummy', 'w3dummy', S('itext', { level: 'B-T' }));
  add('itext-gen-tagged-objstm', 'gen-tagged-objstm', S('itext'));
  add('pdfbox-minimal', 'minimal', S('pdfbox'));
  add('pdfbox-xref-visible', 'minimal-xref', S('pdfbox', V));
  add('pdfbox-ua', 'ua', S('pdfbox'));
  add('pdfbox-mk-objstm-pkcs7', 'mk-objstm', S('pdfbox', { subfilter: 'pkcs7' }));
  add('pdfbox-form-fieldmdp', 'form', S('pdfbox', { lock: ['Family Name Text Box'] }));
  add('pdfbox-certify-p2', 'minimal', S('pdfbox', { certify: 2 }));
  add('pdfbox-certify-p1-w3dummy', 'w3dummy', S('pdfbox', { certify: 1 }));
  add('pdfbox-certify-p3-mk-visible', 'mk', S('pdfbox', { certify: 3, ...V }));
  add('pdfbox-ua-objstm-visible', 'ua-objstm', S('pdfbox', V));
  add('pdfbox-gen-tagged', 'gen-tagged', S('pdfbox'));
  add('podofo-minimal', 'minimal', S('podofo'));
  add('podofo-ua-visible', 'ua', S('podofo', V));
  add('podofo-mk-objstm', 'mk-objstm', S('podofo'));
  add('podofo-form', 'form', S('podofo'));
  add('podofo-gen-tagged-objstm-visible', 'gen-tagged-objstm', S('podofo', V));
  add('mupdf-field-tagged', 'field-tagged', S('mupdf', { field: 'Sig1', existingField: true }));
  add('mupdf-two-fields-tagged', 'two-fields-tagged', S('mupdf', { field: 'Sig1', existingField: true }));
  add('mupdf-minimal', 'minimal', S('mupdf'));
  add('mupdf-mk-objstm-visible', 'mk-objstm', S('mupdf', V));
  add('mupdf-ua', 'ua', S('mupdf'));
  add('pdfsig-minimal', 'minimal', S('pdfsig'));
  add('pdfsig-xref', 'minimal-xref', S('pdfsig'));
  add('pdfsig-ua-visible', 'ua', S('pdfsig', V));
  add('pdfsig-mk-objstm', 'mk-objstm', S('pdfsig'));
  add('pdfsig-mk-visible', 'mk', S('pdfsig', V));
  add('ours-minimal', 'minimal', S('ours'));
  add('ours-xref-bt', 'minimal-xref', S('ours', { level: 'B-T' }));
  add('ours-ua-visible', 'ua', S('ours', V));
  add('ours-mk-objstm-p256-bt', 'mk-objstm', S('ours', { key: 'p256', level: 'B-T' }));
  add('ours-form', 'form', S('ours'));
  add('ours-ua-objstm-pss', 'ua-objstm', S('ours', { pss: true }));
  add('ours-gen-oc-form-visible', 'gen-oc-form', S('ours', V));
  add('ours-gen-tagged', 'gen-tagged', S('ours'));
  add('ours-field-tagged', 'field-tagged', S('ours'));
  // --- one tool after another, then our extension
  for (const b of ['minimal', 'minimal-xref', 'ua', 'mk-objstm']) add(`itext-ours-pdfbox-lta-${b}`, b, S('itext', b === 'ua' ? V : {}), S('ours', b === 'ua' ? V : {}), S('pdfbox', b === 'ua' ? V : {}), X('B-LTA'));
  for (const b of ['minimal', 'ua-objstm', 'form']) add(`pdfbox-ours-itext-lt-${b}`, b, S('pdfbox'), S('ours'), S('itext'), X('B-LT'));
  add('podofo-ours-lta-w3dummy', 'w3dummy', S('podofo'), S('ours'), X('B-LTA'));
  add('podofo-ours-lta-mk-objstm', 'mk-objstm', S('podofo'), S('ours', { level: 'B-T' }), X('B-LTA'));
  add('pdfsig-itext-ours-lta-mk', 'mk', S('pdfsig'), S('itext', V), S('ours', V), X('B-LTA'));
  add('pdfsig-itext-ours-lta-gen-tagged-objstm', 'gen-tagged-objstm', S('pdfsig'), S('itext'), S('ours'), X('B-LTA'));
  add('mupdf-ours-pdfbox-field-tagged', 'field-tagged', S('mupdf', { field: 'Sig1', existingField: true }), S('ours'), S('pdfbox'));
  add('mupdf-ours-mupdf-two-fields-tagged', 'two-fields-tagged', S('mupdf', { field: 'Sig1', existingField: true }), S('ours'), S('mupdf', { field: 'Sig2', existingField: true }));
  add('ours-itext-podofo-minimal', 'minimal', S('ours'), S('itext'), S('podofo'));
  add('ours-itext-podofo-ua', 'ua', S('ours', V), S('itext', V), S('podofo', V));
  add('ours-pdfbox-pdfsig-lt-xref', 'minimal-xref', S('ours'), S('pdfbox'), S('pdfsig'), X('B-LT'));
  add('ours-pdfbox-pdfsig-lt-mk', 'mk', S('ours', V), S('pdfbox', V), S('pdfsig', V), X('B-LT'));
  add('itext-certify-p2-ours-lta-minimal', 'minimal', S('itext', { certify: 2 }), S('ours'), X('B-LTA'));
  add('itext-certify-p2-ours-lta-ua-objstm', 'ua-objstm', S('itext', { certify: 2 }), S('ours', { level: 'B-T' }), X('B-LTA'));
  add('pdfbox-certify-p2-itext-ours-ua', 'ua', S('pdfbox', { certify: 2 }), S('itext'), S('ours'));
  add('pdfbox-certify-p2-itext-ours-mk', 'mk', S('pdfbox', { certify: 2, ...V }), S('itext', V), S('ours', V));
  add('itext-certify-p3-note-ours-mk', 'mk', S('itext', { certify: 3 }), NOTE, S('ours'));
  add('pdfbox-certify-p2-fill-ours-lt-form', 'form', S('pdfbox', { certify: 2 }), FILL('Given Name Text Box', 'Nguyen'), S('ours'), X('B-LT'));
  add('itext-fieldmdp-fill-other-ours-form', 'form', S('itext', { lock: ['Given Name Text Box'] }), FILL('Family Name Text Box', 'Tran'), S('ours'));
  add('ours-bt-lt-lta-itext-lta-xref', 'minimal-xref', S('ours', { level: 'B-T' }), X('B-LT'), X('B-LTA'), S('itext'), X('B-LTA'));
  add('ours-ours-ours-gen-oc-form', 'gen-oc-form', S('ours', V), S('ours', { ...V, key: 'p256' }), S('ours', V));
  add('itext-bt-pdfbox-lta-w3dummy', 'w3dummy', S('itext', { level: 'B-T' }), S('pdfbox'), X('B-LTA'));
  add('mupdf-itext-lta-mk-objstm', 'mk-objstm', S('mupdf'), S('itext'), X('B-LTA'));
  add('podofo-pdfbox-mupdf-ours-minimal', 'minimal', S('podofo'), S('pdfbox'), S('mupdf'), S('ours'));
  add('pdfsig-podofo-ours-lt-ua', 'ua', S('pdfsig'), S('podofo'), S('ours'), X('B-LT'));
  add('itext-lta-xref', 'minimal-xref', S('itext'), X('B-LTA'));
  add('pdfbox-lt-mk-objstm', 'mk-objstm', S('pdfbox'), X('B-LT'));
  add('pdfsig-lta-minimal', 'minimal', S('pdfsig'), X('B-LTA'));
  add('podofo-lt-ua-objstm', 'ua-objstm', S('podofo'), X('B-LT'));
  add('mupdf-lta-field-tagged', 'field-tagged', S('mupdf', { field: 'Sig1', existingField: true }), X('B-LTA'));
  add('ours-podofo-mk-objstm', 'mk-objstm', S('ours'), S('podofo'));
  add('ours-podofo-gen-oc-form-objstm', 'gen-oc-form-objstm', S('ours'), S('podofo'));
  add('pdfbox-fieldmdp-fill-other-ours-gen-oc-form', 'gen-oc-form', S('pdfbox', { lock: ['NguoiKy'] }), FILL('GhiChu', 'Da duyet'), S('ours'));
  add('ours-bt-pdfbox-lta-form-qdf', 'form-qdf', S('ours', { level: 'B-T' }), S('pdfbox'), X('B-LTA'));
  add('itext-mupdf-ours-form-qdf', 'form-qdf', S('itext', V), S('mupdf', V), S('ours', V));
  return c;
}

// ---------------------------------------------------------------------------------------------
// Runner

interface State {
  res: ChainResult;
  cur: string;
  dir: string;
  lastExtendComplete: boolean;
}

const TOOL_NEEDS: Record<SignTool, keyof Tools | null> = { ours: null, itext: 'itext', pdfbox: 'pdfbox', podofo: 'podofo', mupdf: 'mutool', pdfsig: 'pdfsig' };

function isIncrement(input: string, output: string): boolean {
  const a = readFileSync(input);
  const b = readFileSync(output);
  return b.length > a.length && b.subarray(0, a.length).equals(a);
}

export async function runChains(env: InteropEnv, tools: Tools, bases: Record<string, BaseDoc>, specs: ChainSpec[], dir: string): Promise<ChainResult[]> {
  mkdirSync(dir, { recursive: true });
  const states: State[] = [];
  const results: ChainResult[] = [];
  for (const spec0 of specs) {
    // fill in field names: one per tool occurrence
    const counts: Record<string, number> = {};
    const spec: ChainSpec = {
      ...spec0,
      steps: spec0.steps.map((s) => (s.kind === 'sign' && !s.field ? { ...s, field: `${FIELD_PREFIX[s.tool]}${(counts[s.tool] = (counts[s.tool] ?? 0) + 1)}` } : s)),
    };
    const base = bases[spec.base];
    const signTools = spec.steps.filter((s): s is SignStep => s.kind === 'sign').map((s) => s.tool);
    const anchors = signTools.some((t) => t === 'podofo' || t === 'mupdf') ? [env.rootPem, env.intermediatePem] : [env.rootPem];
    const res: ChainResult = { spec, base, file: null, log: [], tools: [...new Set(signTools)], offline: false, anchors };
    results.push(res);
    if (!base) { res.skipped = `base ${spec.base} not available`; continue; }
    const missing = signTools.map((t) => TOOL_NEEDS[t]).filter((k): k is keyof Tools => !!k && !tools[k]);
    if (missing.length) { res.skipped = `missing tool: ${missing.join(', ')}`; continue; }
    const input = path.join(dir, `${spec.id}.s0.pdf`);
    copyFileSync(base.path, input);
    states.push({ res, cur: input, dir, lastExtendComplete: false });
  }

  for (let k = 0; ; k++) {
    const active = states.filter((s) => !s.res.error && k < s.res.spec.steps.length);
    if (!active.length) break;
    const jobs = active.map((s) => {
      const step = s.res.spec.steps[k];
      const tag = step.kind === 'sign' ? step.tool : step.kind;
      const job: StepJob = { step, input: s.cur, output: path.join(s.dir, `${s.res.spec.id}.s${k + 1}-${tag}.pdf`), index: k, notes: [] };
      return { s, job };
    });
    const errors = new Map<StepJob, string>();
    const fail = (j: StepJob, e: unknown) => errors.set(j, e instanceof Error ? e.message : String(e));
    const extendResults = new Map<StepJob, { pending: string[] }>();
    const sel = (pred: (st: Step) => boolean) => jobs.filter((x) => pred(x.job.step)).map((x) => x.job);
    const inProcess = sel((st) => st.kind !== 'sign' || st.tool === 'ours');
    const javaJobs = (g: 'itext' | 'pdfbox') => sel((st) => st.kind === 'sign' && st.tool === g) as StepJob<SignStep>[];
    const external = sel((st) => st.kind === 'sign' && (st.tool === 'podofo' || st.tool === 'mupdf' || st.tool === 'pdfsig')) as StepJob<SignStep>[];
    await Promise.all([
      (async () => {
        for (const j of inProcess) {
          try {
            if (j.step.kind === 'sign') await signOurs(env, j as StepJob<SignStep>);
            else if (j.step.kind === 'extend') extendResults.set(j, await extendOurs(env, j as StepJob<ExtendStep>));
            else editOurs(j as StepJob<EditStep>);
          } catch (e) {
            fail(j, e);
          }
        }
      })(),
      ...(['itext', 'pdfbox'] as const).map(async (g) => {
        const js = javaJobs(g);
        try {
          for (const [j, e] of await signJava(env, g, js, path.join(dir, 'jobs'))) errors.set(j, e);
        } catch (e) {
          for (const j of js) fail(j, e);
        }
      }),
      (async () => {
        for (const [j, e] of await signExternal(env, external)) errors.set(j, e);
      })(),
    ]);
    for (const { s, job } of jobs) {
      const label = stepLabel(job.step);
      const err = errors.get(job) ?? (!existsSync(job.output) ? 'no output written' : !isIncrement(job.input, job.output) ? 'output is not an incremental update of the input' : undefined);
      s.res.log.push(job.notes.length ? `${label} [${job.notes.join('; ')}]` : label);
      if (err) {
        s.res.error = `step ${k + 1} ${label}: ${err}`;
        continue;
      }
      s.cur = job.output;
      s.lastExtendComplete = job.step.kind === 'extend' && (extendResults.get(job)?.pending.length ?? 1) === 0;
    }
  }
  for (const s of states) {
    if (s.res.error) continue;
    const final = path.join(s.dir, `${s.res.spec.id}.pdf`);
    copyFileSync(s.cur, final);
    s.res.file = final;
    s.res.offline = s.lastExtendComplete;
  }
  return results;
}
