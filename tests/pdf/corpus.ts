// Corpus helpers for the PDF and signing tests: every PDF under ../shared/corpus/pdf, and the
// verdict of qpdf/pdfinfo on a file (with qpdf's warnings normalised for before/after comparison).
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';

export const repoRoot = resolve(__dirname, '../..');
export const sharedDir = resolve(repoRoot, '../shared');
export const corpusDir = join(sharedDir, 'corpus', 'pdf');

export function corpusFiles(dir = corpusDir): string[] {
  const out: string[] = [];
  for (const f of readdirSync(dir).sort()) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) out.push(...corpusFiles(p));
    else if (f.toLowerCase().endsWith('.pdf')) out.push(p);
  }
  return out;
}

export const rel = (p: string): string => p.slice(corpusDir.length + 1);

export interface QpdfCheck {
  status: number | null;
  /** Warning/error lines with the file name and byte offsets removed. */
  problems: Set<string>;
}

export function qpdfCheck(file: string): QpdfCheck {
  const r = spawnSync('qpdf', ['--check', file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const problems = new Set<string>();
  for (const line of (r.stdout + '\n' + r.stderr).split('\n')) {
    if (!/^(WARNING|ERROR)/.test(line)) continue;
    problems.add(line.split(file).join('FILE').replace(/offset \d+/g, 'offset N').replace(/object \d+ \d+/g, 'object N'));
  }
  return { status: r.status, problems };
}

export function pdfinfoOk(file: string): boolean {
  return spawnSync('pdfinfo', [file], { encoding: 'utf8' }).status === 0;
}
