// Builders for the workflow tests: a small organisation, events with increasing times, and
// assertions that a step is allowed or refused (and that a refusal leaves the state untouched).
import { expect } from 'vitest';
import { apply, emptyState, fold, type Actor, type Context, type DocEventInput, type DocState, type RefusalCode } from '../../src-shared/workflow';

export const ORG = 'ubnd-tinh';
export const clerk: Actor = { userId: 'vt1', role: 'van_thu', orgId: ORG, unitId: 'vp' };
export const clerk2: Actor = { userId: 'vt2', role: 'van_thu', orgId: ORG, unitId: 'vp' };
export const leader: Actor = { userId: 'ld1', role: 'lanh_dao', orgId: ORG, unitId: 'bgd' };
export const leader2: Actor = { userId: 'ld2', role: 'lanh_dao', orgId: ORG, unitId: 'bgd' };
export const head: Actor = { userId: 'tp1', role: 'truong_phong', orgId: ORG, unitId: 'pkt' };
export const deputy: Actor = { userId: 'pp1', role: 'pho_phong', orgId: ORG, unitId: 'pkt' };
export const spec: Actor = { userId: 'cv1', role: 'chuyen_vien', orgId: ORG, unitId: 'pkt' };
export const spec2: Actor = { userId: 'cv2', role: 'chuyen_vien', orgId: ORG, unitId: 'ptc' };
export const headTc: Actor = { userId: 'tp2', role: 'truong_phong', orgId: ORG, unitId: 'ptc' };
export const admin: Actor = { userId: 'qt1', role: 'quan_tri', orgId: ORG, unitId: 'vp' };
export const system: Actor = { userId: 'system:gateway', role: 'system', orgId: ORG, unitId: '' };
export const otherClerk: Actor = { userId: 'vt9', role: 'van_thu', orgId: 'so-tai-chinh', unitId: 'vp' };

export const DOC = 'doc-1';
export const T0 = Date.parse('2026-03-02T08:00:00+07:00');
export const iso = (ms: number) => new Date(ms).toISOString();
export const sha = (n: number) => n.toString(16).padStart(64, '0');
export const file = (n: number, parent: number | null = null) => ({ sha256: sha(n), size: 1000 + n, fileName: `du-thao-${n}.pdf`, parentSha256: parent === null ? null : sha(parent) });
export const user = (a: Actor) => ({ kind: 'user' as const, id: a.userId, unitId: a.unitId });
export const unit = (id: string) => ({ kind: 'unit' as const, id });

/** A builder of events for one document, each an hour after the previous unless `at` is given. */
export function builder(docId = DOC, start = T0) {
  let n = 0;
  let t = start;
  return (kind: string, a: Actor, fields: Record<string, unknown> = {}): DocEventInput => {
    n += 1;
    t += 3600_000;
    return { id: `${docId}-e${n}`, docId, kind, actor: a, at: iso(t), ...fields } as DocEventInput;
  };
}

export function run(events: unknown[], ctx: Context = {}, from: DocState = emptyState()): DocState {
  let s = from;
  for (const e of events) {
    const r = apply(s, e, ctx);
    if (!r.ok) throw new Error(`refused ${(e as { kind: string }).kind}: ${r.code}`);
    s = r.state;
  }
  return s;
}

export function allowed(s: DocState, e: unknown, ctx: Context = {}): DocState {
  const r = apply(s, e, ctx);
  if (!r.ok) throw new Error(`expected ${(e as { kind: string }).kind} allowed, got ${r.code}`);
  return r.state;
}

export function refused(s: DocState, e: unknown, code: RefusalCode, ctx: Context = {}): void {
  const before = JSON.stringify(s);
  const r = apply(s, e, ctx);
  expect(r.ok).toBe(false);
  if (!r.ok) {
    expect(r.code).toBe(code);
    expect(r.message_vi.length).toBeGreaterThan(0);
    expect(r.message_en.length).toBeGreaterThan(0);
  }
  expect(JSON.stringify(s)).toBe(before);
}

export const incomingMeta = { typeCode: 'CV', subject: 'Về việc báo cáo tình hình thu ngân sách quý I', senderName: 'Sở Tài chính', senderCodeNotation: '125/STC-NS' };

/** Incoming steps in order, up to and including `upTo` (by kind). */
export function incomingPath(b = builder(), opts: { doMat?: string; deadline?: string } = {}) {
  const doMat = opts.doMat ?? 'thuong';
  const events = [
    b('in.received', clerk, { source: { via: 'paper' }, meta: { ...incomingMeta, doMat } }),
    b('in.registered', clerk, { register: doMat === 'thuong' ? 'normal' : 'confidential', soDen: 42, ngayDen: '2026-03-02', year: 2026 }),
    b('in.submitted', clerk, { to: user(leader) }),
    b('in.directed', leader, { text: 'Giao Phòng Kinh tế chủ trì, Phòng Tài chính phối hợp.' }),
    b('in.assigned', leader, { lead: unit('pkt'), assisting: [unit('ptc')], forInfo: [user(clerk2)], deadline: opts.deadline ?? '2026-03-20' }),
    b('in.forwarded', head, { to: user(spec) }),
    b('in.processing_note', spec, { text: 'Đã tổng hợp số liệu.', attachments: [{ sha256: sha(77), size: 58, fileName: 'so-lieu.xlsx' }] }),
    b('in.completed', spec, { result: 'Đã có báo cáo số 30/BC-PKT gửi Sở Tài chính.' }),
  ];
  return { b, events };
}

/** Outgoing steps up to issue and send. */
export function outgoingPath(b = builder('out-1'), opts: { doMat?: string } = {}) {
  const doMat = opts.doMat ?? 'thuong';
  const events = [
    b('out.draft_created', spec, { meta: { typeCode: 'QD', subject: 'Quyết định phê duyệt kế hoạch', doMat } }),
    b('out.version_added', spec, { version: file(1) }),
    b('out.consultation_requested', spec, { consultationId: 'c1', participants: [user(spec2), unit('ptc')], deadline: '2026-03-10' }),
    b('out.consultation_answered', spec2, { consultationId: 'c1', answer: 'y_kien_khac', text: 'Đề nghị bổ sung kinh phí.' }),
    b('out.version_added', spec, { version: file(2, 1) }),
    b('out.submitted', spec, { route: [{ userId: head.userId, role: 'truong_phong', unitId: 'pkt' }, { userId: leader.userId, role: 'lanh_dao' }] }),
    b('out.approved', head, { versionSha256: sha(2) }),
    b('out.approved', leader, { versionSha256: sha(2), signature: file(3, 2) }),
    b('out.numbered', clerk, { register: doMat === 'thuong' ? 'normal' : 'confidential', so: 15, kyHieu: 'QĐ-UBND', year: 2026 }),
    b('out.issued', clerk, { signature: file(4, 3), stampedSo: 15 }),
    b('out.sent', clerk, { recipientOrgIds: [otherClerk.orgId], externalRecipients: ['Bộ Tài chính'] }),
  ];
  return { b, events };
}

export const stateAfter = (events: unknown[], ctx: Context = {}) => fold(events, ctx);
