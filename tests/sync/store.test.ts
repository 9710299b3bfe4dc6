// The offline store (Dexie over fake-indexeddb): atomic action + outbox, schema migration,
// list by date, disk-full behaviour and encryption at rest of confidential files.
import { describe, it, expect } from 'vitest';
import { IDBKeyRange } from 'fake-indexeddb';
import { openStore, freshFactory, testKeyProtector } from './helpers';
import { VanthuDb, listDocuments } from '../../src-shared/sync/localdb';
import { LocalStore } from '../../src-shared/sync/store';
import { sha256Hex } from '../../src-shared/sync/at-rest';
import { buildKyHieu, formatSoKyHieu } from '../../src-shared/domain/kyhieu';
import { VanthuError } from '../../src-shared/errors';

const meta = (over: Record<string, unknown> = {}) => ({ typeCode: 'TTR', subject: 'Tờ trình đề nghị cấp kinh phí sửa chữa trụ sở', ...over });
const pdf = (s: string) => new TextEncoder().encode(`%PDF-1.7\n${s}`);

describe('Decree 30 ký hiệu', () => {
  it('builds số/ký hiệu with the type abbreviation, the organisation and for Công văn the unit', () => {
    expect(formatSoKyHieu(15, buildKyHieu({ typeCode: 'QD', orgAbbr: 'UBND' }))).toBe('15/QĐ-UBND');
    expect(formatSoKyHieu(12, buildKyHieu({ typeCode: 'TTR', orgAbbr: 'STC' }))).toBe('12/TTr-STC');
    expect(formatSoKyHieu(5, buildKyHieu({ typeCode: 'CV', orgAbbr: 'UBND', unitAbbr: 'VP' }))).toBe('05/UBND-VP');
    expect(() => buildKyHieu({ typeCode: 'CV', orgAbbr: 'UBND' })).toThrow(VanthuError);
    expect(() => buildKyHieu({ typeCode: 'QD', orgAbbr: '../x' })).toThrow(/abbreviation/);
  });
});

describe('local actions', () => {
  it('records a draft, its file version and their intents in one transaction with increasing sequence numbers', async () => {
    const s = openStore();
    const id = await s.createDraft(meta(), { bytes: pdf('a'), fileName: 'to-trinh.pdf' });
    await s.submit(id);
    const out = await s.db.outbox.orderBy('seq').toArray();
    expect(out.map((o) => [o.seq, o.intent.kind])).toEqual([[1, 'create_draft'], [2, 'add_version'], [3, 'submit']]);
    expect(new Set(out.map((o) => o.id)).size).toBe(3);
    const doc = await s.db.documents.get(id);
    expect(doc).toMatchObject({ status: 'submitted', pending: 3, meta: { typeCode: 'TTR', doMat: 'thuong', doKhan: 'thuong' } });
    const v = await s.headVersion(id);
    expect(v?.sha256).toBe(await sha256Hex(pdf('a')));
    expect(await s.readFile(v!.sha256)).toEqual(pdf('a'));
  });

  it('refuses invalid Decree 30 metadata before storing anything', async () => {
    const s = openStore();
    await expect(s.createDraft({ typeCode: 'XX', subject: 'x' } as never)).rejects.toThrow();
    await expect(s.createDraft(meta({ subject: '' }))).rejects.toThrow();
    expect(await s.db.documents.count()).toBe(0);
    expect(await s.db.outbox.count()).toBe(0);
  });

  it('adds a signed version on top of the current head', async () => {
    const s = openStore();
    const id = await s.createDraft(meta(), { bytes: pdf('v1'), fileName: 'v1.pdf' });
    await s.addVersion(id, { bytes: pdf('v1+sig'), fileName: 'v1-signed.pdf' }, 'signature');
    const last = (await s.db.outbox.orderBy('seq').last())!.intent;
    expect(last).toMatchObject({ kind: 'add_version', versionKind: 'signature', parentSha256: await sha256Hex(pdf('v1')) });
  });

  it('lists the newest documents first through the sortDate index', async () => {
    const s = openStore();
    let t = Date.parse('2026-01-01T00:00:00Z');
    const s2 = new LocalStore(s.db, undefined, () => (t += 3600_000));
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push(await s2.createDraft(meta({ subject: `Văn bản ${i}` })));
    const page = await listDocuments(s.db, 10);
    expect(page.map((d) => d.id)).toEqual(ids.slice(-10).reverse());
  });
});

describe('schema migration', () => {
  it('upgrades a version-1 database to version 2 keeping every row and filling the new sort index', async () => {
    const factory = freshFactory();
    const v1 = new VanthuDb('mig', { indexedDB: factory, IDBKeyRange }, 1);
    await v1.open();
    expect(v1.verno).toBe(1);
    const rows = [
      { id: 'a', createdAt: '2026-02-01T08:00:00.000Z', issue: { issuedDate: '2026-03-05' }, incoming: null },
      { id: 'b', createdAt: '2026-02-02T08:00:00.000Z', issue: null, incoming: { ngayDen: '2026-02-20' } },
      { id: 'c', createdAt: '2026-02-10T08:00:00.000Z', issue: null, incoming: null },
    ];
    await v1.table('documents').bulkAdd(rows.map((r) => ({ ...r, meta: { subject: r.id }, status: 'draft', updatedAt: r.createdAt, pending: 0 })));
    await v1.table('conflicts').add({ id: 'k', docId: 'a', intent: {}, error: { code: 'X' }, at: '' });
    await v1.table('outbox').add({ seq: 1, id: 'i1', docId: 'c', intent: {}, state: 'pending', attempts: 0, createdAt: '' });
    const shaHave = 'a'.repeat(64), shaMissing = 'b'.repeat(64);
    await v1.table('versions').bulkAdd([
      { docId: 'a', sha256: shaHave, size: 1, fileName: 'a.pdf', kind: 'draft', parentSha256: null, no: 1, createdAt: '' },
      { docId: 'a', sha256: shaMissing, size: 1, fileName: 'b.pdf', kind: 'signature', parentSha256: shaHave, no: 2, createdAt: '' },
    ]);
    await v1.table('files').add({ sha256: shaHave, size: 1, data: new Uint8Array([1]) });
    v1.close();

    const v2 = new VanthuDb('mig', { indexedDB: factory, IDBKeyRange });
    await v2.open();
    expect(v2.verno).toBe(2);
    expect(await v2.documents.count()).toBe(3);
    expect(await v2.outbox.count()).toBe(1);
    expect((await listDocuments(v2, 10)).map((d) => d.id)).toEqual(['a', 'b', 'c']);
    expect((await v2.documents.get('c'))!.conflicts).toBe(0);
    expect(await v2.conflicts.where('resolved').equals(0).count()).toBe(1);
    // the download queue holds exactly the server version whose bytes were never fetched
    expect(await v2.downloads.toArray()).toEqual([{ sha256: shaMissing, docId: 'a' }]);
    v2.close();
  });
});

describe('disk full', () => {
  it('reports STORAGE_FULL in Vietnamese and English and loses nothing already stored', async () => {
    const s = openStore();
    const keep = await s.createDraft(meta({ subject: 'Đã lưu trước' }), { bytes: pdf('keep'), fileName: 'keep.pdf' });
    // Emulate the browser's quota at the IndexedDB boundary: writes above a byte budget fail
    // with a QuotaExceededError DOMException, as Chromium raises it.
    let budget = 2000;
    s.db.close();
    s.db.use({
      stack: 'dbcore', name: 'quota', create: (down) => ({
        ...down,
        table: (n) => {
          const t = down.table(n);
          return { ...t, mutate: (req) => {
            const size = 'values' in req && req.values ? JSON.stringify(req.values, (_k, v) => (v instanceof Uint8Array ? 'x'.repeat(v.length) : v)).length : 0;
            budget -= size;
            if (budget < 0) return Promise.reject(new DOMException('The quota has been exceeded.', 'QuotaExceededError'));
            return t.mutate(req);
          } };
        },
      }),
    });
    await s.db.open();
    const before = { docs: await s.db.documents.count(), out: await s.db.outbox.count(), files: await s.db.files.count() };
    const err = await s.createDraft(meta({ subject: 'Quá lớn' }), { bytes: pdf('y'.repeat(50_000)), fileName: 'big.pdf' }).catch((e) => e);
    expect(err).toBeInstanceOf(VanthuError);
    expect(err.code).toBe('STORAGE_FULL');
    expect(err.message_vi).toMatch(/Ổ đĩa đầy/);
    expect({ docs: await s.db.documents.count(), out: await s.db.outbox.count(), files: await s.db.files.count() }).toEqual(before);
    expect((await s.db.documents.get(keep))!.meta.subject).toBe('Đã lưu trước');
    expect(await s.readFile((await s.headVersion(keep))!.sha256)).toEqual(pdf('keep'));
  });
});

describe('encryption at rest', () => {
  it('stores files of confidential documents only encrypted, and reads them back with the protected key', async () => {
    const factory = freshFactory();
    const s = openStore('enc', factory, testKeyProtector());
    const secret = pdf('Tài liệu MẬT: kế hoạch phòng chống thiên tai');
    const plainDoc = pdf('Tài liệu thường');
    const idM = await s.createDraft(meta({ doMat: 'mat' }), { bytes: secret, fileName: 'mat.pdf' });
    const idT = await s.createDraft(meta(), { bytes: plainDoc, fileName: 'thuong.pdf' });
    const fm = await s.db.files.get((await s.headVersion(idM))!.sha256);
    const ft = await s.db.files.get((await s.headVersion(idT))!.sha256);
    expect(fm!.iv).toBeDefined();
    expect(Buffer.from(fm!.data).includes(Buffer.from('phòng chống'))).toBe(false);
    expect(ft!.iv).toBeUndefined();
    const wrapped = (await s.db.kv.get('atRest.wrappedKey'))!.v as Uint8Array;
    expect(wrapped.length).toBeGreaterThan(32);
    s.db.close();

    const again = openStore('enc', factory, testKeyProtector());
    expect(await again.readFile(fm!.sha256)).toEqual(secret);
    again.db.close();

    const otherMachine = openStore('enc', factory, testKeyProtector(new Uint8Array(32).fill(9)));
    await expect(otherMachine.readFile(fm!.sha256)).rejects.toMatchObject({ code: 'AT_REST_KEY_UNAVAILABLE' });
    expect(await otherMachine.readFile(ft!.sha256)).toEqual(plainDoc);
  });
});
