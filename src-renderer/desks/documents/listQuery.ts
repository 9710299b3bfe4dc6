// The documents list's reads from the local store: only what the list shows. The list never holds
// the whole table (100,000 documents and more): it asks for its shape (how many rows, and anchors:
// the sortDate index's key every ANCHOR_STEP rows; for a search, the matches' ids in order) and then
// for the rows of the window in view, read from the nearest anchor before them (a keyset position
// on the sortDate index, then at most ANCHOR_STEP - 1 entries skipped). Chromium's IndexedDB walks
// every entry an offset skips (measured at 100,000 documents: an offset of 50,000 ≈ 0.3–0.45 s, a
// count of the sortDate index ≈ 0.4 s), so windows are never read by offset from an end of the table.
// The order is the sortDate index's: newest first = the index reversed (equal dates: id descending),
// oldest first = the index as is (equal dates: id ascending), exactly the reverse of newest first.
// Plain Dexie and IndexedDB (no React), so the same functions run in Node tests with fake-indexeddb.
import { cmp } from 'dexie';
import type { LocalDocument, VanthuDb } from '../../../src-shared/sync/localdb';

/** Lower case, without diacritics (đ → d), for search that forgives missing accents. */
export const fold = (s: string): string => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[\u0111\u0110]/g, 'd').toLowerCase();

/** What a search looks at: trích yếu, số/ký hiệu, số đến — folded. */
export const searchKeyOf = (d: LocalDocument): string => fold(`${d.meta.subject} ${d.issue?.soKyHieu ?? ''} ${d.incoming ? d.incoming.soDen : ''}`);

/** Rows between two anchors of a shape. */
export const ANCHOR_STEP = 512;

/** An entry of the sortDate index: its key and its document's id. */
export interface Anchor { key: IDBValidKey; id: IDBValidKey }

/** The list's rows in display order: all documents, or the matches of a search. */
export interface ListShape {
  /** The folded query ('' = no search). */
  q: string;
  /** Documents in the list without a search (those on the sortDate index). */
  total: number;
  /** Rows of the list: total, or the number of matches. */
  count: number;
  /** For a search: the ids of the matches, newest first. */
  ids: string[] | null;
  /** Without a search: the index entry at newest-first position k × ANCHOR_STEP, for each k. */
  anchors: Anchor[] | null;
}

/** Documents read per step of a search's scan (the scan never holds more than one step's rows). */
const SCAN_STEP = 2000;

/** Ids of the documents whose search key holds q (folded), newest first. Reads the table in steps
 * by primary key, keeping only the matches' ids and dates. */
export async function matchingIds(db: VanthuDb, q: string): Promise<string[]> {
  const hits: Array<{ id: string; sortDate: string }> = [];
  let after: string | null = null;
  for (;;) {
    const step: LocalDocument[] = await (after === null ? db.documents.orderBy(':id') : db.documents.where(':id').above(after)).limit(SCAN_STEP).toArray();
    for (const d of step) if (typeof d.sortDate === 'string' && searchKeyOf(d).includes(q)) hits.push({ id: d.id, sortDate: d.sortDate });
    if (step.length < SCAN_STEP) break;
    after = step[step.length - 1].id;
  }
  // the sortDate index reversed: date descending, then id descending
  hits.sort((a, b) => (a.sortDate === b.sortDate ? (a.id < b.id ? 1 : a.id > b.id ? -1 : 0) : a.sortDate < b.sortDate ? 1 : -1));
  return hits.map((h) => h.id);
}

/** The sortDate index of a transaction's documents store (the native one under Dexie's). */
function sortDateIndex(db: VanthuDb, tx?: IDBTransaction): IDBIndex {
  return (tx ?? db.backendDB().transaction('documents', 'readonly')).objectStore('documents').index('sortDate');
}

/** The anchors of the sortDate index, newest first: a key cursor that the store moves on by
 * ANCHOR_STEP entries at a time (one callback per anchor, not per document). */
function readAnchors(index: IDBIndex): Promise<{ anchors: Anchor[]; count: number }> {
  return new Promise((resolve, reject) => {
    const anchors: Anchor[] = [];
    const r = index.openKeyCursor(null, 'prev');
    r.onsuccess = () => {
      const c = r.result;
      if (!c) return resolve({ anchors, count: anchors.length ? (anchors.length - 1) * ANCHOR_STEP : 0 });
      anchors.push({ key: c.key, id: c.primaryKey });
      c.advance(ANCHOR_STEP);
    };
    r.onerror = () => reject(r.error);
  });
}

/** The list's shape for a folded query ('' = every document). One read transaction: the count is
 * read through Dexie (so a live query of the shape sees every change of the table), the anchors
 * from the same transaction's native index. */
export function listShape(db: VanthuDb, q: string): Promise<ListShape> {
  return db.transaction('r', db.documents, async (tx) => {
    if (q) {
      const [total, ids] = await Promise.all([db.documents.count(), matchingIds(db, q)]);
      return { q, total, count: ids.length, ids, anchors: null };
    }
    const native = (tx as unknown as { idbtrans?: IDBTransaction }).idbtrans;
    const walk = readAnchors(sortDateIndex(db, native));
    const [count, { anchors, count: before }] = await Promise.all([db.documents.count(), walk]);
    // Every document is on the sortDate index (schema v2 sets sortDate on every write), so the
    // table's count is the index's (which Chromium counts ≈ 3× slower); the walk bounds it too:
    // more than the rows before the last anchor, at most a whole block more.
    const total = anchors.length ? Math.max(before + 1, Math.min(count, before + ANCHOR_STEP)) : 0;
    return { q, total, count: total, ids: null, anchors };
  });
}

/** Newest-first rows [from, from + n) of the sortDate index, read from the anchor at or before
 * `from` (positioned on its key and id, then moved on by the rows between). */
function readFrom(db: VanthuDb, anchor: Anchor, skip: number, n: number): Promise<LocalDocument[]> {
  const index = sortDateIndex(db);
  return new Promise((resolve, reject) => {
    const rows: LocalDocument[] = [];
    let phase: 'seek' | 'skip' | 'read' = 'seek';
    const r = index.openCursor(null, 'prev');
    r.onsuccess = () => {
      const c = r.result;
      if (!c) return resolve(rows);
      if (phase === 'seek') {
        phase = 'skip';
        // on the anchor, or before it in this order (its key and id, or the entry after it if it is gone)
        const k = cmp(c.key, anchor.key);
        if (k > 0 || (k === 0 && cmp(c.primaryKey, anchor.id) > 0)) {
          c.continuePrimaryKey(anchor.key, anchor.id);
          return;
        }
      }
      if (phase === 'skip') {
        phase = 'read';
        if (skip > 0) {
          c.advance(skip);
          return;
        }
      }
      rows.push(c.value as LocalDocument);
      if (rows.length >= n) resolve(rows);
      else c.continue();
    };
    r.onerror = () => reject(r.error);
  });
}

/** Rows [from, from + n) of the list in display order (fewer at its end; a missing document —
 * deleted since the shape was read — is left out of a search's rows, the next shape drops it). */
export async function listWindow(db: VanthuDb, shape: ListShape, from: number, n: number, newestFirst: boolean): Promise<LocalDocument[]> {
  const count = shape.count;
  const end = Math.min(count, from + n);
  if (from >= end) return [];
  if (shape.ids) {
    const ids = shape.ids;
    const at = newestFirst ? ids.slice(from, end) : ids.slice(count - end, count - from).reverse();
    return (await db.documents.bulkGet(at)).filter((d): d is LocalDocument => !!d);
  }
  // the same rows newest first: [a, b)
  const a = newestFirst ? from : count - end, b = newestFirst ? end : count - from;
  const k = Math.min(Math.floor(a / ANCHOR_STEP), shape.anchors!.length - 1);
  const rows = await readFrom(db, shape.anchors![k], a - k * ANCHOR_STEP, b - a);
  return newestFirst ? rows : rows.reverse();
}
