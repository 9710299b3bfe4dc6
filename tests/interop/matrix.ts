// The interop matrix: one entry per document (benign chain or planted manipulation) with every
// verifier's answer per signature, the evaluation (agreement, our false alarms, manipulations
// caught), the figures, and the outputs: each test file writes its part to
// test-artifacts/interop/parts/<name>.json, then matrix.json and matrix.md are rebuilt from all
// parts present (the last test file to finish writes the complete matrix).
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { OUT, type Tools } from './env';
import { VERIFIERS, ourAnswer, type DocVerification, type OurSig, type SigAnswer, type VerifierId } from './verifiers';
import type { SignTool } from './signers';

export interface DocEntry {
  id: string;
  group: 'benign' | 'attack';
  base: string;
  baseInfo: { source: string; tagged: boolean; xref: string };
  chain: string[];
  tools: SignTool[];
  file: string;
  verification: DocVerification;
  /** Benign: reasons our report is a false alarm (empty = none). */
  falseAlarms?: string[];
  /** Benign: verifiers not saying intact for a signature (verifier: field: detail). */
  disagreements?: string[];
  attack?: AttackInfo;
}

export interface AttackInfo {
  kind: string;
  /** pdf-insecurity.org class or our grouping. */
  class: string;
  description: string;
  /** Signature fields that must be flagged. */
  targets: string[];
  /** 'integrity': a byte edit inside the signed data or a broken signature; 'change': an incremental update. */
  expect: 'integrity' | 'change' | 'either';
  caughtByOurs: boolean;
  how: string;
  /** What the other verifiers say about the targets. */
  others: Partial<Record<VerifierId, string>>;
}

// ---------------------------------------------------------------------------------------------
// Evaluation

/** Why our report on a benign signature is a false alarm, or null. */
export function ourFalseAlarm(s: OurSig | undefined): string | null {
  if (!s) return 'signature missing from our report';
  const reasons: string[] = [];
  if (s.integrity !== 'intact') reasons.push(`integrity=${s.integrity}`);
  if (!s.coversWholeRevision) reasons.push('coversWholeRevision=false');
  if (s.modificationsAfter === 'disallowed') reasons.push(`disallowed change: ${s.disallowed.join(', ')}`);
  if (['FORMAT_FAILURE', 'HASH_FAILURE', 'SIG_CRYPTO_FAILURE', 'SIG_CONSTRAINTS_FAILURE'].includes(s.subIndication ?? '')) reasons.push(`subIndication=${s.subIndication}`);
  if (!reasons.length) return null;
  return `${reasons.join('; ')} (${s.indication}/${s.subIndication ?? '-'}; findings ${s.findings.join(',') || '-'}; changes ${s.changes.join(',') || '-'})`;
}

export function evaluateBenign(e: DocEntry, expectedSignatures: number): void {
  const v = e.verification;
  e.falseAlarms = [];
  e.disagreements = [];
  if (v.ours.error) e.falseAlarms.push(`document error: ${v.ours.error}`);
  const ourSigs = v.ours.sigs.filter((s) => s.kind === 'signature');
  if (ourSigs.length !== expectedSignatures) e.falseAlarms.push(`our report lists ${ourSigs.length} signatures, the chain made ${expectedSignatures}`);
  for (const f of v.fields) {
    const fa = ourFalseAlarm(v.ours.sigs.find((s) => s.field === f));
    if (fa) e.falseAlarms.push(`${f}: ${fa}`);
    for (const [id, r] of Object.entries(v.others)) {
      if (!r) continue;
      if (r.error) { e.disagreements.push(`${id}: ${f}: could not verify: ${r.error}`); continue; }
      const a = r.sigs[f] ?? { answer: 'missing', detail: 'signature not reported' };
      if (a.answer === 'broken' || a.answer === 'missing') e.disagreements.push(`${id}: ${f}: ${a.answer}: ${a.detail}`);
    }
  }
  // dedupe verifier-level errors (one per verifier, not per field)
  e.disagreements = [...new Set(e.disagreements.map((d) => (/could not verify/.test(d) ? d.replace(/^(\w+): [^:]+: /, '$1: ') : d)))];
}

/** Is this signature flagged by us (integrity broken, a format failure, or a disallowed change)? */
export function ourFlag(s: OurSig | undefined): string | null {
  if (!s) return null;
  const a = ourAnswer(s);
  if (a.answer === 'broken') return `integrity: ${a.detail}`;
  if (s.modificationsAfter === 'disallowed') return `disallowed: ${s.disallowed.join(', ')}`;
  return null;
}

export function evaluateAttack(e: DocEntry): void {
  const a = e.attack!;
  const v = e.verification;
  const hows: string[] = [];
  let all = v.ours.verdict !== 'TOTAL_PASSED';
  if (!all) hows.push(`verdict ${v.ours.verdict}`);
  if (v.ours.error && !v.ours.sigs.length) {
    hows.push(`document rejected: ${v.ours.error}`);
  } else {
    for (const t of a.targets) {
      const s = v.ours.sigs.find((x) => x.field === t);
      const flag = ourFlag(s);
      if (!s) { all = false; hows.push(`${t}: not in our report`); continue; }
      if (!flag) { all = false; hows.push(`${t}: NOT flagged (${s.indication}/${s.subIndication ?? '-'}, integrity=${s.integrity}, modifications=${s.modificationsAfter}, changes ${s.changes.join(',') || '-'})`); continue; }
      if (a.expect === 'change' && s.modificationsAfter !== 'disallowed' && s.integrity === 'intact') {
        all = false;
        hows.push(`${t}: flagged but not as a disallowed change: ${flag}`);
        continue;
      }
      if (a.expect === 'integrity' && ourAnswer(s).answer !== 'broken') {
        all = false;
        hows.push(`${t}: flagged but integrity not broken: ${flag}`);
        continue;
      }
      hows.push(`${t}: ${flag}`);
    }
  }
  a.caughtByOurs = all;
  a.how = hows.join(' | ');
  for (const [id, r] of Object.entries(v.others)) {
    if (!r) continue;
    if (r.error) { a.others[id as VerifierId] = `error: ${r.error.slice(0, 160)}`; continue; }
    a.others[id as VerifierId] = a.targets.map((t) => {
      const x: SigAnswer = r.sigs[t] ?? { answer: 'missing', detail: '' };
      return `${t}=${x.answer}${x.answer !== 'intact' && x.detail ? ` (${x.detail.slice(0, 120)})` : x.detail.includes('edits') ? ' (edits since signing)' : ''}`;
    }).join('; ');
  }
}

/** Does another verifier flag a target (anything but intact for some target, or an error)? */
export function otherFlags(e: DocEntry, id: VerifierId): boolean | null {
  const r = e.verification.others[id as Exclude<VerifierId, 'ours'>];
  if (!r) return null;
  if (r.error) return true;
  return e.attack!.targets.some((t) => ['broken', 'missing'].includes(r.sigs[t]?.answer ?? 'missing'));
}

// ---------------------------------------------------------------------------------------------
// Figures

export interface VerifierFigures {
  signatures: number;
  intact: number;
  broken: number;
  unsupported: number;
  missing: number;
  errors: number;
  /** Benign documents where this verifier says intact for every signature. */
  docsAllIntact: number;
  docs: number;
}

export interface Figures {
  benignDocuments: number;
  documentsPerTool: Record<string, number>;
  signaturesPerTool: Record<string, number>;
  toolsUsed: string[];
  perVerifier: Partial<Record<VerifierId, VerifierFigures>>;
  /** Benign documents on which every verifier present says intact for every signature. */
  allVerifiersAgree: number;
  falseAlarmsOurs: number;
  falseAlarmDocs: string[];
  disagreementDocs: string[];
  attacksPlanted: number;
  attacksCaughtByOurs: number;
  attacksMissedByOurs: string[];
  attacksFlaggedByOthers: Partial<Record<VerifierId, number>>;
  attacksPerKind: Record<string, { planted: number; caught: number }>;
  oursVerdicts: Record<string, number>;
  /** Benign signatures ours passes (TOTAL_PASSED) without having validated a certificate chain. */
  oursPassedWithoutChain: string[];
}

export function figures(docs: DocEntry[]): Figures {
  const benign = docs.filter((d) => d.group === 'benign');
  const attacks = docs.filter((d) => d.group === 'attack');
  const documentsPerTool: Record<string, number> = {};
  const signaturesPerTool: Record<string, number> = {};
  for (const d of benign) {
    for (const t of d.tools) documentsPerTool[t] = (documentsPerTool[t] ?? 0) + 1;
    for (const step of d.chain) {
      const t = /^(\w+)\(/.exec(step)?.[1];
      if (t && ['ours', 'itext', 'pdfbox', 'podofo', 'mupdf', 'pdfsig'].includes(t)) signaturesPerTool[t] = (signaturesPerTool[t] ?? 0) + 1;
    }
  }
  const perVerifier: Partial<Record<VerifierId, VerifierFigures>> = {};
  for (const id of VERIFIERS) {
    const f: VerifierFigures = { signatures: 0, intact: 0, broken: 0, unsupported: 0, missing: 0, errors: 0, docsAllIntact: 0, docs: 0 };
    let present = false;
    for (const d of benign) {
      const v = d.verification;
      let all = true;
      if (id === 'ours') {
        present = true;
        f.docs++;
        for (const field of v.fields) {
          const s = v.ours.sigs.find((x) => x.field === field);
          f.signatures++;
          if (!s) { f.missing++; all = false; continue; }
          if (ourFalseAlarm(s)) { f.broken++; all = false; } else f.intact++;
        }
      } else {
        const r = v.others[id];
        if (!r) continue;
        present = true;
        f.docs++;
        if (r.error) { f.errors++; all = false; }
        for (const field of v.fields) {
          f.signatures++;
          const a = r.sigs[field]?.answer ?? 'missing';
          f[a]++;
          if (a === 'broken' || a === 'missing') all = false;
        }
      }
      if (all) f.docsAllIntact++;
    }
    if (present) perVerifier[id] = f;
  }
  const oursVerdicts: Record<string, number> = {};
  for (const d of benign) for (const s of d.verification.ours.sigs) {
    const k = `${s.indication}${s.subIndication ? `/${s.subIndication}` : ''}`;
    oursVerdicts[k] = (oursVerdicts[k] ?? 0) + 1;
  }
  const oursPassedWithoutChain = benign.flatMap((d) => d.verification.ours.sigs
    .filter((s) => s.kind === 'signature' && s.indication === 'TOTAL_PASSED' && s.chain === 0)
    .map((s) => `${d.id}:${s.field}(revocation ${s.revocation})`));
  const attacksPerKind: Record<string, { planted: number; caught: number }> = {};
  const attacksFlaggedByOthers: Partial<Record<VerifierId, number>> = {};
  for (const d of attacks) {
    const k = d.attack!.kind;
    attacksPerKind[k] ??= { planted: 0, caught: 0 };
    attacksPerKind[k].planted++;
    if (d.attack!.caughtByOurs) attacksPerKind[k].caught++;
    for (const id of VERIFIERS.filter((x) => x !== 'ours')) {
      const fl = otherFlags(d, id);
      if (fl !== null) attacksFlaggedByOthers[id] = (attacksFlaggedByOthers[id] ?? 0) + (fl ? 1 : 0);
    }
  }
  return {
    benignDocuments: benign.length,
    documentsPerTool,
    signaturesPerTool,
    toolsUsed: Object.keys(documentsPerTool).sort(),
    perVerifier,
    allVerifiersAgree: benign.filter((d) => !d.disagreements?.length && !d.falseAlarms?.length).length,
    falseAlarmsOurs: benign.filter((d) => d.falseAlarms?.length).length,
    falseAlarmDocs: benign.filter((d) => d.falseAlarms?.length).map((d) => d.id),
    disagreementDocs: benign.filter((d) => d.disagreements?.length).map((d) => d.id),
    attacksPlanted: attacks.length,
    attacksCaughtByOurs: attacks.filter((d) => d.attack!.caughtByOurs).length,
    attacksMissedByOurs: attacks.filter((d) => !d.attack!.caughtByOurs).map((d) => d.id),
    attacksFlaggedByOthers,
    attacksPerKind,
    oursVerdicts,
    oursPassedWithoutChain,
  };
}

export function printFigures(title: string, f: Figures): string {
  const lines: string[] = [`== interop ${title}`];
  if (f.benignDocuments) {
    lines.push(`benign documents: ${f.benignDocuments}; tools: ${f.toolsUsed.length} (${f.toolsUsed.join(', ')})`);
    lines.push(`documents per tool: ${Object.entries(f.documentsPerTool).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    lines.push(`signatures per tool: ${Object.entries(f.signaturesPerTool).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    for (const [id, v] of Object.entries(f.perVerifier)) {
      lines.push(`verifier ${id.padEnd(6)}: ${v!.docsAllIntact}/${v!.docs} documents all intact; signatures ${v!.intact} intact, ${v!.broken} broken, ${v!.missing} missing, ${v!.unsupported} unsupported, ${v!.errors} errors`);
    }
    lines.push(`all verifiers agree (intact, no false alarm): ${f.allVerifiersAgree}/${f.benignDocuments}`);
    lines.push(`our false alarms: ${f.falseAlarmsOurs}${f.falseAlarmDocs.length ? ` (${f.falseAlarmDocs.join(', ')})` : ''}`);
    lines.push(`our indications on benign signatures: ${Object.entries(f.oursVerdicts).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    lines.push(`ours TOTAL_PASSED without a validated certificate chain: ${f.oursPassedWithoutChain.length}`);
  }
  if (f.attacksPlanted) {
    lines.push(`manipulations caught by ours: ${f.attacksCaughtByOurs}/${f.attacksPlanted}`);
    lines.push(`per kind: ${Object.entries(f.attacksPerKind).map(([k, v]) => `${k} ${v.caught}/${v.planted}`).join(', ')}`);
    lines.push(`flagged by the others (any target not intact): ${Object.entries(f.attacksFlaggedByOthers).map(([k, v]) => `${k} ${v}/${f.attacksPlanted}`).join(', ')}`);
    if (f.attacksMissedByOurs.length) lines.push(`missed by ours: ${f.attacksMissedByOurs.join(', ')}`);
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Output

export interface Part {
  name: string;
  generatedAt: string;
  runtimeMs: number;
  tools: Tools;
  docs: DocEntry[];
  skipped: Array<{ id: string; reason: string }>;
  figures: Figures;
}

const PARTS = path.join(OUT, 'parts');

export function writePart(p: Part): void {
  mkdirSync(PARTS, { recursive: true });
  writeAtomic(path.join(PARTS, `${p.name}.json`), JSON.stringify(p, null, 1));
  // another test file may write its part while we merge: merge again until no part is newer
  for (let i = 0; i < 5; i++) {
    const started = Date.now();
    mergeMatrix();
    const newest = Math.max(...partFiles().map((f) => statSync(f).mtimeMs));
    if (newest < started) break;
  }
}

function partFiles(): string[] {
  // the benign half first, then the attacks, then anything else
  const order = (f: string) => (f.startsWith('benign') ? 0 : f.startsWith('attacks') ? 1 : 2);
  return readdirSync(PARTS).filter((f) => f.endsWith('.json')).sort((a, b) => order(a) - order(b) || a.localeCompare(b)).map((f) => path.join(PARTS, f));
}

function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

export function mergeMatrix(): void {
  const parts: Part[] = partFiles().map((f) => JSON.parse(readFileSync(f, 'utf8')) as Part);
  const docs = parts.flatMap((p) => p.docs);
  const fig = figures(docs);
  const matrix = {
    generatedAt: new Date().toISOString(),
    parts: parts.map((p) => ({ name: p.name, generatedAt: p.generatedAt, runtimeMs: p.runtimeMs, documents: p.docs.length, skipped: p.skipped })),
    tools: parts[0]?.tools,
    figures: fig,
    documents: docs,
  };
  writeAtomic(path.join(OUT, 'matrix.json'), JSON.stringify(matrix, null, 1));
  writeAtomic(path.join(OUT, 'matrix.md'), markdown(parts, docs, fig));
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function answerCell(v: DocVerification, id: VerifierId, field: string): string {
  if (id === 'ours') {
    const s = v.ours.sigs.find((x) => x.field === field);
    if (!s) return v.ours.error ? 'error' : 'missing';
    const short = s.indication === 'TOTAL_PASSED' ? 'PASSED' : `${s.indication === 'INDETERMINATE' ? 'INDET' : 'FAILED'}/${s.subIndication ?? '-'}`;
    return `${s.integrity}${s.modificationsAfter === 'disallowed' ? ' DISALLOWED' : ''} ${short}`;
  }
  const r = v.others[id];
  if (!r) return '';
  if (r.error) return 'error';
  const a = r.sigs[field];
  return a ? a.answer : 'missing';
}

function markdown(parts: Part[], docs: DocEntry[], f: Figures): string {
  const out: string[] = [];
  out.push('# Interoperability matrix', '');
  out.push(`Generated ${new Date().toISOString()} from ${parts.map((p) => `${p.name} (${p.generatedAt}, ${(p.runtimeMs / 1000).toFixed(1)} s)`).join(', ')}.`, '');
  out.push('## Figures', '');
  out.push('| figure | value |', '|---|---|');
  out.push(`| benign documents | ${f.benignDocuments} |`);
  out.push(`| signing tools | ${f.toolsUsed.length}: ${f.toolsUsed.join(', ')} |`);
  out.push(`| documents per tool | ${Object.entries(f.documentsPerTool).map(([k, v]) => `${k} ${v}`).join(', ')} |`);
  out.push(`| signatures per tool | ${Object.entries(f.signaturesPerTool).map(([k, v]) => `${k} ${v}`).join(', ')} |`);
  for (const [id, v] of Object.entries(f.perVerifier)) out.push(`| verifier ${id} | ${v!.docsAllIntact}/${v!.docs} docs all intact; ${v!.intact} intact, ${v!.broken} broken, ${v!.missing} missing, ${v!.unsupported} unsupported, ${v!.errors} errors |`);
  out.push(`| all verifiers agree | ${f.allVerifiersAgree}/${f.benignDocuments} |`);
  out.push(`| false alarms (ours) | ${f.falseAlarmsOurs}${f.falseAlarmDocs.length ? `: ${f.falseAlarmDocs.join(', ')}` : ''} |`);
  out.push(`| our indications (benign signatures) | ${Object.entries(f.oursVerdicts).map(([k, v]) => `${k} ${v}`).join(', ')} |`);
  out.push(`| ours TOTAL_PASSED without a validated chain | ${f.oursPassedWithoutChain.length} |`);
  out.push(`| manipulations caught (ours) | ${f.attacksCaughtByOurs}/${f.attacksPlanted} |`);
  out.push(`| manipulations flagged by others | ${Object.entries(f.attacksFlaggedByOthers).map(([k, v]) => `${k} ${v}`).join(', ')} |`);
  out.push('');
  const benign = docs.filter((d) => d.group === 'benign');
  if (benign.length) {
    out.push('## Benign documents', '', 'One row per signature; ours: integrity, DISALLOWED when a change after it was judged disallowed, indication.', '');
    out.push('| document | base | chain | signature | ours | pdfsig | mutool | itext | pdfbox | status |', '|---|---|---|---|---|---|---|---|---|---|');
    for (const d of benign) {
      d.verification.fields.forEach((field, i) => {
        const status = i === 0 ? [...(d.falseAlarms ?? []).map((x) => `FALSE ALARM ${x}`), ...(d.disagreements ?? [])].join('; ') || 'ok' : '';
        out.push(`| ${i === 0 ? d.id : ''} | ${i === 0 ? `${d.base} (${d.baseInfo.xref}${d.baseInfo.tagged ? ', tagged' : ''})` : ''} | ${i === 0 ? cell(d.chain.join(' → ')) : ''} | ${field} | ${VERIFIERS.map((id) => cell(answerCell(d.verification, id, field))).join(' | ')} | ${cell(status)} |`);
      });
    }
    out.push('');
  }
  const attacks = docs.filter((d) => d.group === 'attack');
  if (attacks.length) {
    out.push('## Manipulations', '');
    out.push('| document | kind | class | on | caught by ours | how (ours) | pdfsig | mutool | itext | pdfbox |', '|---|---|---|---|---|---|---|---|---|---|');
    for (const d of attacks) {
      const a = d.attack!;
      out.push(`| ${d.id} | ${a.kind} | ${a.class} | ${cell(d.chain.join(' → '))} | ${a.caughtByOurs ? 'yes' : '**NO**'} | ${cell(a.how)} | ${(['pdfsig', 'mutool', 'itext', 'pdfbox'] as VerifierId[]).map((id) => cell(a.others[id] ?? '')).join(' | ')} |`);
    }
    out.push('');
  }
  const skipped = parts.flatMap((p) => p.skipped);
  if (skipped.length) {
    out.push('## Not produced', '', '| document | reason |', '|---|---|');
    for (const s of skipped) out.push(`| ${s.id} | ${cell(s.reason)} |`);
    out.push('');
  }
  return out.join('\n');
}
