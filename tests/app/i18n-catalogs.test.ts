// The desk's translation catalogs (src-renderer/i18n/locales/<lng>/<ns>.json): Vietnamese and
// English have the same namespaces and keys, every message parses as ICU MessageFormat in its
// language and uses the same arguments in both; every key the renderer's code asks for exists;
// and no user-visible Vietnamese is left hard-coded in the renderer's components (strings live in
// the catalogs; messages that come from src-shared carry both languages and are picked at run time).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { IntlMessageFormat } from 'intl-messageformat';
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';

const root = path.resolve(import.meta.dirname, '../../src-renderer');
const locales = path.join(root, 'i18n/locales');
const LANGS = ['vi', 'en'] as const;

type Tree = { [k: string]: string | Tree };
const load = (lng: string, ns: string): Tree => JSON.parse(fs.readFileSync(path.join(locales, lng, `${ns}.json`), 'utf8'));
const flat = (t: Tree, prefix = ''): Map<string, string> => {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(t)) {
    if (typeof v === 'string') out.set(prefix + k, v);
    else for (const [kk, vv] of flat(v, `${prefix}${k}.`)) out.set(kk, vv);
  }
  return out;
};
const namespaces = (lng: string) => fs.readdirSync(path.join(locales, lng)).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();

function argsOf(els: MessageFormatElement[], out = new Set<string>()): Set<string> {
  for (const e of els) {
    if (e.type === TYPE.argument || e.type === TYPE.number || e.type === TYPE.date || e.type === TYPE.time) out.add(e.value);
    if (e.type === TYPE.plural || e.type === TYPE.select) {
      out.add(e.value);
      for (const o of Object.values(e.options)) argsOf(o.value, out);
    }
    if (e.type === TYPE.tag) argsOf(e.children, out);
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'locales' && e.name !== 'public') out.push(...sourceFiles(p));
    } else if (/\.(tsx?|mts)$/.test(e.name)) out.push(p);
  }
  return out;
}

describe('translation catalogs', () => {
  it('has the same namespaces and keys in Vietnamese and English, every message valid ICU with the same arguments', () => {
    expect(namespaces('vi')).toEqual(namespaces('en'));
    expect(namespaces('vi').length).toBeGreaterThan(0);
    const problems: string[] = [];
    for (const ns of namespaces('vi')) {
      const [vi, en] = LANGS.map((l) => flat(load(l, ns)));
      for (const k of vi.keys()) if (!en.has(k)) problems.push(`${ns}:${k} missing in en`);
      for (const k of en.keys()) if (!vi.has(k)) problems.push(`${ns}:${k} missing in vi`);
      for (const [k, v] of vi) {
        const e = en.get(k);
        if (e === undefined) continue;
        try {
          const a = argsOf(parse(v)), b = argsOf(parse(e));
          if ([...a].sort().join() !== [...b].sort().join()) problems.push(`${ns}:${k} arguments differ: vi {${[...a]}} en {${[...b]}}`);
          new IntlMessageFormat(v, 'vi-VN');
          new IntlMessageFormat(e, 'en-GB');
        } catch (err) {
          problems.push(`${ns}:${k} does not parse: ${(err as Error).message}`);
        }
        if (!v.trim() || !e.trim()) problems.push(`${ns}:${k} is empty`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('has every key the renderer asks for, in both languages', () => {
    const keys = new Map<string, Set<string>>(namespaces('vi').map((ns) => [ns, new Set(flat(load('vi', ns)).keys())]));
    const hasKey = (ns: string, k: string) => {
      const set = keys.get(ns);
      // a sub-tree asked for as a whole (t('x', { returnObjects: true }))
      return !!set && (set.has(k) || [...set].some((x) => x.startsWith(k + '.')));
    };
    const missing: string[] = [];
    for (const file of sourceFiles(root)) {
      const src = fs.readFileSync(file, 'utf8');
      const defaultNs = /useTranslation\(\s*\[?\s*['"]([\w-]+)['"]/.exec(src)?.[1] ?? 'common';
      for (const m of src.matchAll(/\bt\(\s*['"]([\w.:-]+)['"]/g)) {
        const [ns, k] = m[1].includes(':') ? m[1].split(':') : [defaultNs, m[1]];
        if (!hasKey(ns, k)) missing.push(`${path.relative(root, file)}: ${ns}:${k}`);
      }
      for (const m of src.matchAll(/i18nKey=["']([\w.:-]+)["']/g)) {
        const [ns, k] = m[1].includes(':') ? m[1].split(':') : [defaultNs, m[1]];
        if (!hasKey(ns, k)) missing.push(`${path.relative(root, file)}: ${ns}:${k}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('leaves no Vietnamese hard-coded in the renderer code (it belongs in the catalogs)', () => {
    // Vietnamese letters with diacritics, outside comments
    const VI = /[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]/i;
    const offenders: string[] = [];
    for (const file of sourceFiles(root)) {
      const lines = fs.readFileSync(file, 'utf8').split('\n');
      let inBlock = false;
      lines.forEach((line, i) => {
        let code = line;
        if (inBlock) {
          const end = code.indexOf('*/');
          if (end < 0) return;
          code = code.slice(end + 2);
          inBlock = false;
        }
        code = code.replace(/\/\*.*?\*\//g, '');
        const open = code.indexOf('/*');
        if (open >= 0) {
          inBlock = true;
          code = code.slice(0, open);
        }
        code = code.replace(/(^|[^:'"`])\/\/.*$/, '$1');
        if (VI.test(code)) offenders.push(`${path.relative(root, file)}:${i + 1}: ${line.trim().slice(0, 100)}`);
      });
    }
    expect(offenders).toEqual([]);
  });
});
