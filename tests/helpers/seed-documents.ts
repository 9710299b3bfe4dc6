// Fills the local store of a page of the desk with many documents, in the browser: the page's own
// IndexedDB database (vanthu-<store>, made by the page's Dexie schema on its first load) gets
// LocalDocument rows (sort key from the store's own sortDateOf) in one transaction per 5,000; the
// page then reloads so its live queries read them. Used by the shell e2e (a few thousand rows) and
// the desk benchmark (100,000).
import type { Page } from 'playwright-core';
import { sortDateOf, type LocalDocument } from '../../src-shared/sync/localdb';

const TYPES = ['CV', 'QD', 'TB', 'KH', 'BC', 'TTR'] as const;
const KHAN = ['thuong', 'khan', 'thuong_khan', 'hoa_toc'] as const;

/** Document i of a seeded store: every third one issued (số/ký hiệu "<i+1>/CV-UBND"), 40 a day from 2020. */
export function seededDocument(i: number): LocalDocument {
  const created = new Date(Date.UTC(2020, 0, 1) + Math.floor((i * 86_400_000) / 40)).toISOString();
  const issued = i % 3 === 0;
  const issuedDate = created.slice(0, 10);
  const doc = {
    id: `seed-${String(i).padStart(6, '0')}`,
    meta: {
      direction: 'out', typeCode: TYPES[i % TYPES.length], subject: `Văn bản mẫu số ${i + 1} về việc kiểm tra danh sách dài`,
      organName: 'UBND xã Gia Tân', doMat: 'thuong', doKhan: KHAN[i % 4], recipients: [], recipientOrgIds: [],
      ...(i % 7 === 0 ? { dueDate: '2021-01-01' } : {}),
    },
    status: issued ? 'issued' : 'draft',
    ownerOrgId: 'hd-giatan',
    issue: issued ? { so: i + 1, kyHieu: 'CV-UBND', soKyHieu: `${String(i + 1).padStart(2, '0')}/CV-UBND`, issuedDate, register: 'normal', year: Number(issuedDate.slice(0, 4)) } : null,
    incoming: null,
    readBy: [],
    createdAt: created,
    updatedAt: created,
    sortDate: '',
    pending: 0,
    conflicts: 0,
    server: null,
  } as LocalDocument;
  doc.sortDate = sortDateOf(doc);
  return doc;
}

/** The seeded documents in the list's default order (newest first: sortDate, then id, descending). */
export function seededNewestFirst(count: number): LocalDocument[] {
  return Array.from({ length: count }, (_, i) => seededDocument(i)).sort((a, b) => (a.sortDate === b.sortDate ? (a.id < b.id ? 1 : -1) : a.sortDate < b.sortDate ? 1 : -1));
}

export async function seedDocumentsInPage(page: Page, storeName: string, count: number): Promise<void> {
  for (let from = 0; from < count; from += 5000) {
    const rows = Array.from({ length: Math.min(5000, count - from) }, (_, k) => seededDocument(from + k));
    await page.evaluate(
      async ({ name, rows }) => {
        const db = await new Promise<IDBDatabase>((resolve, reject) => {
          const r = indexedDB.open(name);
          r.onsuccess = () => resolve(r.result);
          r.onerror = () => reject(r.error);
        });
        try {
          if (!db.objectStoreNames.contains('documents')) throw new Error(`${name} has no documents table: open the documents desk first`);
          await new Promise<void>((resolve, reject) => {
            const tx = db.transaction('documents', 'readwrite');
            const store = tx.objectStore('documents');
            for (const row of rows) store.put(row);
            tx.oncomplete = () => resolve();
            tx.onerror = () => reject(tx.error);
          });
        } finally {
          db.close();
        }
      },
      { name: `vanthu-${storeName}`, rows },
    );
  }
}
