// Interoperability matrix, benign half: documents signed by real signers installed here (iText 5,
// PDFBox 2, PoDoFo, MuPDF, poppler and ours), alone and one after another, with benign edits
// between signatures and our B-LT/B-LTA extension at the end; every document is verified by
// every verifier present (ours, pdfsig, mutool, iText, PDFBox). All of them must find every
// signature intact, ours must raise no false alarm (integrity intact, whole revision, no
// disallowed change), and where our extension is the last step the document must verify offline
// from its DSS. Writes test-artifacts/interop/parts/benign.json and rebuilds matrix.json and
// matrix.md. Run: npx vitest run tests/interop
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benignChains, runChains, type ChainResult } from './chains';
import { prepareBases } from './documents';
import { detectTools, makeEnv, type InteropEnv, type Tools } from './env';
import { evaluateBenign, figures, printFigures, writePart, type DocEntry } from './matrix';
import { stepLabel } from './signers';
import { verifierTimes, verifyAll } from './verifiers';

let env: InteropEnv | undefined;
let tools: Tools;
let results: ChainResult[] = [];
let docs: DocEntry[] = [];

beforeAll(async () => {
  const t0 = Date.now();
  tools = detectTools();
  env = await makeEnv('benign');
  const bases = prepareBases(path.join(env.dir, 'bases'), tools.qpdf);
  const tChains = Date.now();
  results = await runChains(env, tools, bases, benignChains(), path.join(env.dir, 'docs'));
  const produced = results.filter((r) => r.file);
  const tVerify = Date.now();
  const verifications = await verifyAll(env, tools, produced.map((r) => ({ file: r.file!, offline: r.offline, anchors: r.anchors })), path.join(env.dir, 'jobs'));
  docs = produced.map((r, i) => {
    const e: DocEntry = {
      id: r.spec.id, group: 'benign', base: r.base.id, baseInfo: { source: r.base.source, tagged: r.base.tagged, xref: r.base.xref },
      chain: r.log, tools: r.tools, file: path.relative(env!.dir, r.file!), verification: verifications[i],
    };
    evaluateBenign(e, r.spec.steps.filter((s) => s.kind === 'sign').length);
    return e;
  });
  const runtimeMs = Date.now() - t0;
  const skipped = results.filter((r) => !r.file).map((r) => ({ id: r.spec.id, reason: r.skipped ?? r.error ?? 'unknown' }));
  const fig = figures(docs);
  writePart({ name: 'benign', generatedAt: new Date().toISOString(), runtimeMs, tools, docs, skipped, figures: fig });
  console.log(`${printFigures('benign', fig)}\ntimes: setup ${tChains - t0} ms, chains ${tVerify - tChains} ms, verification ${Date.now() - tVerify} ms, total ${runtimeMs} ms; verifiers ${JSON.stringify(verifierTimes)}`);
  if (Object.keys(tools.missing).length) console.log(`tools missing: ${JSON.stringify(tools.missing)}`);
}, 600_000);

afterAll(async () => {
  await env?.close();
});

describe('interop matrix: benign documents', () => {
  it('produces every chain (no signing, extension or edit step failed)', () => {
    const failed = results.filter((r) => r.error).map((r) => `${r.spec.id}: ${r.error}`);
    expect(failed).toEqual([]);
  });

  it('has at least 60 documents signed by at least 5 tools', () => {
    const fig = figures(docs);
    expect(fig.benignDocuments).toBeGreaterThanOrEqual(60);
    expect(fig.toolsUsed.length).toBeGreaterThanOrEqual(5);
  });

  it('every verifier present finds every signature of every benign document intact', () => {
    const disagreements = docs.flatMap((d) => (d.disagreements ?? []).map((x) => `${d.id} [${d.chain.join(' → ')}]: ${x}`));
    expect(disagreements).toEqual([]);
  });

  it('ours raises no false alarm: integrity intact, whole revision, no disallowed change', () => {
    const alarms = docs.flatMap((d) => (d.falseAlarms ?? []).map((x) => `${d.id} [${d.chain.join(' → ')}]: ${x}`));
    expect(alarms).toEqual([]);
  });

  it('our B-LT/B-LTA extension carries the revocation data of every signature (offline verification from the DSS)', () => {
    // documents whose last step is our extension are verified offline: every signature's status must come from the DSS
    const missing = docs.filter((d) => d.verification.ours.offline).flatMap((d) => d.verification.ours.sigs
      .filter((s) => s.kind === 'signature' && !s.revocation.startsWith('good'))
      .map((s) => `${d.id} [${d.chain.join(' → ')}]: ${s.field}: revocation ${s.revocation} (${s.indication}/${s.subIndication ?? '-'})`));
    expect(missing).toEqual([]);
  });

  it('every chain step is described in the matrix', () => {
    for (const r of results.filter((x) => x.file)) expect(r.log.length).toBe(r.spec.steps.length);
    expect(results.map((r) => r.spec.steps.map(stepLabel).join(' → ')).every(Boolean)).toBe(true);
  });
});
