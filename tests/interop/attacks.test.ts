// Interoperability matrix, attack half: documents signed by iText, PDFBox, poppler, MuPDF and ours
// (alone, after one another, extended to B-LTA, certified, with FieldMDP locks) get the
// manipulations of manipulations.ts planted on them; ours must flag every one (not TOTAL_PASSED,
// and integrity broken or a disallowed change, as fits). The pristine bases must pass the benign
// criteria first, or a "catch" would mean nothing. What the other verifiers say is recorded.
// Writes test-artifacts/interop/parts/attacks.json and rebuilds matrix.json and matrix.md.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BytesSource } from '../../src-shared/pdf/bytesource';
import { PdfString } from '../../src-shared/pdf/objects';
import { PdfReader, decodeText } from '../../src-shared/pdf/reader';
import { runChains, S, X, type ChainResult, type ChainSpec } from './chains';
import { prepareBases } from './documents';
import { detectTools, fresh, makeEnv, type InteropEnv, type Tools } from './env';
import { ATTACKS, type AttackBase } from './manipulations';
import { evaluateAttack, evaluateBenign, figures, printFigures, writePart, type DocEntry } from './matrix';
import { verifierTimes, verifyAll, type VerifyRequest } from './verifiers';

/** Signed documents the attacks are planted on, with the features the attacks look for. */
const BASES: Array<ChainSpec & { features: string[] }> = [
  { id: 'itext-mk', base: 'mk', steps: [S('itext')], features: ['images', 'table'] },
  { id: 'pdfbox-mk-visible', base: 'mk', steps: [S('pdfbox', { visible: true })], features: ['images', 'table'] },
  { id: 'pdfsig-mk', base: 'mk', steps: [S('pdfsig')], features: ['images', 'table'] },
  { id: 'ours-mk-bt', base: 'mk', steps: [S('ours', { level: 'B-T' })], features: ['images', 'table'] },
  { id: 'mupdf-mk', base: 'mk', steps: [S('mupdf')], features: ['images', 'table'] },
  { id: 'ours-mk-objstm', base: 'mk-objstm', steps: [S('ours', { visible: true })], features: ['images'] },
  { id: 'pdfbox-mk-objstm', base: 'mk-objstm', steps: [S('pdfbox')], features: ['images'] },
  { id: 'itext-ours-minimal', base: 'minimal', steps: [S('itext'), S('ours')], features: ['table', 'multi'] },
  { id: 'ours-lta-xref', base: 'minimal-xref', steps: [S('ours', { level: 'B-T' }), X('B-LTA')], features: ['multi'] },
  { id: 'ours-gen-oc-form', base: 'gen-oc-form', steps: [S('ours')], features: ['oc', 'form', 'images', 'table'] },
  { id: 'itext-gen-oc-form-objstm', base: 'gen-oc-form-objstm', steps: [S('itext', { visible: true })], features: ['oc', 'form', 'images'] },
  // GhiChu is empty when signed: filling it is form filling, forbidden only by the FieldMDP lock
  { id: 'itext-lock-gen-oc-form', base: 'gen-oc-form', steps: [S('itext', { lock: ['GhiChu', 'NguoiKy'] })], features: ['form', 'locked:GhiChu', 'table'] },
  { id: 'pdfbox-lock-gen-oc-form', base: 'gen-oc-form', steps: [S('pdfbox', { lock: ['GhiChu', 'NguoiKy'] })], features: ['form', 'locked:GhiChu', 'table'] },
  { id: 'itext-lock-form', base: 'form', steps: [S('itext', { lock: ['Given Name Text Box'] })], features: ['form', 'locked:Given Name Text Box', 'table'] },
  { id: 'pdfbox-p1-gen-oc-form', base: 'gen-oc-form', steps: [S('pdfbox', { certify: 1 })], features: ['form', 'p1', 'table'] },
  { id: 'itext-p1-form', base: 'form', steps: [S('itext', { certify: 1 })], features: ['form', 'p1', 'table'] },
];

/** Attacks on the signature itself are planted on these bases only (they do not depend on the content). */
const SIGNATURE_ATTACK_BASES = new Set(['itext-mk', 'pdfbox-mk-visible', 'pdfsig-mk', 'ours-mk-bt', 'mupdf-mk', 'pdfbox-mk-objstm', 'itext-ours-minimal', 'ours-lta-xref']);
const SIGNATURE_ATTACKS = new Set(['usf-contents-zeroed', 'usf-contents-removed', 'usf-byterange-removed', 'usf-byterange-zero', 'swa-redeclared', 'swa-extended', 'byterange-digits-edited', 'signature-value-flipped', 'signed-byte-flipped']);

let env: InteropEnv | undefined;
let tools: Tools;
let baseResults: ChainResult[] = [];
let baseDocs: DocEntry[] = [];
let docs: DocEntry[] = [];
const plantErrors: string[] = [];

beforeAll(async () => {
  const t0 = Date.now();
  tools = detectTools();
  env = await makeEnv('attacks');
  const inputs = prepareBases(path.join(env.dir, 'bases'), tools.qpdf);
  baseResults = await runChains(env, tools, inputs, BASES, path.join(env.dir, 'signed'));
  const tPlant = Date.now();
  const attackDir = fresh(path.join(env.dir, 'attacks'));
  const reqs: VerifyRequest[] = [];
  const meta: Array<{ kind: 'base'; r: ChainResult } | { kind: 'attack'; r: ChainResult; a: (typeof ATTACKS)[number]; targets: string[]; file: string }> = [];
  for (const r of baseResults) {
    if (!r.file) continue;
    reqs.push({ file: r.file, offline: r.offline, anchors: r.anchors });
    meta.push({ kind: 'base', r });
    const bytes = new Uint8Array(readFileSync(r.file));
    const reader = PdfReader.open(new BytesSource(bytes));
    const spec = BASES.find((b) => b.id === r.spec.id)!;
    const base: AttackBase = {
      id: r.spec.id, bytes, features: spec.features,
      signatures: reader.signatureFields().filter((f) => f.sig).map((f) => f.name),
      textFields: reader.formFields().filter((f) => f.ft === 'Tx').map((f) => f.name),
      prefilled: reader.formFields().filter((f) => {
        const v = f.ft === 'Tx' ? reader.resolve(f.dict.get('V')) : undefined;
        return v instanceof PdfString && decodeText(v).length > 0;
      }).map((f) => f.name),
    };
    for (const a of ATTACKS) {
      if (SIGNATURE_ATTACKS.has(a.kind) && !SIGNATURE_ATTACK_BASES.has(base.id)) continue;
      if (!a.applies(base)) continue;
      try {
        const p = a.plant(base);
        const file = path.join(attackDir, `${a.kind}--${base.id}.pdf`);
        writeFileSync(file, p.bytes);
        // the attacked document keeps the base's verification mode (offline only with its DSS)
        reqs.push({ file, offline: r.offline, anchors: r.anchors });
        meta.push({ kind: 'attack', r, a, targets: p.targets ?? base.signatures, file });
      } catch (e) {
        plantErrors.push(`${a.kind} on ${base.id}: ${(e as Error).message}`);
      }
    }
  }
  const tVerify = Date.now();
  const verifications = await verifyAll(env, tools, reqs, path.join(env.dir, 'jobs'));
  verifications.forEach((v, i) => {
    const m = meta[i];
    const r = m.r;
    const e: DocEntry = {
      id: m.kind === 'base' ? `base:${r.spec.id}` : `${m.a.kind}--${r.spec.id}`,
      group: m.kind === 'base' ? 'benign' : 'attack',
      base: r.base.id, baseInfo: { source: r.base.source, tagged: r.base.tagged, xref: r.base.xref },
      chain: m.kind === 'base' ? r.log : [...r.log, `ATTACK ${m.a.kind}`], tools: r.tools, file: path.relative(env!.dir, v.file), verification: v,
    };
    if (m.kind === 'base') {
      evaluateBenign(e, r.spec.steps.filter((s) => s.kind === 'sign').length);
      baseDocs.push(e);
    } else {
      e.attack = { kind: m.a.kind, class: m.a.class, description: m.a.description, targets: m.targets, expect: m.a.expect, caughtByOurs: false, how: '', others: {} };
      evaluateAttack(e);
      docs.push(e);
    }
  });
  const runtimeMs = Date.now() - t0;
  const all = [...baseDocs, ...docs];
  const fig = figures(all);
  const skipped = [
    ...baseResults.filter((r) => !r.file).map((r) => ({ id: `base:${r.spec.id}`, reason: r.skipped ?? r.error ?? 'unknown' })),
    ...plantErrors.map((p) => ({ id: p.split(':')[0], reason: p })),
  ];
  writePart({ name: 'attacks', generatedAt: new Date().toISOString(), runtimeMs, tools, docs: all, skipped, figures: fig });
  console.log(`${printFigures('attacks', fig)}\ntimes: bases ${tPlant - t0} ms, planting ${tVerify - tPlant} ms, verification ${Date.now() - tVerify} ms, total ${runtimeMs} ms; verifiers ${JSON.stringify(verifierTimes)}`);
}, 600_000);

afterAll(async () => {
  await env?.close();
});

describe('interop matrix: planted manipulations', () => {
  it('signs every attack base and plants every manipulation', () => {
    expect(baseResults.filter((r) => !r.file).map((r) => `${r.spec.id}: ${r.skipped ?? r.error}`)).toEqual([]);
    expect(plantErrors).toEqual([]);
    expect(docs.length).toBeGreaterThanOrEqual(60);
  });

  it('the pristine attack bases are intact for every verifier and raise no false alarm in ours', () => {
    const problems = baseDocs.flatMap((d) => [...(d.falseAlarms ?? []).map((x) => `${d.id}: ours: ${x}`), ...(d.disagreements ?? []).map((x) => `${d.id}: ${x}`)]);
    expect(problems).toEqual([]);
  });

  it('ours flags every planted manipulation', () => {
    const missed = docs.filter((d) => !d.attack!.caughtByOurs).map((d) => `${d.id}: ${d.attack!.how}`);
    expect(missed).toEqual([]);
  });
});
