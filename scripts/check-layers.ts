// The layering rule, in the spirit of VS Code's code-layering lint: each source folder may only
// import what its runtime allows. Run by the test suite (tests/foundation/layering.test.ts) and
// from the command line: `node --import tsx scripts/check-layers.ts` (exit 1 on violations).
//
//   src-shared    runtime-agnostic: no node:* / Node built-ins, no electron, no DOM globals,
//                 no imports of src-main, src-renderer or src-server.
//   src-renderer  browser: no node:* / built-ins, no electron, no src-main or src-server.
//   src-main      plain Node: only src-main/electron/** may import electron; no src-renderer.
//   src-server    plain Node: no electron, no src-main, no src-renderer.

import fs from 'node:fs';
import path from 'node:path';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';

export interface Violation {
  file: string;
  line: number;
  rule: string;
  text: string;
}

const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const SOURCE_EXT = /\.(ts|tsx|mts|cts|js|mjs|cjs|jsx)$/;
const IMPORT_RE =
  /(?:^|[^.\w$])(?:import\s+(?:type\s+)?(?:[\w*{}\s,$]+\s+from\s+)?|export\s+(?:type\s+)?[\w*{}\s,$]*\s+from\s+|import\s*\(\s*|require\s*\(\s*)['"]([^'"]+)['"]/g;
const DOM_GLOBALS_RE = /(?<![.\w$])(window|document|localStorage|sessionStorage|HTMLElement|navigator|XMLHttpRequest|indexedDB)\s*[.[(]/g;

function layerOf(rel: string): 'shared' | 'renderer' | 'main-electron' | 'main' | 'server' | null {
  const p = rel.split(path.sep).join('/');
  if (p.startsWith('src-shared/')) return 'shared';
  if (p.startsWith('src-renderer/')) return 'renderer';
  if (p.startsWith('src-main/electron/')) return 'main-electron';
  if (p.startsWith('src-main/')) return 'main';
  if (p.startsWith('src-server/')) return 'server';
  return null;
}

/** Which top-level folder an import resolves into (for relative imports), or null. */
function targetFolder(fromFile: string, spec: string, root: string): string | null {
  if (!spec.startsWith('.')) return null;
  const abs = path.resolve(path.dirname(fromFile), spec);
  const rel = path.relative(root, abs).split(path.sep).join('/');
  if (rel.startsWith('src-main/electron/') || rel === 'src-main/electron') return 'src-main/electron';
  return rel.split('/')[0] ?? null;
}

function stripComments(src: string): string {
  // Blank out comments but keep line numbers (strings are left alone: good enough for imports).
  return src.replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' ')).replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

export function checkFile(root: string, file: string, source: string): Violation[] {
  const rel = path.relative(root, file);
  const layer = layerOf(rel);
  if (!layer) return [];
  const out: Violation[] = [];
  const code = stripComments(source);
  const lineAt = (idx: number) => code.slice(0, idx).split('\n').length;
  for (const m of code.matchAll(IMPORT_RE)) {
    const spec = m[1];
    // The pattern may start on the character before the keyword (e.g. the preceding newline).
    const lead = /^(import|export|require)/.test(m[0]) ? 0 : 1;
    const line = lineAt((m.index ?? 0) + lead);
    const add = (rule: string) => out.push({ file: rel, line, rule, text: spec });
    const isNode = NODE_BUILTINS.has(spec) || spec.startsWith('node:');
    const isElectron = spec === 'electron' || spec.startsWith('electron/');
    const folder = targetFolder(file, spec, root);
    switch (layer) {
      case 'shared':
        if (isNode) add('src-shared must not import Node built-ins');
        if (isElectron) add('src-shared must not import electron');
        if (folder && folder !== 'src-shared') add(`src-shared must not import ${folder}`);
        break;
      case 'renderer':
        if (isNode) add('src-renderer must not import Node built-ins');
        if (isElectron) add('src-renderer must not import electron');
        if (folder === 'src-main' || folder === 'src-main/electron' || folder === 'src-server') add(`src-renderer must not import ${folder}`);
        break;
      case 'main':
        if (isElectron) add('only src-main/electron may import electron');
        if (folder === 'src-renderer') add('src-main must not import src-renderer');
        if (folder === 'src-main/electron') add('plain-Node services must not import src-main/electron');
        break;
      case 'main-electron':
        if (folder === 'src-renderer') add('src-main must not import src-renderer');
        break;
      case 'server':
        if (isElectron) add('src-server must not import electron');
        if (folder === 'src-main' || folder === 'src-main/electron' || folder === 'src-renderer') add(`src-server must not import ${folder}`);
        break;
    }
  }
  if (layer === 'shared') {
    for (const m of code.matchAll(DOM_GLOBALS_RE)) {
      out.push({ file: rel, line: lineAt(m.index ?? 0), rule: 'src-shared must not use DOM globals', text: m[1] });
    }
  }
  return out;
}

function walk(dir: string, acc: string[]): string[] {
  if (!fs.existsSync(dir)) return acc;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, acc);
    else if (SOURCE_EXT.test(e.name) && !e.name.endsWith('.d.ts')) acc.push(p);
  }
  return acc;
}

export function checkLayers(root: string): Violation[] {
  const files = ['src-shared', 'src-renderer', 'src-main', 'src-server'].flatMap((d) => walk(path.join(root, d), []));
  return files.flatMap((f) => checkFile(root, f, fs.readFileSync(f, 'utf8')));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const v = checkLayers(root);
  for (const x of v) console.error(`${x.file}:${x.line}: ${x.rule} (${x.text})`);
  console.log(v.length ? `${v.length} layering violation(s)` : 'layering: ok');
  process.exit(v.length ? 1 : 0);
}
