// Applies client intents exactly once and keeps the Decree 30 registers: outgoing numbers per
// organisation per year from 01 (separate confidential register), incoming số đến likewise.
// Every change appends a row per organisation that can see the document; pulls read that log.
import type { Db } from './db';
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

interface DocRow { id: string; owner_org_id: string; status: DocStatus; meta: string; confidential: number; created_by: string; created_at: string; updated_at: string }

export class Documents {
  constructor(private db: Db, private files: FileStore, private now: () => number) {}

  private doc(id: string): DocRow | undefined {
    return this.db.prepare('SELECT * FROM documents WHERE id = ?').get(id) as DocRow | undefined;
  }

  private canSee(orgId: string, docId: string): boolean {
    return !!this.db.prepare('SELECT 1 FROM access WHERE doc_id = ? AND org_id = ?').get(docId, orgId);
  }

  /** The document as the user's organisation may see it, or a 404 (never revealing that it exists elsewhere). */
  private visibleDoc(user: AuthUser, id: string): DocRow {
    const d = this.doc(id);
    if (!d || !this.canSee(user.orgId, id)) throw reject('DOC_NOT_FOUND', 'Không tìm thấy văn bản.', 'Document not found.');
    return d;
  }

  private ownDoc(user: AuthUser, id: string): DocRow {
    const d = this.visibleDoc(user, id);
    if (d.owner_org_id !== user.orgId) throw reject('NOT_OWNER', 'Văn bản thuộc cơ quan khác.', 'The document belongs to another organisation.');
    return d;
  }

  private touch(docId: string, iso: string): void {
    this.db.prepare('UPDATE documents SET updated_at = ? WHERE id = ?').run(iso, docId);
    const ins = this.db.prepare('INSERT INTO changes (org_id, doc_id) VALUES (?, ?)');
    for (const { org_id } of this.db.prepare('SELECT org_id FROM access WHERE doc_id = ?').all(docId) as { org_id: string }[]) ins.run(org_id, docId);
  }

  private requireRole(user: AuthUser, roles: Role[], action: string): void {
    if (!roles.includes(user.role) && user.role !== 'admin')
      throw new HttpError(403, 'ROLE_FORBIDDEN', `Vai trò của bạn không được phép: ${action}.`, `Your role may not: ${action}.`);
  }

  private nextNo(orgId: string, year: number, register: string): number {
    const row = this.db.prepare('SELECT last_no FROM registers WHERE org_id = ? AND year = ? AND register = ?').get(orgId, year, register) as { last_no: number } | undefined;
    const n = (row?.last_no ?? 0) + 1;
    this.db.prepare('INSERT INTO registers (org_id, year, register, last_no) VALUES (?, ?, ?, ?) ON CONFLICT(org_id, year, register) DO UPDATE SET last_no = excluded.last_no')
      .run(orgId, year, register, n);
    return n;
  }

  private insertDoc(user: AuthUser, id: string, meta: DocumentMeta, status: DocStatus, iso: string): void {
    this.db.prepare('INSERT INTO documents (id, owner_org_id, status, meta, confidential, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(id, user.orgId, status, JSON.stringify(meta), isConfidential(meta.doMat) ? 1 : 0, user.id, iso, iso);
    this.db.prepare('INSERT INTO access (doc_id, org_id) VALUES (?, ?)').run(id, user.orgId);
  }

  private registerIncoming(orgId: string, docId: string, confidential: boolean): Record<string, unknown> {
    const { date, year } = vnDate(this.now());
    const register = confidential ? 'confidential' : 'normal';
    const soDen = this.nextNo(orgId, year, `in-${register}`);
    this.db.prepare('INSERT INTO incoming (doc_id, org_id, year, register, so_den, ngay_den) VALUES (?, ?, ?, ?, ?, ?)').run(docId, orgId, year, register, soDen, date);
    return { soDen, ngayDen: date, register };
  }

  /** Apply one intent's effect. Throws HttpError for a business rejection. */
  private apply(user: AuthUser, it: Intent): Record<string, unknown> {
    const iso = new Date(this.now()).toISOString();
    switch (it.kind) {
      case 'create_draft': {
        // Only a document the caller can see "exists"; any other id answers like an unknown one,
        // so create_draft cannot probe for other organisations' documents.
        if (this.doc(it.docId)) {
          this.visibleDoc(user, it.docId);
          throw reject('DOC_EXISTS', 'Văn bản đã tồn tại.', 'The document already exists.');
        }
        this.insertDoc(user, it.docId, { ...it.meta, direction: 'out' }, 'draft', iso);
        break;
      }
      case 'add_version': {
        const d = this.ownDoc(user, it.docId);
        // The protocol schema already refuses such names; this also covers in-process callers.
        const bad = fileNameProblem(it.fileName);
        if (bad) throw reject(bad.code, bad.message_vi, bad.message_en);
        if (d.status === 'archived' || (d.status === 'issued' && it.versionKind === 'draft'))
          throw reject('DOC_LOCKED', 'Văn bản đã phát hành/lưu trữ, không thể thêm bản dự thảo.', 'The document is issued or archived; no new draft version.');
        if (!this.files.orgHas(user.orgId, it.sha256))
          throw reject('FILE_MISSING', 'Tệp chưa được tải lên máy chủ.', 'The file has not been uploaded.', { sha256: it.sha256 });
        const head = this.db.prepare('SELECT no, sha256 FROM versions WHERE doc_id = ? ORDER BY no DESC LIMIT 1').get(it.docId) as { no: number; sha256: string } | undefined;
        if ((head?.sha256 ?? null) !== it.parentSha256)
          throw reject('VERSION_CONFLICT', 'Văn bản đã có phiên bản mới hơn; hãy ký/sửa trên phiên bản mới nhất.',
            'A newer version exists; sign or edit the latest version.', { latestSha256: head?.sha256 ?? null, latestNo: head?.no ?? 0 });
        const no = (head?.no ?? 0) + 1;
        this.db.prepare('INSERT INTO versions (doc_id, no, sha256, size, file_name, kind, parent_sha256, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
          .run(it.docId, no, it.sha256, it.size, it.fileName, it.versionKind, it.parentSha256, user.id, iso);
        this.touch(it.docId, iso);
        return { versionNo: no };
      }
      case 'submit': {
        const d = this.ownDoc(user, it.docId);
        if (d.status !== 'draft' && d.status !== 'returned') throw reject('BAD_STATUS', 'Chỉ trình được văn bản dự thảo.', 'Only a draft can be submitted.', { status: d.status });
        const n = (this.db.prepare('SELECT COUNT(*) AS n FROM versions WHERE doc_id = ?').get(it.docId) as { n: number }).n;
        if (n === 0) throw reject('NO_VERSION', 'Văn bản chưa có tệp.', 'The document has no file yet.');
        this.db.prepare('UPDATE documents SET status = ? WHERE id = ?').run('submitted', it.docId);
        break;
      }
      case 'change_status': {
        const d = this.ownDoc(user, it.docId);
        const allowed: Record<string, { from: DocStatus[]; roles: Role[] }> = {
          approved: { from: ['submitted'], roles: ['secretary'] },
          returned: { from: ['submitted'], roles: ['secretary'] },
          issued: { from: ['approved'], roles: ['clerk'] },
          archived: { from: ['issued', 'registered'], roles: ['clerk'] },
        };
        const rule = allowed[it.status];
        this.requireRole(user, rule.roles, it.status);
        if (!rule.from.includes(d.status)) throw reject('BAD_STATUS', `Không thể chuyển từ trạng thái ${d.status}.`, `Cannot move from status ${d.status}.`, { status: d.status });
        this.db.prepare('UPDATE documents SET status = ? WHERE id = ?').run(it.status, it.docId);
        if (it.status === 'issued') return this.issue(user, d, iso);
        break;
      }
      case 'register_incoming': {
        this.requireRole(user, ['clerk'], 'register_incoming');
        const d = this.doc(it.docId);
        if (!d) {
          if (!it.meta) throw reject('DOC_NOT_FOUND', 'Không tìm thấy văn bản.', 'Document not found.');
          this.insertDoc(user, it.docId, { ...it.meta, direction: 'in' }, 'registered', iso);
          const r = this.registerIncoming(user.orgId, it.docId, isConfidential(it.meta.doMat));
          this.touch(it.docId, iso);
          return r;
        }
        this.visibleDoc(user, it.docId);
        if (this.db.prepare('SELECT 1 FROM incoming WHERE doc_id = ? AND org_id = ?').get(it.docId, user.orgId))
          throw reject('ALREADY_REGISTERED', 'Văn bản đã được vào sổ.', 'The document is already registered.');
        if (d.owner_org_id === user.orgId) throw reject('NOT_INCOMING', 'Văn bản của chính cơ quan, không phải văn bản đến.', 'The document is the organisation\'s own, not incoming.');
        const r = this.registerIncoming(user.orgId, it.docId, d.confidential === 1);
        this.touch(it.docId, iso);
        return r;
      }
      case 'mark_read': {
        this.visibleDoc(user, it.docId);
        this.db.prepare('INSERT OR IGNORE INTO reads (doc_id, user_id, at) VALUES (?, ?, ?)').run(it.docId, user.id, iso);
        break;
      }
    }
    this.touch(it.docId, iso);
    return {};
  }

  /** Assign số and ký hiệu from the organisation's register for this year and deliver to recipients. */
  private issue(user: AuthUser, d: DocRow, iso: string): Record<string, unknown> {
    const meta = JSON.parse(d.meta) as DocumentMeta;
    const { date, year } = vnDate(this.now());
    const register = d.confidential ? 'confidential' : 'normal';
    const org = this.db.prepare('SELECT abbr FROM orgs WHERE id = ?').get(d.owner_org_id) as { abbr: string };
    let kyHieu: string;
    try { kyHieu = buildKyHieu({ typeCode: meta.typeCode, orgAbbr: org.abbr, unitAbbr: meta.unitAbbr }); }
    catch (e) { if (e instanceof VanthuError) throw reject(e.code, e.message_vi, e.message_en); throw e; }
    for (const rid of meta.recipientOrgIds) {
      if (!this.db.prepare('SELECT 1 FROM orgs WHERE id = ?').get(rid)) throw reject('INVALID_RECIPIENT', `Nơi nhận không tồn tại: ${rid}.`, `Unknown recipient organisation: ${rid}.`);
    }
    const so = this.nextNo(d.owner_org_id, year, `out-${register}`);
    this.db.prepare('INSERT INTO issues (doc_id, org_id, year, register, so, ky_hieu, issued_date) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(d.id, d.owner_org_id, year, register, so, kyHieu, date);
    for (const rid of meta.recipientOrgIds) {
      if (rid !== d.owner_org_id) this.db.prepare('INSERT OR IGNORE INTO access (doc_id, org_id) VALUES (?, ?)').run(d.id, rid);
    }
    this.touch(d.id, iso);
    return { so, kyHieu, soKyHieu: formatSoKyHieu(so, kyHieu), issuedDate: date, register };
  }

  /** Apply a batch in sequence order; each intent and its record commit in one transaction. */
  push(user: AuthUser, req: PushRequest): { results: IntentResult[]; expectedSeq?: number } {
    const client = this.db.prepare('SELECT user_id, last_seq FROM clients WHERE client_id = ?').get(req.clientId) as { user_id: string; last_seq: number } | undefined;
    if (client && client.user_id !== user.id) throw new HttpError(403, 'CLIENT_FOREIGN', 'Mã máy khách thuộc người dùng khác.', 'The client id belongs to another user.');
    if (!client) this.db.prepare('INSERT INTO clients (client_id, user_id, last_seq) VALUES (?, ?, 0)').run(req.clientId, user.id);
    const results: IntentResult[] = [];
    const getIntent = this.db.prepare('SELECT client_id, seq, outcome, error, result FROM intents WHERE intent_id = ?');
    for (const it of req.intents) {
      const prev = getIntent.get(it.id) as { client_id: string; seq: number; outcome: string; error: string | null; result: string | null } | undefined;
      if (prev) {
        if (prev.client_id !== req.clientId) throw new HttpError(403, 'CLIENT_FOREIGN', 'Ý định thuộc máy khách khác.', 'The intent belongs to another client.');
        results.push(prev.outcome === 'rejected'
          ? { id: it.id, seq: it.seq, outcome: 'rejected', error: JSON.parse(prev.error!) }
          : { id: it.id, seq: it.seq, outcome: 'duplicate', result: prev.result ? JSON.parse(prev.result) : {} });
        continue;
      }
      const last = (this.db.prepare('SELECT last_seq FROM clients WHERE client_id = ?').get(req.clientId) as { last_seq: number }).last_seq;
      if (it.seq <= last) {
        results.push({ id: it.id, seq: it.seq, outcome: 'rejected', error: { code: 'SEQ_REUSED', message_vi: 'Số thứ tự đã được dùng cho ý định khác.', message_en: 'The sequence number was used by another intent.' } });
        continue;
      }
      if (it.seq !== last + 1) return { results, expectedSeq: last + 1 };
      const applyOne = this.db.transaction(() => this.apply(user, it)); // nested: a savepoint
      const r = this.db.transaction((): IntentResult => {
        let res: IntentResult;
        try {
          res = { id: it.id, seq: it.seq, outcome: 'applied', result: applyOne() };
        } catch (e) {
          if (!(e instanceof HttpError)) throw e;
          res = { id: it.id, seq: it.seq, outcome: 'rejected', error: { code: e.code, message_vi: e.message_vi, message_en: e.message_en, details: e.details } };
        }
        this.db.prepare('INSERT INTO intents (intent_id, client_id, seq, user_id, kind, outcome, error, result, applied_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
          .run(it.id, req.clientId, it.seq, user.id, it.kind, res.outcome, res.error ? JSON.stringify(res.error) : null, res.result ? JSON.stringify(res.result) : null, this.now());
        this.db.prepare('UPDATE clients SET last_seq = ? WHERE client_id = ?').run(it.seq, req.clientId);
        return res;
      })();
      results.push(r);
    }
    return { results };
  }

  snapshot(orgId: string, id: string): DocumentSnapshot {
    const d = this.doc(id)!;
    const meta = JSON.parse(d.meta) as DocumentMeta;
    const iss = this.db.prepare('SELECT * FROM issues WHERE doc_id = ?').get(id) as { year: number; register: 'normal' | 'confidential'; so: number; ky_hieu: string; issued_date: string } | undefined;
    const inc = this.db.prepare('SELECT * FROM incoming WHERE doc_id = ? AND org_id = ?').get(id, orgId) as { year: number; register: 'normal' | 'confidential'; so_den: number; ngay_den: string } | undefined;
    const versions = (this.db.prepare('SELECT * FROM versions WHERE doc_id = ? ORDER BY no').all(id) as Array<Record<string, any>>).map((v) => ({
      // A name stored before the shared file-name rule was tightened is repaired on the way out.
      no: v.no, sha256: v.sha256, size: v.size, fileName: fileNameProblem(v.file_name) ? toSafeFileName(v.file_name) : v.file_name, kind: v.kind, parentSha256: v.parent_sha256, createdBy: v.created_by, createdAt: v.created_at,
    }));
    const readBy = (this.db.prepare('SELECT r.user_id FROM reads r JOIN users u ON u.id = r.user_id WHERE r.doc_id = ? AND u.org_id = ? ORDER BY r.user_id').all(id, orgId) as { user_id: string }[]).map((r) => r.user_id);
    const status: DocStatus = d.owner_org_id === orgId ? d.status : inc ? 'registered' : 'received';
    return {
      id, ownerOrgId: d.owner_org_id, status, meta,
      issue: iss ? { so: iss.so, kyHieu: iss.ky_hieu, soKyHieu: formatSoKyHieu(iss.so, iss.ky_hieu), issuedDate: iss.issued_date, register: iss.register, year: iss.year } : null,
      incoming: inc ? { soDen: inc.so_den, ngayDen: inc.ngay_den, register: inc.register, year: inc.year } : null,
      versions: versions as DocumentSnapshot['versions'], readBy, createdBy: d.created_by, createdAt: d.created_at, updatedAt: d.updated_at,
    };
  }

  /** Documents changed for this organisation after `after`, oldest change first. */
  changes(orgId: string, after: number, limit: number) {
    const rows = this.db.prepare('SELECT doc_id, MAX(seq) AS m FROM changes WHERE org_id = ? AND seq > ? GROUP BY doc_id ORDER BY m LIMIT ?')
      .all(orgId, after, limit + 1) as { doc_id: string; m: number }[];
    const page = rows.slice(0, limit);
    const read = this.db.transaction(() => page.map((r) => this.snapshot(orgId, r.doc_id)));
    return { changes: read(), cursor: page.length ? page[page.length - 1].m : after, hasMore: rows.length > limit };
  }

  /** May this organisation download the file? Only if one of its visible documents has that version. */
  canReadFile(orgId: string, sha: string): boolean {
    return !!this.db.prepare('SELECT 1 FROM versions v JOIN access a ON a.doc_id = v.doc_id WHERE v.sha256 = ? AND a.org_id = ? LIMIT 1').get(sha, orgId)
      || this.files.orgHas(orgId, sha);
  }
}
