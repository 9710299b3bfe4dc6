// The documents list's windowed reads (src-renderer/desks/documents/listQuery.ts) on fake-indexeddb:
// every window, in both orders, with and without a search, is the matching slice of the whole
// table sorted as the list sorts it (the reference: all documents read and sorted in memory).
import { describe, expect, it } from 'vitest';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { VanthuDb, type LocalDocument } from '../../src-shared/sync/localdb';
import { ANCHOR_STEP, fold, listShape, listWindow, matchingIds, searchKeyOf } from '../../src-renderer/desks/documents/listQuery';
import { seededDocument, seededNewestFirst } from '../helpers/seed-documents';

const N = 1234;

async function seeded(extra: LocalDocument[] = []): Promise<VanthuDb> {
  const db = new VanthuDb(`list-${Math.random()}`, { indexedDB: new IDBFactory(), IDBKeyRange });
  await db.documents.bulkPut([...Array.from({ length: N }, (_, i) => seededDocument(i)), ...extra]);
  return db;
}

/** Accented and unaccented subjects, an incoming number, and a date shared with a seeded document. */
function extras(): LocalDocument[] {
  const base = seededDocument(7);
  return [
    { ...base, id: 'x-accented', meta: { ...base.meta, subject: 'Giấy mời họp giao ban Đảng ủy' } },
    { ...base, id: 'x-plain', meta: { ...base.meta, subject: 'giay moi hop giao ban dang uy' } },
    { ...base, id: 'x-incoming', issue: null, incoming: { soDen: 4711, ngayDen: base.createdAt.slice(0, 10) } as LocalDocument['incoming'], meta: { ...base.meta, subject: 'Công văn đến' } },
  ].map((d) => ({ ...d, sortDate: d.sortDate }));
}

const newestFirst = (docs: LocalDocument[]) => [...docs].sort((a, b) => (a.sortDate === b.sortDate ? (a.id < b.id ? 1 : -1) : a.sortDate < b.sortDate ? 1 : -1));
const ids = (ds: LocalDocument[]) => ds.map((d) => d.id);
/** The id of the document at the shape's second anchor (newest-first position ANCHOR_STEP). */
const all512 = (shape: { anchors: Array<{ id: IDBValidKey }> | null }) => String(shape.anchors![1].id);

describe('documents list: windowed queries', () => {
  it('reads the rows of any window, in both orders, as the whole table sorted', async () => {
    const db = await seeded();
    const all = seededNewestFirst(N);
    const shape = await listShape(db, '');
    expect(shape).toMatchObject({ q: '', total: N, count: N, ids: null });
    for (const [from, n] of [[0, 48], [16, 64], [500, 64], [511, 2], [512, 64], [600, 64], [1000, 64], [1023, 1], [1024, 5], [1200, 64], [N - 10, 64], [N - 1, 1], [N, 64], [N + 100, 10]]) {
      expect(ids(await listWindow(db, shape, from, n, true))).toEqual(ids(all.slice(from, from + n)));
      expect(ids(await listWindow(db, shape, from, n, false))).toEqual(ids([...all].reverse().slice(from, from + n)));
    }
  });

  it('searches trích yếu, số/ký hiệu and số đến, ignoring case and accents; windows of the matches in both orders', async () => {
    const db = await seeded(extras());
    const all = newestFirst(await db.documents.toArray());
    for (const typed of ['301/CV-UBND', 'van ban mau so 12', 'GIAY MOI HOP', 'Đảng ủy', '4711', 'không có văn bản này']) {
      const q = fold(typed.trim());
      const want = all.filter((d) => searchKeyOf(d).includes(q));
      const shape = await listShape(db, q);
      expect(shape.count).toBe(want.length);
      expect(shape.total).toBe(N + 3);
      expect(shape.ids).toEqual(ids(want));
      for (const [from, n] of [[0, 32], [5, 16], [want.length - 3, 32]]) {
        if (from < 0) continue;
        expect(ids(await listWindow(db, shape, from, n, true))).toEqual(ids(want.slice(from, from + n)));
        expect(ids(await listWindow(db, shape, from, n, false))).toEqual(ids([...want].reverse().slice(from, from + n)));
      }
    }
    expect((await listShape(db, fold('giay moi'))).ids).toEqual(['x-plain', 'x-accented']);
    expect(await matchingIds(db, fold('4711'))).toEqual(['x-incoming']);
  });

  it('a window follows changes: a new document, a deleted one', async () => {
    const db = await seeded();
    const newest = { ...seededDocument(N + 5), id: 'z-new' };
    await db.documents.put(newest);
    let shape = await listShape(db, '');
    expect(shape.count).toBe(N + 1);
    expect(shape.anchors!.map((x) => x.id)).toEqual([0, ANCHOR_STEP, 2 * ANCHOR_STEP].map((k) => newestFirst([...Array.from({ length: N }, (_, i) => seededDocument(i)), newest])[k].id));
    expect(ids(await listWindow(db, shape, 0, 2, true))).toEqual(['z-new', seededNewestFirst(N)[0].id]);
    expect(ids(await listWindow(db, shape, N - 1, 5, false)).at(-1)).toBe('z-new');
    // an anchor's document deleted after the shape was read: the window starts at the entry after it
    const anchored = all512(await listShape(db, ''));
    await db.documents.delete(anchored);
    const after = newestFirst(await db.documents.toArray());
    expect(ids(await listWindow(db, shape, 512, 3, true))).toEqual(ids(after.slice(512, 515)));
    shape = await listShape(db, fold('mau so 1001 '));
    await db.documents.delete(shape.ids![0]);
    expect(await listWindow(db, shape, 0, 5, true)).toEqual([]);
  });
});
