// Benchmark page for bench/sync.ts: runs the real store and sync engine in Chromium (real
// IndexedDB) and exposes timed operations on window.vanthuBench for Playwright to call.
import { VanthuDb, listDocuments, type LocalDocument } from '../../src-shared/sync/localdb';
import { LocalStore } from '../../src-shared/sync/store';
import { SyncEngine } from '../../src-shared/sync/engine';
import { signIn } from '../../src-shared/sync/session';
import type { FetchLike } from '../../src-shared/sync/http';

const f: FetchLike = (url, init) => fetch(url, { ...init, body: init.body as BodyInit | undefined });
let store: LocalStore | null = null;
const ms = (t0: number) => performance.now() - t0;

async function initialSync(url: string, username: string, password: string) {
  await new VanthuDb('bench-sync').delete();
  store = new LocalStore(new VanthuDb('bench-sync'));
  await signIn(store, f, url, username, password);
  const meta = new SyncEngine({ store, fetch: f, downloadFiles: false, pageSize: 1000 });
  let t0 = performance.now();
  await meta.syncUntilIdle();
  const metaMs = ms(t0);
  const docs = await store.db.documents.count();
  const files = new SyncEngine({ store, fetch: f, downloadFiles: true, downloadConcurrency: 4 });
  t0 = performance.now();
  await files.syncUntilIdle();
  const filesMs = ms(t0);
  return { metaMs, filesMs, docs, files: await store.db.files.count(), requests: meta.counters.requests + files.counters.requests };
}

async function incremental() {
  const e = new SyncEngine({ store: store!, fetch: f });
  const t0 = performance.now();
  await e.syncOnce();
  return { ms: ms(t0), pulled: e.stats.pulledDocs };
}

async function fillList(n: number) {
  const db = new VanthuDb('bench-list');
  await db.delete();
  await db.open();
  const base = Date.parse('2020-01-01T00:00:00Z');
  const t0 = performance.now();
  for (let i = 0; i < n; i += 5000) {
    const rows: LocalDocument[] = [];
    for (let k = i; k < Math.min(n, i + 5000); k++) {
      // random order of dates, so the index (not insertion order) must do the work
      const at = new Date(base + ((k * 7919) % n) * 3600_000).toISOString();
      rows.push({ id: `doc-${k}`, meta: { direction: 'out', typeCode: 'CV', subject: `Công văn số ${k} về việc triển khai nhiệm vụ`, organName: 'UBND xã', doMat: 'thuong', doKhan: 'thuong', recipients: ['Lưu: VT'], recipientOrgIds: [] },
        status: 'draft', ownerOrgId: 'x', issue: null, incoming: null, readBy: [], createdAt: at, updatedAt: at, sortDate: at, pending: 0, conflicts: 0, server: null });
    }
    await db.documents.bulkPut(rows);
  }
  const fillMs = ms(t0);
  db.close();
  return { fillMs, count: n };
}

async function listFirstPage(runs: number) {
  const db = new VanthuDb('bench-list');
  await db.open();
  const indexed: number[] = [];
  let first: string[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const page = await listDocuments(db, 50);
    indexed.push(ms(t0));
    first = page.map((d) => d.sortDate);
  }
  // Peer: what a store without the sortDate index has to do — read everything and sort.
  const naive: number[] = [];
  for (let r = 0; r < Math.min(3, runs); r++) {
    const t0 = performance.now();
    const all = await db.documents.toArray();
    all.sort((a, b) => b.sortDate.localeCompare(a.sortDate));
    all.slice(0, 50);
    naive.push(ms(t0));
  }
  const sorted = [...first].sort().reverse();
  db.close();
  return { indexed, naive, ordered: JSON.stringify(sorted) === JSON.stringify(first) && first.length === 50 };
}

(window as unknown as { vanthuBench: unknown }).vanthuBench = { initialSync, incremental, fillList, listFirstPage };
document.title = 'ready';
