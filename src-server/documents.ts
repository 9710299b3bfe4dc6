// Applies client intents exactly once and keeps the Decree 30 registers: outgoing numbers per
// organisation per year from 01 (separate confidential register), incoming số đến likewise.
// Every change appends a row per organisation that can see the document; pulls read that log.
// Concurrency (several nodes on one PostgreSQL): each intent runs in one transaction that first
// locks its client's row (so one client's intents apply in order, once), then the document's row
// (so two status changes of one document cannot both pass their check), numbers registers with an
// atomic upsert, and takes the change feed's seq last (its feed rows are queued and written as the
// transaction's last statements), from a counter row it keeps locked until commit: a transaction that takes seq N+1 commits after the one that took N, so a puller that has
// seen N+1 on any node has seen N. Lock order (client, document, register, counter) is the same
// in every intent, so these locks do not deadlock each other.
import { sql } from 'kysely';
import type { GatewayDb, Tx } from './db';
import { HttpError } from './errors';
import type { AuthUser } from './auth';
import type { FileStore } from './files';
import type { Intent, IntentResult, PushRequest } from '../src-shared/sync/protocol';
import type { DocumentSnapshot, DocumentMeta } from '../src-shared/domain/schemas';
import { buildKyHieu, formatSoKyHieu } from '../src-shared/domain/kyhieu';
import { fileNameProblem, toSafeFileName } from '../src-shared/domain/filename';
import { isConfidential, type DocStatus, type Role } from '../src-shared/domain/levels';
import { VanthuError } from '../src-shared/errors';

/** Calendar date and year in Vietnam (UTC+7), which is what the registers count in. */
export function vnDate(now: number): { date: string; year: number } {
  const d = new Date(now + 7 * 3600_000).toISOString().slice(0, 10);
  return { date: d, year: Number(d.slice(0, 4)) };
}

const reject = (code: string, vi: string, en: string, details?: Record<string, unknown>) => new HttpError(409, code, vi, en, details);

type DocRow = { id: string; owner_org_id: string; status: DocStatus; meta: string; confidential: number; created_by: string; created_at: string; updated_at: string };

export class Documents {
  private pg: boolean;
  constructor(private db: GatewayDb, private files: FileStore, private now: () => number) { this.pg = db.engine === 'postgres'; }

  /** The document row; inside a write transaction on PostgreSQL, locked until commit. */
  private async doc(q: Tx, id: string, lock = true): Promise<DocRow | undefined> {
    return await q.selectFrom('documents').selectAll().where('id', '=', id)
      .$if(lock && this.pg, (b) => b.forUpdate()).executeTakeFirst() as DocRow | undefined;
  }

  private async canSee(q: Tx, orgId: string, docId: string): Promise<boolean> {
    return !!(await q.selectFrom('access').select('doc_id').where('doc_id', '=', docId).where('org_id', '=', orgId).executeTakeFirst());
  }

  /** The document as the user's organisation may see it, or a 404 (never revealing that it exists elsewhere). */
  private async visibleDoc(q: Tx, user: AuthUser, id: string): Promise<DocRow> {
    const d = await this.doc(q, id);
    if (!d || !(await this.canSee(q, user.orgId, id))) throw reject('DOC_NOT_FOUND', 'Không tìm thấy văn bản.', 'Document not found.');
    return d;
  }

  private async ownDoc(q: Tx, user: AuthUser, id: string): Promise<DocRow> {
    const d = await this.visibleDoc(q, user, id);
    if (d.owner_org_id !== user.orgId) throw reject('NOT_OWNER', 'Văn bản thuộc cơ quan khác.', 'The document belongs to another organisation.');
    return d;
  }

  /** Record a change of the document for every organisation that can see it (see the header on seq). */
  private async touch(q: Tx, docId: string, iso: string, fresh?: { orgId: string }): Promise<void> {
    // A document inserted by this transaction already has updated_at = iso and one reader, its owner.
    if (!fresh) await q.updateTable('documents').set({ updated_at: iso }).where('id', '=', docId).execute();
    const orgs = fresh ? [{ org_id: fresh.orgId }] : await q.selectFrom('access').select('org_id').where('doc_id', '=', docId).orderBy('org_id').execute();
    if (!orgs.length) return;
    // numbered at the end of the transaction (flushFeed), so the counter row is locked only for
    // the last two statements and the commit, not for the rest of the intent's work
    const queue = this.feedQueue.get(q) ?? [];
    this.feedQueue.set(q, queue);
    for (const o of orgs) queue.push({ org_id: o.org_id, doc_id: docId });
  }

  /** The feed rows this transaction's changes queued (touch), in order. */
  private readonly feedQueue = new WeakMap<Tx, Array<{ org_id: string; doc_id: string }>>();

  /** Number the queued feed rows from the counter (locked until commit) and write them: last before the commit. */
  private async flushFeed(q: Tx): Promise<void> {
    const rows = this.feedQueue.get(q);
    this.feedQueue.delete(q);
    if (!rows?.length) return;
    if (this.pg) {
      // one statement: the counter row is then locked for that statement and the commit only
      const values = sql.join(rows.map((r, i) => sql`(${i + 1}::bigint, ${r.org_id}::text, ${r.doc_id}::text)`));
      await sql`WITH c AS (UPDATE counters SET value = value + ${rows.length} WHERE name = 'changes' RETURNING value)
        INSERT INTO changes (seq, org_id, doc_id) SELECT c.value - ${rows.length} + v.i, v.org_id, v.doc_id FROM c, (VALUES ${values}) AS v(i, org_id, doc_id)`.execute(q);
      return;
    }
    const { value } = await q.updateTable('counters').set((eb) => ({ value: eb('value', '+', rows.length) }))
      .where('name', '=', 'changes').returning('value').executeTakeFirstOrThrow();
    const first = Number(value) - rows.length + 1;
    await q.insertInto('changes').values(rows.map((r, i) => ({ seq: first + i, org_id: r.org_id, doc_id: r.doc_id }))).execute();
  }

  private requireRole(user: AuthUser, roles: Role[], action: string): void {
    if (!roles.includes(user.role) && user.role !== 'admin')
      throw new HttpError(403, 'ROLE_FORBIDDEN', `Vai trò của bạn không được phép: ${action}.`, `Your role may not: ${action}.`);
  }

  /** The register's next number, taken atomically (the row stays locked until commit). */
  private async nextNo(q: Tx, orgId: string, year: number, register: string): Promise<number> {
    const r = await q.insertInto('registers').values({ org_id: orgId, year, register, last_no: 1 })
      .onConflict((oc) => oc.columns(['org_id', 'year', 'register']).doUpdateSet({ last_no: sql<number>`registers.last_no + 1` }))
      .returning('last_no').executeTakeFirstOrThrow();
    return Number(r.last_no);
  }

  private async insertDoc(q: Tx, user: AuthUser, id: string, meta: DocumentMeta, status: DocStatus, iso: string): Promise<void> {
    await q.insertInto('documents').values({
      id, owner_org_id: user.orgId, status, meta: JSON.stringify(meta), confidential: isConfidential(meta.doMat) ? 1 : 0,
      created_by: user.id, created_at: iso, updated_at: iso,
    }).execute();
    await q.insertInto('access').values({ doc_id: id, org_id: user.orgId }).execute();
  }

  private async registerIncoming(q: Tx, orgId: string, docId: string, confidential: boolean): Promise<Record<string, unknown>> {
    const { date, year } = vnDate(this.now());
    const register = confidential ? 'confidential' : 'normal';
    const soDen = await this.nextNo(q, orgId, year, `in-${register}`);
    await q.insertInto('incoming').values({ doc_id: docId, org_id: orgId, year, register, so_den: soDen, ngay_den: date }).execute();
    return { soDen, ngayDen: date, register };
  }

  private setStatus(q: Tx, docId: string, status: DocStatus) {
    return q.updateTable('documents').set({ status }).where('id', '=', docId).execute();
  }

  /** Apply one intent's effect. Throws HttpError for a business rejection. */
  private async apply(q: Tx, user: AuthUser, it: Intent): Promise<Record<string, unknown>> {
    const iso = new Date(this.now()).toISOString();
    switch (it.kind) {
      case 'create_draft': {
        // Only a document the caller can see "exists"; any other id answers like an unknown one,
        // so create_draft cannot probe for other organisations' documents.
        if (await this.doc(q, it.docId)) {
          await this.visibleDoc(q, user, it.docId);
          throw reject('DOC_EXISTS', 'Văn bản đã tồn tại.', 'The document already exists.');
        }
        await this.insertDoc(q, user, it.docId, { ...it.meta, direction: 'out' }, 'draft', iso);
        await this.touch(q, it.docId, iso, { orgId: user.orgId });
        return {};
      }
      case 'add_version': {
        const d = await this.ownDoc(q, user, it.docId);
        // The protocol schema already refuses such names; this also covers in-process callers.
        const bad = fileNameProblem(it.fileName);
        if (bad) throw reject(bad.code, bad.message_vi, bad.message_en);
        if (d.status === 'archived' || (d.status === 'issued' && it.versionKind === 'draft'))
          throw reject('DOC_LOCKED', 'Văn bản đã phát hành/lưu trữ, không thể thêm bản dự thảo.', 'The document is issued or archived; no new draft version.');
        if (!(await this.files.orgHas(user.orgId, it.sha256, q)))
          throw reject('FILE_MISSING', 'Tệp chưa được tải lên máy chủ.', 'The file has not been uploaded.', { sha256: it.sha256 });
        const head = await q.selectFrom('versions').select(['no', 'sha256']).where('doc_id', '=', it.docId).orderBy('no', 'desc').limit(1).executeTakeFirst();
        if ((head?.sha256 ?? null) !== it.parentSha256)
          throw reject('VERSION_CONFLICT', 'Văn bản đã có phiên bản mới hơn; hãy ký/sửa trên phiên bản mới nhất.',
            'A newer version exists; sign or edit the latest version.', { latestSha256: head?.sha256 ?? null, latestNo: head?.no ?? 0 });
        const no = (head?.no ?? 0) + 1;
        await q.insertInto('versions').values({
          doc_id: it.docId, no, sha256: it.sha256, size: it.size, file_name: it.fileName, kind: it.versionKind,
          parent_sha256: it.parentSha256, created_by: user.id, created_at: iso,
        }).execute();
        await this.touch(q, it.docId, iso);
        return { versionNo: no };
      }
      case 'submit': {
        const d = await this.ownDoc(q, user, it.docId);
        if (d.status !== 'draft' && d.status !== 'returned') throw reject('BAD_STATUS', 'Chỉ trình được văn bản dự thảo.', 'Only a draft can be submitted.', { status: d.status });
        const { n } = await q.selectFrom('versions').select((eb) => eb.fn.countAll<number>().as('n')).where('doc_id', '=', it.docId).executeTakeFirstOrThrow();
        if (Number(n) === 0) throw reject('NO_VERSION', 'Văn bản chưa có tệp.', 'The document has no file yet.');
        await this.setStatus(q, it.docId, 'submitted');
        break;
      }
      case 'change_status': {
        const d = await this.ownDoc(q, user, it.docId);
        const allowed: Record<string, { from: DocStatus[]; roles: Role[] }> = {
          approved: { from: ['submitted'], roles: ['secretary'] },
          returned: { from: ['submitted'], roles: ['secretary'] },
          issued: { from: ['approved'], roles: ['clerk'] },
          archived: { from: ['issued', 'registered'], roles: ['clerk'] },
        };
        const rule = allowed[it.status];
        this.requireRole(user, rule.roles, it.status);
        if (!rule.from.includes(d.status)) throw reject('BAD_STATUS', `Không thể chuyển từ trạng thái ${d.status}.`, `Cannot move from status ${d.status}.`, { status: d.status });
        await this.setStatus(q, it.docId, it.status);
        if (it.status === 'issued') return this.issue(q, user, d, iso);
        break;
      }
      case 'register_incoming': {
        this.requireRole(user, ['clerk'], 'register_incoming');
        const d = await this.doc(q, it.docId);
        if (!d) {
          if (!it.meta) throw reject('DOC_NOT_FOUND', 'Không tìm thấy văn bản.', 'Document not found.');
          await this.insertDoc(q, user, it.docId, { ...it.meta, direction: 'in' }, 'registered', iso);
          const r = await this.registerIncoming(q, user.orgId, it.docId, isConfidential(it.meta.doMat));
          await this.touch(q, it.docId, iso, { orgId: user.orgId });
          return r;
        }
        await this.visibleDoc(q, user, it.docId);
        if (await q.selectFrom('incoming').select('doc_id').where('doc_id', '=', it.docId).where('org_id', '=', user.orgId).executeTakeFirst())
          throw reject('ALREADY_REGISTERED', 'Văn bản đã được vào sổ.', 'The document is already registered.');
        if (d.owner_org_id === user.orgId) throw reject('NOT_INCOMING', 'Văn bản của chính cơ quan, không phải văn bản đến.', 'The document is the organisation\'s own, not incoming.');
        const r = await this.registerIncoming(q, user.orgId, it.docId, d.confidential === 1);
        await this.touch(q, it.docId, iso);
        return r;
      }
      case 'mark_read': {
        await this.visibleDoc(q, user, it.docId);
        await q.insertInto('reads').values({ doc_id: it.docId, user_id: user.id, at: iso })
          .onConflict((oc) => oc.columns(['doc_id', 'user_id']).doNothing()).execute();
        break;
      }
    }
    await this.touch(q, it.docId, iso);
    return {};
  }

  /** Assign số and ký hiệu from the organisation's register for this year and deliver to recipients. */
  private async issue(q: Tx, user: AuthUser, d: DocRow, iso: string): Promise<Record<string, unknown>> {
    const meta = JSON.parse(d.meta) as DocumentMeta;
    const { date, year } = vnDate(this.now());
    const register = d.confidential ? 'confidential' : 'normal';
    const org = await q.selectFrom('orgs').select('abbr').where('id', '=', d.owner_org_id).executeTakeFirstOrThrow();
    let kyHieu: string;
    try { kyHieu = buildKyHieu({ typeCode: meta.typeCode, orgAbbr: org.abbr, unitAbbr: meta.unitAbbr }); }
    catch (e) { if (e instanceof VanthuError) throw reject(e.code, e.message_vi, e.message_en); throw e; }
    for (const rid of meta.recipientOrgIds) {
      if (!(await q.selectFrom('orgs').select('id').where('id', '=', rid).executeTakeFirst())) throw reject('INVALID_RECIPIENT', `Nơi nhận không tồn tại: ${rid}.`, `Unknown recipient organisation: ${rid}.`);
    }
    const so = await this.nextNo(q, d.owner_org_id, year, `out-${register}`);
    await q.insertInto('issues').values({ doc_id: d.id, org_id: d.owner_org_id, year, register, so, ky_hieu: kyHieu, issued_date: date }).execute();
    for (const rid of meta.recipientOrgIds) {
      if (rid !== d.owner_org_id) await q.insertInto('access').values({ doc_id: d.id, org_id: rid }).onConflict((oc) => oc.columns(['doc_id', 'org_id']).doNothing()).execute();
    }
    await this.touch(q, d.id, iso);
    return { so, kyHieu, soKyHieu: formatSoKyHieu(so, kyHieu), issuedDate: date, register };
  }

  /** Apply a batch in sequence order; each intent and its record commit in one transaction. */
  async push(user: AuthUser, req: PushRequest): Promise<{ results: IntentResult[]; expectedSeq?: number }> {
    const client = await this.db.k.selectFrom('clients').select(['user_id', 'last_seq']).where('client_id', '=', req.clientId).executeTakeFirst();
    if (client && client.user_id !== user.id) throw new HttpError(403, 'CLIENT_FOREIGN', 'Mã máy khách thuộc người dùng khác.', 'The client id belongs to another user.');
    if (!client) {
      await this.db.k.insertInto('clients').values({ client_id: req.clientId, user_id: user.id, last_seq: 0 }).onConflict((oc) => oc.column('client_id').doNothing()).execute();
      const owner = await this.db.k.selectFrom('clients').select('user_id').where('client_id', '=', req.clientId).executeTakeFirstOrThrow();
      if (owner.user_id !== user.id) throw new HttpError(403, 'CLIENT_FOREIGN', 'Mã máy khách thuộc người dùng khác.', 'The client id belongs to another user.');
    }
    const results: IntentResult[] = [];
    for (const it of req.intents) {
      const step = await this.db.tx(async (q): Promise<IntentResult | { expectedSeq: number }> => {
        // The client's row first: concurrent pushes of one client (through two nodes) queue here.
        // (and, in the same query, this intent's record if it was applied before)
        const row = await q.selectFrom('clients as c').leftJoin('intents as i', (j) => j.on('i.intent_id', '=', it.id))
          .select(['c.last_seq', 'i.client_id', 'i.outcome', 'i.error', 'i.result']).where('c.client_id', '=', req.clientId)
          .$if(this.pg, (b) => b.forUpdate('c')).executeTakeFirstOrThrow();
        const last = row.last_seq;
        const prev = row.outcome ? row as { client_id: string; outcome: string; error: string | null; result: string | null } : undefined;
        if (prev) {
          if (prev.client_id !== req.clientId) throw new HttpError(403, 'CLIENT_FOREIGN', 'Ý định thuộc máy khách khác.', 'The intent belongs to another client.');
          return prev.outcome === 'rejected'
            ? { id: it.id, seq: it.seq, outcome: 'rejected', error: JSON.parse(prev.error!) }
            : { id: it.id, seq: it.seq, outcome: 'duplicate', result: prev.result ? JSON.parse(prev.result) : {} };
        }
        if (it.seq <= last) {
          return { id: it.id, seq: it.seq, outcome: 'rejected', error: { code: 'SEQ_REUSED', message_vi: 'Số thứ tự đã được dùng cho ý định khác.', message_en: 'The sequence number was used by another intent.' } };
        }
        if (it.seq !== last + 1) return { expectedSeq: last + 1 };
        let res: IntentResult;
        // The effect runs under a savepoint: a business rejection undoes it and keeps the record.
        // create_draft rejects only before its first write, so it needs none (two round trips less).
        const savepoint = it.kind !== 'create_draft';
        if (savepoint) await sql`SAVEPOINT apply_intent`.execute(q);
        try {
          res = { id: it.id, seq: it.seq, outcome: 'applied', result: await this.apply(q, user, it) };
          if (savepoint) await sql`RELEASE SAVEPOINT apply_intent`.execute(q);
        } catch (e) {
          if (!(e instanceof HttpError)) throw e;
          if (savepoint) await sql`ROLLBACK TO SAVEPOINT apply_intent`.execute(q);
          this.feedQueue.delete(q); // nothing of a rejected intent reaches the feed
          res = { id: it.id, seq: it.seq, outcome: 'rejected', error: { code: e.code, message_vi: e.message_vi, message_en: e.message_en, details: e.details } };
        }
        await q.insertInto('intents').values({
          intent_id: it.id, client_id: req.clientId, seq: it.seq, user_id: user.id, kind: it.kind, outcome: res.outcome,
          error: res.error ? JSON.stringify(res.error) : null, result: res.result ? JSON.stringify(res.result) : null, applied_at: this.now(),
        }).execute();
        await q.updateTable('clients').set({ last_seq: it.seq }).where('client_id', '=', req.clientId).execute();
        await this.flushFeed(q);
        return res;
      });
      if ('expectedSeq' in step) return { results, expectedSeq: step.expectedSeq };
      results.push(step);
    }
    return { results };
  }

  async snapshot(q: Tx, orgId: string, id: string): Promise<DocumentSnapshot> {
    return (await this.snapshots(q, orgId, [id]))[0];
  }

  /** Snapshots of several documents in five queries (not five per document), in the order of `ids`. */
  async snapshots(q: Tx, orgId: string, ids: string[]): Promise<DocumentSnapshot[]> {
    if (!ids.length) return [];
    const group = <T extends { doc_id: string }>(rows: T[]) => {
      const m = new Map<string, T[]>();
      for (const r of rows) { const g = m.get(r.doc_id); if (g) g.push(r); else m.set(r.doc_id, [r]); }
      return m;
    };
    const docs = new Map((await q.selectFrom('documents').selectAll().where('id', 'in', ids).execute() as DocRow[]).map((d) => [d.id, d]));
    const issues = new Map((await q.selectFrom('issues').selectAll().where('doc_id', 'in', ids).execute()).map((r) => [r.doc_id, r]));
    const incoming = new Map((await q.selectFrom('incoming').selectAll().where('doc_id', 'in', ids).where('org_id', '=', orgId).execute()).map((r) => [r.doc_id, r]));
    const versions = group(await q.selectFrom('versions').selectAll().where('doc_id', 'in', ids).orderBy('doc_id').orderBy('no').execute());
    const reads = group(await q.selectFrom('reads as r').innerJoin('users as u', 'u.id', 'r.user_id').select(['r.doc_id', 'r.user_id'])
      .where('r.doc_id', 'in', ids).where('u.org_id', '=', orgId).orderBy('r.doc_id').orderBy('r.user_id').execute());
    return ids.map((id) => {
      const d = docs.get(id)!;
      const meta = JSON.parse(d.meta) as DocumentMeta;
      const iss = issues.get(id) as { year: number; register: 'normal' | 'confidential'; so: number; ky_hieu: string; issued_date: string } | undefined;
      const inc = incoming.get(id) as { year: number; register: 'normal' | 'confidential'; so_den: number; ngay_den: string } | undefined;
      const vs = (versions.get(id) ?? []).map((v) => ({
        // A name stored before the shared file-name rule was tightened is repaired on the way out.
        no: v.no, sha256: v.sha256, size: v.size, fileName: fileNameProblem(v.file_name) ? toSafeFileName(v.file_name) : v.file_name, kind: v.kind, parentSha256: v.parent_sha256, createdBy: v.created_by, createdAt: v.created_at,
      }));
      const readBy = (reads.get(id) ?? []).map((r) => r.user_id);
      const status: DocStatus = d.owner_org_id === orgId ? d.status : inc ? 'registered' : 'received';
      return {
        id, ownerOrgId: d.owner_org_id, status, meta,
        issue: iss ? { so: iss.so, kyHieu: iss.ky_hieu, soKyHieu: formatSoKyHieu(iss.so, iss.ky_hieu), issuedDate: iss.issued_date, register: iss.register, year: iss.year } : null,
        incoming: inc ? { soDen: inc.so_den, ngayDen: inc.ngay_den, register: inc.register, year: inc.year } : null,
        versions: vs as DocumentSnapshot['versions'], readBy, createdBy: d.created_by, createdAt: d.created_at, updatedAt: d.updated_at,
      };
    });
  }

  /** Documents changed for this organisation after `after`, oldest change first. */
  async changes(orgId: string, after: number, limit: number) {
    const rows = await this.db.k.selectFrom('changes').select(['doc_id', (eb) => eb.fn.max('seq').as('m')])
      .where('org_id', '=', orgId).where('seq', '>', after).groupBy('doc_id').orderBy('m').limit(limit + 1).execute();
    const page = rows.slice(0, limit);
    // One transaction so the page's snapshots are consistent with each other (none for an empty page).
    const changes = page.length ? await this.db.k.transaction().execute((q) => this.snapshots(q, orgId, page.map((r) => r.doc_id))) : [];
    return { changes, cursor: page.length ? Number(page[page.length - 1].m) : after, hasMore: rows.length > limit };
  }

  /** May this organisation download the file? Only if one of its visible documents has that version. */
  async canReadFile(orgId: string, sha: string): Promise<boolean> {
    return !!(await this.db.k.selectFrom('versions as v').innerJoin('access as a', 'a.doc_id', 'v.doc_id').select('v.doc_id')
      .where('v.sha256', '=', sha).where('a.org_id', '=', orgId).limit(1).executeTakeFirst())
      || this.files.orgHas(orgId, sha);
  }
}
