// Rules on where and whether the widgets of a field that existed at signing are shown
// (ISO 32000-1 §12.5.3 annotation flags, §12.5.2 /Rect and /P, §8.11 /OC, §12.7.3.1 /Kids): a
// later revision may not switch which of two widgets of one field is shown — no hidden/NoView
// flag toggled, no /Rect moved (a zero-size widget made visible), no widget moved to another page
// or put under other optional content, no /Kids reordered, added or removed.

import { PdfDict, PdfRef, type PdfValue } from '../../../pdf/objects';
import { SAFE, fact, type RuleContext as Ctx } from '../context';
import { dictOf } from '../values';

/** Annotation flags that decide whether a widget is seen (Invisible, Hidden, Print, NoView, ToggleNoView). */
const VISIBILITY_BITS = 1 | 2 | 4 | 32 | 256;

function rectOf(c: Ctx, r: 'old' | 'neu', v: PdfValue | undefined): number[] | null {
  const x = SAFE(() => c[r].resolve(v), undefined);
  if (!Array.isArray(x) || x.length !== 4) return null;
  const n = x.map((e) => SAFE(() => c[r].resolve(e), undefined));
  return n.every((e) => typeof e === 'number') ? (n as number[]) : null;
}

const area = (r: number[] | null) => (r ? Math.abs(r[2] - r[0]) * Math.abs(r[3] - r[1]) : 0);
const rectText = (r: number[] | null) => (r ? `[${r.map((x) => Math.round(x * 100) / 100).join(' ')}]` : '(none)');

function flagsText(f: number): string {
  const names = [[1, 'Invisible'], [2, 'Hidden'], [4, 'Print'], [32, 'NoView'], [256, 'ToggleNoView']] as const;
  const on = names.filter(([b]) => (f & b) !== 0).map(([, n]) => n);
  return `${f}${on.length ? ` (${on.join(', ')})` : ''}`;
}

/**
 * Judge a widget key that changed (Rect, P, F, OC): 'forbidden' when it emitted a forbidden fact,
 * 'ok' when the change is allowed (a fact for it emitted where there is one), null for keys it
 * does not judge.
 * `signing`: the field is an empty signature field being signed in this update (its widget
 * becomes the new signature's appearance, so its flags may change).
 */
export function widgetKey(c: Ctx, name: string, key: string, ow: PdfDict, nw: PdfDict, num: number, signing: boolean): 'forbidden' | 'ok' | null {
  switch (key) {
    case 'Rect': {
      const ra = rectOf(c, 'old', ow.get('Rect')), rb = rectOf(c, 'neu', nw.get('Rect'));
      const appear = area(ra) === 0 && area(rb) > 0;
      fact(c, appear ? 'widget-visibility-changed' : 'widget-moved', 'forbidden',
        appear ? `Trường ${name}: ô có kích thước 0 được làm hiện ra (/Rect ${rectText(ra)} → ${rectText(rb)}).` : `Trường ${name}: ô bị dời chỗ (/Rect ${rectText(ra)} → ${rectText(rb)}).`,
        appear ? `Field ${name}: a zero-size widget was made visible (/Rect ${rectText(ra)} → ${rectText(rb)}).` : `Field ${name}: a widget was moved (/Rect ${rectText(ra)} → ${rectText(rb)}).`,
        [num], name, { before: rectText(ra), after: rectText(rb) });
      return 'forbidden';
    }
    case 'P': {
      const p = nw.get('P');
      if (!ow.has('P') && p instanceof PdfRef && onPage(c, p, num)) return 'ok'; // /P filled in for the page the widget is on
      fact(c, 'widget-moved', 'forbidden', `Trường ${name}: ô bị chuyển sang trang khác (/P).`, `Field ${name}: a widget was moved to another page (/P).`, [num], name,
        { before: refText(ow.get('P')), after: refText(p) });
      return 'forbidden';
    }
    case 'F': {
      if (signing) return 'ok';
      const a = num0(c, 'old', ow.get('F')), b = num0(c, 'neu', nw.get('F'));
      if (((a ^ b) & VISIBILITY_BITS) !== 0) {
        fact(c, 'widget-visibility-changed', 'forbidden', `Trường ${name}: cờ hiển thị của ô bị đổi (/F ${flagsText(a)} → ${flagsText(b)}).`,
          `Field ${name}: the widget's visibility flags were changed (/F ${flagsText(a)} → ${flagsText(b)}).`, [num], name, { before: flagsText(a), after: flagsText(b) });
        return 'forbidden';
      }
      fact(c, 'widget-flags-changed', 'signature', `Trường ${name}: cờ khóa/chỉ đọc của ô được đặt (/F ${a} → ${b}).`, `Field ${name}: the widget's lock/read-only flags were set (/F ${a} → ${b}).`, [num], name);
      return 'ok';
    }
    case 'OC':
      fact(c, 'widget-visibility-changed', 'forbidden', `Trường ${name}: ô được gắn vào nội dung tùy chọn khác (/OC).`, `Field ${name}: the widget was put under other optional content (/OC).`, [num], name);
      return 'forbidden';
    default:
      return null;
  }
}

/** /Kids of a terminal field: the same widgets in the same order. */
export function kidsChanged(c: Ctx, name: string, oldKids: PdfValue | undefined, newKids: PdfValue | undefined, num: number | null): boolean {
  const list = (r: 'old' | 'neu', v: PdfValue | undefined) => {
    const x = SAFE(() => c[r].resolve(v), undefined);
    return Array.isArray(x) ? x.map(refText) : [];
  };
  const a = list('old', oldKids), b = list('neu', newKids);
  if (a.length === b.length && a.every((x, i) => x === b[i])) return false;
  const reordered = a.length === b.length && [...a].sort().join() === [...b].sort().join();
  fact(c, 'field-kids-changed', 'forbidden', reordered ? `Trường ${name}: thứ tự các ô (/Kids) bị đảo.` : `Trường ${name}: các ô (/Kids) bị thêm hoặc bớt.`,
    reordered ? `Field ${name}: its widgets (/Kids) were reordered.` : `Field ${name}: widgets (/Kids) were added or removed.`, num === null ? [] : [num], name,
    { before: a.join(', '), after: b.join(', ') });
  return true;
}

function onPage(c: Ctx, page: PdfRef, widget: number): boolean {
  const d = dictOf(SAFE(() => c.neu.resolve(page), undefined));
  const annots = d ? SAFE(() => c.neu.resolve(d.get('Annots')), undefined) : undefined;
  return Array.isArray(annots) && annots.some((a) => a instanceof PdfRef && a.num === widget);
}

function num0(c: Ctx, r: 'old' | 'neu', v: PdfValue | undefined): number {
  const x = SAFE(() => c[r].resolve(v), undefined);
  return typeof x === 'number' ? x : 0;
}

function refText(v: PdfValue | undefined): string {
  return v instanceof PdfRef ? `${v.num} ${v.gen} R` : v === undefined ? '(none)' : '(direct)';
}
