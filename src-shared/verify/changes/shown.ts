// What a form field holds and shows in one revision view, for the value and appearance rules:
// its value (inherited through /Parent, ISO 32000-1 §12.7.3.1) as text, whether it is empty, and
// what its widgets' normal appearances paint (text shown, images, XObjects), read from the
// appearance content streams with the PDF lexer. Text is the string operands as written (no font
// decoding), which is enough to tell "the same" from "something else" and to show it in a report.

import { Lexer, PdfKeyword } from '../../pdf/lexer';
import { PdfDict, PdfName, PdfStream, PdfString, type PdfValue } from '../../pdf/objects';
import { decodeText, type PdfReader } from '../../pdf/reader';
import { SAFE, nm } from './context';
import { dictOf } from './values';

/** An inheritable field attribute (/V, /FT, /Ff, /DA …): the field's own, else its ancestors'. */
export function inherited(r: PdfReader, field: PdfDict, key: string): PdfValue | undefined {
  let d: PdfDict | null = field;
  for (let i = 0; d && i < 32; i++) {
    if (d.has(key)) return d.get(key);
    d = dictOf(SAFE(() => r.resolve(d!.get('Parent')), undefined));
  }
  return undefined;
}

/** A field value as text: strings decoded, names as names, arrays joined. */
export function valueText(r: PdfReader, v: PdfValue | undefined, depth = 0): string {
  const x = SAFE(() => r.resolve(v), undefined);
  if (x === undefined || x === null || depth > 4) return '';
  if (x instanceof PdfString) return decodeText(x);
  if (x instanceof PdfName) return x.name;
  if (typeof x === 'number' || typeof x === 'boolean') return String(x);
  if (Array.isArray(x)) return x.map((e) => valueText(r, e, depth + 1)).join(', ');
  if (x instanceof PdfStream) return `(${x.raw.length} bytes)`;
  return '(…)';
}

/** No value: absent, null, an empty string (or only a byte-order mark), an empty array, or /Off. */
export function isEmptyValue(r: PdfReader, v: PdfValue | undefined): boolean {
  const x = SAFE(() => r.resolve(v), undefined);
  if (x === undefined || x === null) return true;
  if (x instanceof PdfString) return decodeText(x).trim() === '';
  if (x instanceof PdfName) return x.name === 'Off' || x.name === '';
  if (Array.isArray(x)) return x.length === 0;
  return false;
}

/** The normal appearance stream a widget shows now (/AP /N, or the /AS state of it). */
export function normalAppearance(r: PdfReader, widget: PdfDict): PdfStream | null {
  const ap = dictOf(SAFE(() => r.resolve(widget.get('AP')), undefined));
  const n = ap ? SAFE(() => r.resolve(ap.get('N')), undefined) : undefined;
  if (n instanceof PdfStream) return n;
  if (n instanceof PdfDict) {
    const as = nm(SAFE(() => r.resolve(widget.get('AS')), undefined));
    const s = as ? SAFE(() => r.resolve(n.get(as)), undefined) : undefined;
    return s instanceof PdfStream ? s : null;
  }
  return null;
}

/** The on-states of a button widget: the names of its /AP /N appearances other than /Off. */
export function onStates(r: PdfReader, widget: PdfDict): string[] {
  const ap = dictOf(SAFE(() => r.resolve(widget.get('AP')), undefined));
  const n = ap ? dictOf(SAFE(() => r.resolve(ap.get('N')), undefined)) : null;
  if (!n || SAFE(() => r.resolve(ap!.get('N')), undefined) instanceof PdfStream) return [];
  return [...n.map.keys()].filter((k) => k !== 'Off');
}

export interface Painted {
  /** Text, images, XObjects or shadings are painted (borders and backgrounds alone are not "something shown"). */
  paints: boolean;
  /** The strings shown, as written. */
  text: string;
  /** How many images, XObjects and shadings are painted. */
  pictures: number;
}

const TEXT_OPS = new Set(['Tj', "'", '"', 'TJ']);

/** What an appearance stream paints (Form XObjects it draws are followed two levels deep). */
export function painted(r: PdfReader, stream: PdfStream | null, depth = 0): Painted {
  const out: Painted = { paints: false, text: '', pictures: 0 };
  if (!stream || depth > 2) return out;
  let data: Uint8Array;
  try {
    data = r.decode(stream);
  } catch {
    return { paints: true, text: '(?)', pictures: 1 }; // cannot tell: count it as showing something
  }
  const lx = new Lexer(data, 0, true);
  const operands: Array<PdfValue> = [];
  const xobjects = dictOf(SAFE(() => r.resolve(dictOf(SAFE(() => r.resolve(stream.dict.get('Resources')), undefined))?.get('XObject')), undefined));
  for (let guard = 0; guard < 200_000; guard++) {
    let t: PdfValue | PdfKeyword | undefined;
    try {
      t = lx.parse();
    } catch {
      lx.pos++;
      continue;
    }
    if (t === undefined) break;
    if (!(t instanceof PdfKeyword)) {
      operands.push(t);
      continue;
    }
    const op = t.word;
    if (TEXT_OPS.has(op)) {
      const strs = op === 'TJ' && Array.isArray(operands[operands.length - 1]) ? (operands[operands.length - 1] as PdfValue[]) : operands.slice(-1);
      for (const s of strs) if (s instanceof PdfString && s.bytes.some((b) => b !== 0x20)) { out.paints = true; out.text += stringText(s); }
    } else if (op === 'Do') {
      out.paints = true;
      const name = operands[operands.length - 1];
      const x = name instanceof PdfName && xobjects ? SAFE(() => r.resolve(xobjects.get(name.name)), undefined) : undefined;
      if (x instanceof PdfStream && nm(x.dict.get('Subtype')) === 'Form') {
        const inner = painted(r, x, depth + 1);
        out.text += inner.text;
        out.pictures += inner.pictures;
      } else out.pictures++;
    } else if (op === 'BI') {
      out.paints = true;
      out.pictures++;
      const end = findInlineImageEnd(data, lx.pos);
      lx.pos = end;
    } else if (op === 'sh') {
      out.paints = true;
      out.pictures++;
    }
    operands.length = 0;
  }
  return out;
}

function findInlineImageEnd(data: Uint8Array, from: number): number {
  for (let i = from; i + 1 < data.length; i++) {
    if (data[i] === 0x45 && data[i + 1] === 0x49 && (i === 0 || isWs(data[i - 1])) && (i + 2 >= data.length || isWs(data[i + 2]))) return i + 2;
  }
  return data.length;
}

const isWs = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09 || b === 0x0c || b === 0x00;

function stringText(s: PdfString): string {
  const b = s.bytes;
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return decodeText(s);
  const printable = b.every((x) => (x >= 0x20 && x < 0x7f) || x >= 0xa0);
  if (printable) return decodeText(s);
  return `<${[...b].map((x) => x.toString(16).padStart(2, '0')).join('')}>`;
}

export interface FieldShows {
  /** Value present (not empty). */
  hasValue: boolean;
  /** Some widget's current appearance paints something (or, for buttons, is in an on-state). */
  shown: boolean;
  /** Some widget has an /AP at all. */
  hasAppearance: boolean;
  valueText: string;
  /** Text painted by the widgets' appearances. */
  shownText: string;
  /** Images, XObjects and shadings painted by them. */
  pictures: number;
}

/** What a terminal field holds and shows in revision view `r`. */
export function fieldShows(r: PdfReader, field: PdfDict, widgets: PdfDict[], ft: string | null): FieldShows {
  const v = inherited(r, field, 'V');
  const res: FieldShows = { hasValue: !isEmptyValue(r, v), shown: false, hasAppearance: false, valueText: valueText(r, v), shownText: '', pictures: 0 };
  for (const w of widgets) {
    if (w.has('AP')) res.hasAppearance = true;
    if (ft === 'Btn') {
      const as = nm(SAFE(() => r.resolve(w.get('AS')), undefined));
      if (as && as !== 'Off') {
        res.shown = true;
        if (!res.shownText) res.shownText = as;
      }
      continue;
    }
    const p = painted(r, normalAppearance(r, w));
    if (p.paints) res.shown = true;
    res.pictures += p.pictures;
    if (p.text && !res.shownText) res.shownText = p.text;
  }
  return res;
}
