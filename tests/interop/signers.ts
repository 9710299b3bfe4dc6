// The signing tools of the interop matrix, each adding one signature as an incremental update:
// ours (signPdf in process), iText 5 and PDFBox 2 (our Java programs, one JVM per batch),
// PoDoFo (podofosign), MuPDF (mutool sign, which signs an existing empty field: we add one with
// our incremental writer first) and poppler (pdfsig -add-signature, or -sign on an empty field
// we add for a visible signature). Also our B-LT/B-LTA extension and the benign edits (form
// fill, a sticky note) that some chains make between signatures.
import { readFileSync, writeFileSync } from 'node:fs';
import { BytesSource } from '../../src-shared/pdf/bytesource';
import { PdfDict, PdfRef, PdfStream, name } from '../../src-shared/pdf/objects';
import { PdfReader } from '../../src-shared/pdf/reader';
import { textString } from '../../src-shared/pdf/serialize';
import { IncrementalWriter } from '../../src-shared/pdf/writer';
import { defaultPadesServices, extendPdf, signPdf } from '../../src-shared/pades';
import { createNodeNet } from '../../src-main/services/net/http';
import { signerFor, type TestEntity } from '../helpers/pki';
import { fonts, sampleSignature } from '../appearance/render-helpers';
import { pool, run, runJava, type InteropEnv, type JavaGroup } from './env';

export type SignTool = 'ours' | 'itext' | 'pdfbox' | 'podofo' | 'mupdf' | 'pdfsig';
export const SIGN_TOOLS: SignTool[] = ['ours', 'itext', 'pdfbox', 'podofo', 'mupdf', 'pdfsig'];

export interface SignStep {
  kind: 'sign';
  tool: SignTool;
  field: string;
  visible?: boolean;
  /** DocMDP certification with this /P (iText, PDFBox). */
  certify?: 1 | 2 | 3;
  /** FieldMDP: lock these fields (iText, PDFBox). */
  lock?: string[];
  /** Default cades (ETSI.CAdES.detached); pkcs7 = adbe.pkcs7.detached. */
  subfilter?: 'cades' | 'pkcs7';
  /** Ours: level (B-T asks the loopback TSA). iText: 'B-T' adds a signature timestamp. */
  level?: 'B-B' | 'B-T';
  key?: 'rsa2048' | 'p256';
  /** Ours: RSASSA-PSS. */
  pss?: boolean;
  /** MuPDF / pdfsig: sign this existing empty field instead of adding one. */
  existingField?: boolean;
}

export interface ExtendStep {
  kind: 'extend';
  level: 'B-LT' | 'B-LTA';
}

/** A benign edit by our incremental writer: fill a text field, or add a sticky note (P = 3). */
export interface EditStep {
  kind: 'edit';
  action: 'fill' | 'note';
  field?: string;
  value?: string;
}

export type Step = SignStep | ExtendStep | EditStep;

export function stepLabel(s: Step): string {
  if (s.kind === 'extend') return `ours-extend(${s.level})`;
  if (s.kind === 'edit') return s.action === 'fill' ? `fill(${s.field})` : 'note';
  const opts = [
    s.visible ? 'visible' : 'invisible',
    s.certify ? `DocMDP P=${s.certify}` : '',
    s.lock?.length ? `FieldMDP lock ${s.lock.join('+')}` : '',
    s.subfilter === 'pkcs7' ? 'adbe.pkcs7.detached' : '',
    s.level === 'B-T' ? 'B-T' : '',
    s.key === 'p256' ? 'P-256' : '',
    s.pss ? 'PSS' : '',
    s.existingField ? 'existing field' : '',
  ].filter(Boolean);
  return `${s.tool}(${opts.join(', ')})`;
}

/** One step to run: input file, output file, index of the step in its chain. */
export interface StepJob<S extends Step = Step> {
  step: S;
  input: string;
  output: string;
  index: number;
  /** Free-form notes the runner adds to the chain log (e.g. "empty field added by ours"). */
  notes: string[];
}

// ---------------------------------------------------------------------------------------------
// Geometry: a slot per signature index so visible widgets of one chain do not overlap.

export function pageBox(bytes: Uint8Array): number[] {
  const r = PdfReader.open(new BytesSource(bytes));
  const p = r.pages()[0];
  return (p.cropBox ?? p.mediaBox) as number[];
}

export function slotRect(box: number[], index: number): [number, number, number, number] {
  const [bx, by, bx2, by2] = box;
  const W = bx2 - bx;
  const H = by2 - by;
  // 180 x 80 is about the smallest box our Decree 30 signer appearance accepts
  const w = Math.min(200, W / 2 - 15);
  const h = Math.min(80, (H - 20) / 3 - 6);
  const col = index % 2;
  const row = Math.floor(index / 2) % 3;
  const x1 = bx + 10 + col * (W / 2);
  const y1 = by + 10 + row * (h + 6);
  return [round(x1), round(y1), round(x1 + w), round(y1 + h)];
}

const round = (n: number) => Math.round(n * 10) / 10;

// ---------------------------------------------------------------------------------------------
// Our incremental edits used by the signers and the chains

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

export function appendUpdate(bytes: Uint8Array, edit: (r: PdfReader, w: IncrementalWriter) => void): Uint8Array {
  const r = PdfReader.open(new BytesSource(bytes));
  const w = new IncrementalWriter(r);
  edit(r, w);
  return concat(bytes, w.build().bytes);
}

/** Append `ref` to the page's /Annots (direct or indirect array) in update `w`. */
export function addToAnnots(r: PdfReader, w: IncrementalWriter, pageIndex: number, ref: PdfRef): void {
  const page = r.pages()[pageIndex];
  if (!page.ref) throw new Error('page is a direct object');
  const annots = page.dict.get('Annots');
  if (annots instanceof PdfRef) {
    const arr = r.getObject(annots);
    w.update(annots, [...(Array.isArray(arr) ? arr : []), ref]);
  } else {
    const d = new PdfDict(page.dict.map);
    d.set('Annots', [...(Array.isArray(annots) ? annots : []), ref]);
    w.update(page.ref, d);
  }
}

/** Add `ref` to the AcroForm /Fields (creating the AcroForm when missing) in update `w`. */
export function addToFields(r: PdfReader, w: IncrementalWriter, ref: PdfRef, sigFlags = true): void {
  const val = r.catalog.get('AcroForm');
  const withField = (acro: PdfDict): PdfDict => {
    const d = new PdfDict(acro.map);
    const fields = acro.get('Fields');
    if (fields instanceof PdfRef) {
      const arr = r.getObject(fields);
      w.update(fields, [...(Array.isArray(arr) ? arr : []), ref]);
    } else d.set('Fields', [...(Array.isArray(fields) ? fields : []), ref]);
    if (sigFlags) d.set('SigFlags', 3);
    return d;
  };
  if (val instanceof PdfRef) w.update(val, withField(r.resolveDict(val) ?? new PdfDict()));
  else if (val instanceof PdfDict) w.update(r.rootRef, new PdfDict(r.catalog.map).set('AcroForm', withField(val)));
  else {
    const acro = w.add(withField(new PdfDict()));
    w.update(r.rootRef, new PdfDict(r.catalog.map).set('AcroForm', acro));
  }
}

/** An empty signature field (merged field/widget) on page 1; returns the file and its object number. */
export function addEmptySignatureField(bytes: Uint8Array, fieldName: string, rect: number[] = [0, 0, 0, 0]): { bytes: Uint8Array; num: number } {
  let num = 0;
  const out = appendUpdate(bytes, (r, w) => {
    const page = r.pages()[0];
    const field = w.add(new PdfDict({
      Type: name('Annot'), Subtype: name('Widget'), FT: name('Sig'), T: textString(fieldName), F: 4, Rect: rect, P: page.ref!,
    }));
    num = field.num;
    addToAnnots(r, w, 0, field);
    addToFields(r, w, field);
  });
  return { bytes: out, num };
}

/** Fill a text field: new /V and a new /AP /N appearance stream (what a viewer writes). */
export function fillTextField(bytes: Uint8Array, fieldName: string, value: string): Uint8Array {
  return appendUpdate(bytes, (r, w) => {
    const f = r.formFields().find((x) => x.name === fieldName);
    if (!f?.ref) throw new Error(`no field ${fieldName}`);
    const rect = (r.resolve(f.dict.get('Rect')) as number[]) ?? [0, 0, 100, 20];
    const width = Math.abs(rect[2] - rect[0]);
    const height = Math.abs(rect[3] - rect[1]);
    const acro = r.resolveDict(r.catalog.get('AcroForm'));
    const dr = acro ? r.resolveDict(acro.get('DR')) : null;
    const fontsDict = dr ? r.resolveDict(dr.get('Font')) : null;
    const fontName = fontsDict ? [...fontsDict.map.keys()][0] : undefined;
    const res = fontName && fontsDict ? new PdfDict({ Font: new PdfDict({ [fontName]: fontsDict.get(fontName)! }) }) : new PdfDict();
    const text = value.replace(/[()\\]/g, '');
    const content = fontName ? `/Tx BMC q BT /${fontName} 10 Tf 0 g 2 ${Math.max(2, height / 2 - 3)} Td (${text}) Tj ET Q EMC` : '/Tx BMC EMC';
    const ap = w.add(new PdfStream(new PdfDict({ Type: name('XObject'), Subtype: name('Form'), BBox: [0, 0, width, height], Resources: res }), new TextEncoder().encode(content)));
    const d = new PdfDict(f.dict.map);
    d.set('V', textString(value));
    d.set('AP', new PdfDict({ N: ap }));
    w.update(f.ref, d);
  });
}

/** A sticky note (Text annotation) on page 1: allowed only under DocMDP P = 3. */
export function addNote(bytes: Uint8Array, text = 'Đã xem'): Uint8Array {
  return appendUpdate(bytes, (r, w) => {
    const box = pageBox(bytes);
    const note = w.add(new PdfDict({
      Type: name('Annot'), Subtype: name('Text'), Rect: [box[2] - 40, box[3] - 40, box[2] - 20, box[3] - 20], Contents: textString(text), F: 4, Name: name('Comment'),
    }));
    addToAnnots(r, w, 0, note);
  });
}

// ---------------------------------------------------------------------------------------------
// The signers

const net = () => createNodeNet({ timeoutMs: 10_000 });
let fontCache: ReturnType<typeof fonts> | undefined;
let imageCache: Uint8Array | undefined;

function entityOf(env: InteropEnv, s: SignStep): TestEntity {
  return env.pki.signers[s.key ?? 'rsa2048'];
}

export async function signOurs(env: InteropEnv, job: StepJob<SignStep>): Promise<void> {
  const s = job.step;
  const input = new Uint8Array(readFileSync(job.input));
  const signer = await signerFor(entityOf(env, s));
  try {
    const visible = s.visible
      ? {
          pageIndex: 0,
          appearance: {
            kind: 'signer' as const, rect: slotRect(pageBox(input), job.index), signatureImage: (imageCache ??= sampleSignature()),
            fonts: (fontCache ??= fonts()), title: ['KT. CHỦ TỊCH', 'PHÓ CHỦ TỊCH'], fullName: 'Nguyễn Văn An',
          },
        }
      : undefined;
    const res = await signPdf(new BytesSource(input), signer, {
      level: s.level ?? 'B-B', fieldName: s.field, tsaUrl: env.tsa.url, visible, ...(s.pss ? { scheme: { kind: 'rsa-pss' as const } } : {}),
    }, defaultPadesServices({ net: net() }));
    if (res.pending.length) job.notes.push(`ours pending: ${res.pending.join(', ')}`);
    writeFileSync(job.output, concat(input, res.appended));
  } finally {
    await signer.close();
  }
}

export async function extendOurs(env: InteropEnv, job: StepJob<ExtendStep>): Promise<{ pending: string[]; level: string }> {
  const input = new Uint8Array(readFileSync(job.input));
  const res = await extendPdf(new BytesSource(input), job.step.level, env.tsa.url, defaultPadesServices({ net: net() }));
  if (res.pending.length) job.notes.push(`extend pending: ${res.pending.join(', ')}`);
  if (res.warnings.length) job.notes.push(`extend warnings: ${res.warnings.join('; ')}`);
  writeFileSync(job.output, concat(input, res.appended));
  return { pending: res.pending, level: res.level };
}

export function editOurs(job: StepJob<EditStep>): void {
  const input = new Uint8Array(readFileSync(job.input));
  const s = job.step;
  const out = s.action === 'fill' ? fillTextField(input, s.field!, s.value ?? 'Đã điền') : addNote(input);
  writeFileSync(job.output, out);
}

/** iText or PDFBox: every job of the batch in one JVM. Failed jobs get `error`. */
export async function signJava(env: InteropEnv, group: JavaGroup, jobs: StepJob<SignStep>[], jobDir: string): Promise<Map<StepJob, string>> {
  const errors = new Map<StepJob, string>();
  if (!jobs.length) return errors;
  const entries = jobs.map((j) => {
    const s = j.step;
    const input = new Uint8Array(readFileSync(j.input));
    const e = entityOf(env, s);
    return {
      in: j.input, out: j.output, p12: e.p12Path, password: env.pki.password, field: s.field, reason: `Interop ${group}`,
      subfilter: s.subfilter ?? 'cades', hash: 'SHA-256',
      visible: s.visible ? { page: 1, rect: slotRect(pageBox(input), j.index) } : null,
      certify: s.certify ?? 0, lock: s.lock ?? null, tsa: s.level === 'B-T' ? env.tsa.url : null,
    };
  });
  const main = group === 'itext' ? 'ItextSign' : 'PdfboxSign';
  const { lines } = await runJava<{ id: number; ok: boolean; error?: string }>(group, main, { jobs: entries }, jobDir);
  jobs.forEach((j, i) => {
    const l = lines.find((x) => x.id === i);
    if (!l) errors.set(j, `${main}: no result`);
    else if (!l.ok) errors.set(j, `${main}: ${l.error}`);
  });
  return errors;
}

export async function signPodofo(env: InteropEnv, job: StepJob<SignStep>): Promise<void> {
  const s = job.step;
  const e = entityOf(env, s);
  const args = ['-in', job.input, '-out', job.output, '-cert', e.pemPath, '-pkey', e.keyPemPath, '-digest', 'SHA256', '-field-name', s.field, '-reason', 'Interop PoDoFo'];
  if (s.visible) {
    const input = new Uint8Array(readFileSync(job.input));
    const box = pageBox(input);
    const [x1, y1, x2, y2] = slotRect(box, job.index);
    const mm = (pt: number) => (pt / 72) * 25.4;
    // podofosign measures from the top-left corner of the page, in millimetres
    const left = mm(x1 - box[0]);
    const top = mm(box[3] - y2);
    args.push('-annot-units', 'mm', '-annot-position', `1,${left.toFixed(2)},${top.toFixed(2)},${mm(x2 - x1).toFixed(2)},${mm(y2 - y1).toFixed(2)}`,
      '-annot-print', '-annot-text', '2,2,PoDoFo interop');
  }
  const r = await run('podofosign', args);
  if (r.code !== 0) throw new Error(`podofosign exited ${r.code}: ${(r.stderr + r.stdout).trim().slice(0, 600)}`);
}

export async function signMupdf(env: InteropEnv, job: StepJob<SignStep>): Promise<void> {
  const s = job.step;
  const e = entityOf(env, s);
  let input = job.input;
  let num: number;
  if (s.existingField) {
    const r = PdfReader.open(new BytesSource(new Uint8Array(readFileSync(job.input))));
    const f = r.signatureFields().find((x) => x.name === s.field && !x.sig);
    if (!f?.fieldRef) throw new Error(`no empty signature field ${s.field}`);
    num = f.fieldRef.num;
  } else {
    const bytes = new Uint8Array(readFileSync(job.input));
    const rect = s.visible ? slotRect(pageBox(bytes), job.index) : [0, 0, 0, 0];
    const added = addEmptySignatureField(bytes, s.field, rect);
    input = job.output.replace(/\.pdf$/, '.field.pdf');
    writeFileSync(input, added.bytes);
    num = added.num;
    job.notes.push(`empty field ${s.field} added by ours`);
  }
  const r = await run('mutool', ['sign', '-s', e.p12Path!, '-P', env.pki.password, '-o', job.output, input, String(num)]);
  if (r.code !== 0 || !/Signing signature/.test(r.stdout + r.stderr)) throw new Error(`mutool sign exited ${r.code}: ${(r.stderr + r.stdout).trim().slice(0, 600)}`);
}

export async function signPdfsig(env: InteropEnv, job: StepJob<SignStep>): Promise<void> {
  const s = job.step;
  const nick = env.pki.signers.rsa2048.name;
  let args: string[];
  if (s.visible || s.existingField) {
    let input = job.input;
    if (!s.existingField) {
      const bytes = new Uint8Array(readFileSync(job.input));
      const added = addEmptySignatureField(bytes, s.field, slotRect(pageBox(bytes), job.index));
      input = job.output.replace(/\.pdf$/, '.field.pdf');
      writeFileSync(input, added.bytes);
      job.notes.push(`empty field ${s.field} added by ours`);
    }
    // (poppler 22.12 writes adbe.pkcs7.detached here whatever -etsi says)
    args = ['-nssdir', env.nss.nssdir, '-sign', s.field, '-nick', nick, '-reason', 'Interop poppler', input, job.output];
  } else {
    args = ['-nssdir', env.nss.nssdir, '-add-signature', '-nick', nick, '-reason', 'Interop poppler', '-new-signature-field-name', s.field, job.input, job.output];
  }
  const r = await run('pdfsig', args);
  if (r.code !== 0) throw new Error(`pdfsig exited ${r.code}: ${(r.stderr + r.stdout).trim().slice(0, 600)}`);
}

/** Run the external CLI signers of one stage, two at a time. */
export async function signExternal(env: InteropEnv, jobs: StepJob<SignStep>[]): Promise<Map<StepJob, string>> {
  const errors = new Map<StepJob, string>();
  await pool(jobs, 2, async (j) => {
    try {
      if (j.step.tool === 'podofo') await signPodofo(env, j);
      else if (j.step.tool === 'mupdf') await signMupdf(env, j);
      else if (j.step.tool === 'pdfsig') await signPdfsig(env, j);
    } catch (e) {
      errors.set(j, (e as Error).message);
    }
  });
  return errors;
}
