// Benchmark of offline sync (issue 6), all on loopback, client in Debian's Chromium (real IndexedDB):
//   1. initial sync of 10,000 documents' metadata (target ≤ 10 s), then of 1,000 files of 1 MB;
//   2. incremental sync of 100 changed documents (target ≤ 1 s);
//   3. the first 50 documents by date out of 100,000 in IndexedDB (target ≤ 50 ms), against the
//      peer a store without the sortDate index would need (read all + sort).
// Run: node --import tsx bench/sync.ts [--docs 10000] [--files 1000] [--file-mb 1] [--list 100000]
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { randomBytes, randomUUID, createHash } from 'node:crypto';
import { build } from 'vite';
import { chromium } from 'playwright-core';
import { startGateway } from '../src-server/app';
import { seedDemo } from '../src-server/seed';
import { authenticate } from '../src-server/auth';

const arg = (name: string, dflt: number) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? Number(process.argv[i + 1]) : dflt; };
const DOCS = arg('docs', 10_000);
const FILES = arg('files', 1_000);
const FILE_MB = arg('file-mb', 1);
const LIST = arg('list', 100_000);
const PASSWORD = 'bench-mat-khau';
const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const f1 = (n: number) => n.toFixed(1);

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'vanthu-bench-sync-'));
const outDir = path.join(work, 'page');
await build({ root: path.join(repo, 'bench/sync-harness'), base: './', logLevel: 'warn', build: { outDir, emptyOutDir: true, chunkSizeWarningLimit: 4000 } });

const gw = await startGateway({ dataDir: path.join(work, 'gw'), rateLimitPerMinute: 1_000_000 });
await seedDemo(gw.db, { password: PASSWORD });
const login = async (username: string) => {
  const r = await fetch(`${gw.url}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }) });
  return await authenticate(gw.db, `Bearer ${(await r.json()).token}`, Date.now());
};
const author = await login('hd-giatan.chuyenvien');
const clerk = await login('hd-giatan.vanthu');

// ---- populate the gateway through its own intent path ----
let t0 = performance.now();
const clientId = randomUUID();
let seq = 0;
const ids: string[] = [];
for (let i = 0; i < DOCS; i += 100) {
  const intents = [];
  for (let k = i; k < Math.min(DOCS, i + 100); k++) {
    const docId = randomUUID(); ids.push(docId);
    intents.push({ id: randomUUID(), seq: ++seq, createdAt: new Date().toISOString(), kind: 'create_draft' as const, docId,
      meta: { direction: 'out' as const, typeCode: 'CV', unitAbbr: 'VP', subject: `Công văn số ${k} về việc triển khai nhiệm vụ chuyển đổi số năm 2026`, organName: 'UBND xã Gia Tân', doMat: 'thuong' as const, doKhan: 'thuong' as const, recipients: ['Các thôn', 'Lưu: VT'], recipientOrgIds: [], signer: { fullName: 'Lê Văn Cường', position: 'Chủ tịch', authority: 'TM.' as const }, pageAmount: 2 } });
  }
  await gw.docs.push(author, { clientId, intents });
}
for (let i = 0; i < FILES; i++) {
  const bytes = randomBytes(FILE_MB * 1024 * 1024);
  const sha = createHash('sha256').update(bytes).digest('hex');
  await gw.files.start(author.orgId, author.id, sha, bytes.length, Date.now());
  await gw.files.append(author.orgId, sha, 0, bytes, author.id);
  await gw.files.finalize(author.orgId, sha, Date.now(), author.id);
  await gw.docs.push(author, { clientId, intents: [{ id: randomUUID(), seq: ++seq, createdAt: new Date().toISOString(), kind: 'add_version', docId: ids[i], sha256: sha, size: bytes.length, fileName: `cong-van-${i}.pdf`, versionKind: 'draft', parentSha256: null }] });
}
console.log(`gateway populated: ${DOCS} documents, ${FILES} × ${FILE_MB} MB files in ${f1((performance.now() - t0) / 1000)} s`);

// ---- the page ----
const server = http.createServer((req, res) => {
  const p = path.join(outDir, path.normalize(decodeURIComponent((req.url ?? '/').split('?')[0])).replace(/^(\.\.[/\\])+/, ''));
  const file = fs.existsSync(p) && fs.statSync(p).isFile() ? p : path.join(outDir, 'index.html');
  res.setHeader('content-type', file.endsWith('.js') ? 'text/javascript' : file.endsWith('.html') ? 'text/html; charset=utf-8' : 'application/octet-stream');
  fs.createReadStream(file).pipe(res);
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const pageUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
const ctx = await browser.newContext();
const page = await ctx.newPage();
await page.goto(pageUrl);
await page.waitForFunction(() => document.title === 'ready');
type Bench = Record<string, (...a: unknown[]) => Promise<any>>;
const call = (fn: string, ...args: unknown[]) => page.evaluate(([fn, args]) => ((window as unknown as { vanthuBench: Bench }).vanthuBench[fn as string])(...(args as unknown[])), [fn, args] as const);

const init = await call('initialSync', gw.url, 'hd-giatan.chuyenvien', PASSWORD);
const totalMb = FILES * FILE_MB;
console.log(`\n1. Initial sync (Chromium, IndexedDB, loopback)`);
console.log(`   metadata: ${init.docs} documents in ${f1(init.metaMs / 1000)} s  (${Math.round(init.docs / (init.metaMs / 1000))} docs/s; target ≤ 10 s → ${f1(init.metaMs / 10_000)}× of budget)`);
console.log(`   files:    ${init.files} × ${FILE_MB} MB in ${f1(init.filesMs / 1000)} s  (${f1(totalMb / (init.filesMs / 1000))} MB/s, SHA-256 verified each)`);

const inc: number[] = [];
for (let r = 0; r < 5; r++) {
  const c = randomUUID();
  const batch = ids.slice(r * 100, r * 100 + 100).map((docId, k) => ({ id: randomUUID(), seq: k + 1, createdAt: new Date().toISOString(), kind: 'mark_read' as const, docId }));
  await gw.docs.push(clerk, { clientId: c, intents: batch });
  const x = await call('incremental');
  if (x.pulled !== 100) throw new Error(`expected 100 changes, pulled ${x.pulled}`);
  inc.push(x.ms);
}
console.log(`\n2. Incremental sync of 100 changed documents: median ${f1(median(inc))} ms over 5 rounds [${inc.map(f1).join(', ')}] (target ≤ 1000 ms → ${(median(inc) / 1000).toFixed(3)}× of budget)`);

const fill = await call('fillList', LIST);
const list = await call('listFirstPage', 20);
if (!list.ordered) throw new Error('list not in date order');
console.log(`\n3. First 50 by date out of ${fill.count} documents in IndexedDB (filled in ${f1(fill.fillMs / 1000)} s)`);
console.log(`   sortDate index: first (cold) ${f1(list.indexed[0])} ms, median ${f1(median(list.indexed))} ms over ${list.indexed.length} runs (target ≤ 50 ms)`);
console.log(`   peer, no index (read all + sort): median ${f1(median(list.naive))} ms → index is ${f1(median(list.naive) / median(list.indexed))}× faster`);

await browser.close();
server.close();
await gw.close();
fs.rmSync(work, { recursive: true, force: true });
