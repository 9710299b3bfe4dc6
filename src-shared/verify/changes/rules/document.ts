// Rules on the document level: catalog entries, trailer (/Info, /Encrypt), XMP metadata,
// /Extensions and the Document Security Store.

import { PdfName, PdfRef, type PdfValue } from '../../../pdf/objects';
import { SAFE, explain, fact, reachable, type RuleContext as Ctx } from '../context';
import { changedKeys, sameValue } from '../values';

/** Catalog: only /AcroForm, /DSS, /Extensions and /Metadata may change; /Perms, /OpenAction, /OCProperties, /Names… may not. */
export function ruleCatalog(c: Ctx): void {
  const oldRoot = c.old.trailer.get('Root');
  const newRoot = c.neu.trailer.get('Root');
  explain(c, oldRoot);
  explain(c, newRoot);
  const a = SAFE(() => c.old.catalog, null);
  const b = SAFE(() => c.neu.catalog, null);
  if (!a || !b) {
    fact(c, 'catalog-unreadable', 'forbidden', 'Không đọc được danh mục tài liệu sau cập nhật.', 'The document catalog cannot be read after the update.');
    return;
  }
  for (const k of changedKeys(a, b)) {
    if (k === 'AcroForm') continue; // judged by ruleAcroForm
    if (k === 'DSS') {
      fact(c, 'dss-added', 'dss', 'Bổ sung dữ liệu kiểm tra dài hạn (DSS).', 'Long-term validation data (DSS) added.');
    } else if (k === 'Extensions') {
      const objs = new Set<number>();
      reachable(c.neu, b.get('Extensions'), objs);
      for (const n of objs) c.explained.add(n);
      fact(c, 'extensions-updated', 'metadata', 'Cập nhật khai báo phần mở rộng PDF (/Extensions).', 'PDF extension declarations (/Extensions) updated.');
    } else if (k === 'Version' && versionRaised(a.get('Version'), b.get('Version'))) {
      fact(c, 'version-raised', 'metadata', 'Nâng phiên bản PDF khai báo.', 'Declared PDF version raised.');
    } else if (k === 'Metadata') {
      fact(c, 'metadata-updated', 'metadata', 'Cập nhật siêu dữ liệu (XMP).', 'XMP metadata updated.');
    } else if (k === 'Pages') {
      // page tree judged by rulePages on the resolved pages; a different /Pages object is a rewrite
      fact(c, 'catalog-pages-replaced', 'forbidden', 'Cây trang của tài liệu bị thay thế.', 'The page tree of the document was replaced.');
    } else {
      fact(c, 'catalog-changed', 'forbidden', `Danh mục tài liệu bị thay đổi: /${k}.`, `The document catalog was changed: /${k}.`);
    }
  }
}

function versionRaised(a: PdfValue | undefined, b: PdfValue | undefined): boolean {
  const v = (x: PdfValue | undefined) => (x instanceof PdfName ? Number(x.name) : NaN);
  const nb = v(b);
  return Number.isFinite(nb) && (a === undefined || nb >= v(a));
}

/** Trailer: /Info may change (metadata); a new /Encrypt may not. */
export function ruleTrailer(c: Ctx): void {
  const info = c.neu.trailer.get('Info');
  if (info instanceof PdfRef && (c.modified.has(info.num) || c.created.has(info.num))) {
    c.explained.add(info.num);
    fact(c, 'info-updated', 'metadata', 'Cập nhật thông tin tài liệu (/Info).', 'Document information (/Info) updated.', [info.num]);
  }
  const meta = SAFE(() => c.neu.catalog.get('Metadata'), undefined);
  if (meta instanceof PdfRef && c.modified.has(meta.num)) {
    c.explained.add(meta.num);
    fact(c, 'metadata-updated', 'metadata', 'Cập nhật siêu dữ liệu (XMP).', 'XMP metadata updated.', [meta.num]);
  }
  if (!sameValue(c.old.trailer.get('Encrypt'), c.neu.trailer.get('Encrypt'))) {
    fact(c, 'encryption-changed', 'forbidden', 'Mã hóa tài liệu bị thay đổi sau khi ký.', 'The document encryption was changed after signing.');
  }
}

/** /Extensions held in indirect objects may be updated in place (developer extensions, e.g. ESIC for PAdES). */
export function ruleExtensions(c: Ctx): void {
  const ext = SAFE(() => c.neu.catalog.get('Extensions'), undefined);
  if (ext === undefined) return;
  const objs = new Set<number>();
  reachable(c.neu, ext, objs);
  const touched = [...objs].filter((n) => c.modified.has(n) && !c.explained.has(n));
  for (const n of touched) c.explained.add(n);
  if (touched.length) fact(c, 'extensions-updated', 'metadata', 'Cập nhật khai báo phần mở rộng PDF (/Extensions).', 'PDF extension declarations (/Extensions) updated.', touched);
}

/** DSS: the dictionary and everything under it may be added or replaced. */
export function ruleDss(c: Ctx): void {
  const dss = SAFE(() => c.neu.catalog.get('DSS'), undefined);
  if (dss === undefined) return;
  const objs = new Set<number>();
  reachable(c.neu, dss, objs);
  let touched = false;
  for (const n of objs) if (c.modified.has(n) || c.created.has(n)) { c.explained.add(n); touched = true; }
  if (touched) fact(c, 'dss-updated', 'dss', 'Cập nhật dữ liệu kiểm tra dài hạn (DSS).', 'Long-term validation data (DSS) updated.');
}
