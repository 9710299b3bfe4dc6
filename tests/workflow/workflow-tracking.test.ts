import { describe, expect, it } from 'vitest';
import {
  applyDelegation, applyWorkFile, deadlineStatus, deadlineTime, emptyRegistry, emptyWorkFile, fold, followUpList, foldDelegations, foldWorkFile,
  isDueSoon, isOverdue, REFUSAL_CODES, REFUSALS, timeline,
} from '../../src-shared/workflow';
import { admin, allowed, builder, clerk, head, headTc, incomingPath, leader, leader2, refused, run, spec, spec2, unit, user, deputy } from './workflow-helpers';

const assigned = () => { const p = incomingPath(); return { ...p, s: run(p.events.slice(0, 6)) }; }; // held by cv1, due 2026-03-20

describe('workflow tracking: reminders (đôn đốc)', () => {
  it('a leader or the clerk chases an open document', () => {
    const { s, b } = assigned();
    const r = allowed(s, b('track.reminded', leader, { to: [user(spec)], level: 'phe_binh', text: 'Đề nghị khẩn trương.' }));
    expect(allowed(r, b('track.reminded', clerk, { to: [unit('pkt')] })).reminders.map((x) => x.level)).toEqual(['phe_binh', 'nhac_nho']);
  });
  it('refuses a specialist chasing, and chasing a completed document', () => {
    const { s, b } = assigned();
    refused(s, b('track.reminded', spec2, { to: [user(spec)] }), 'ROLE_NOT_ALLOWED');
    const p = incomingPath();
    const done = run(p.events);
    refused(done, p.b('track.reminded', leader, { to: [user(spec)] }), 'WRONG_STATE');
  });
});

describe('workflow tracking: deadline extensions (gia hạn)', () => {
  it('the holder asks, the assigning leader grants: the deadline moves, the original stays', () => {
    const { s, b } = assigned();
    const asked = allowed(s, b('track.extension_requested', spec, { requestId: 'x1', newDeadline: '2026-03-31', reason: 'Chờ số liệu quý.' }));
    const granted = allowed(asked, b('track.extension_decided', leader, { requestId: 'x1', approved: true }));
    expect(granted).toMatchObject({ deadline: '2026-03-31', originalDeadline: '2026-03-20' });
    expect(granted.extensions[0]).toMatchObject({ status: 'approved', granted: '2026-03-31', decidedBy: 'ld1' });
  });
  it('the leader may grant a shorter extension, or refuse with a reason', () => {
    const { s, b } = assigned();
    const asked = allowed(s, b('track.extension_requested', spec, { requestId: 'x1', newDeadline: '2026-03-31', reason: 'r' }));
    expect(allowed(asked, b('track.extension_decided', leader, { requestId: 'x1', approved: true, grantedDeadline: '2026-03-25' })).deadline).toBe('2026-03-25');
    const no = allowed(asked, b('track.extension_decided', leader, { requestId: 'x1', approved: false, reason: 'Việc gấp.' }));
    expect(no).toMatchObject({ deadline: '2026-03-20' });
    expect(no.extensions[0].status).toBe('refused');
  });
  it('refuses requests by a non-holder, without a deadline, not later, or while one is pending', () => {
    const { s, b } = assigned();
    refused(s, b('track.extension_requested', spec2, { requestId: 'x1', newDeadline: '2026-03-31', reason: 'r' }), 'NOT_HOLDER');
    refused(s, b('track.extension_requested', spec, { requestId: 'x1', newDeadline: '2026-03-19', reason: 'r' }), 'EXTENSION_NOT_LATER');
    const asked = allowed(s, b('track.extension_requested', spec, { requestId: 'x1', newDeadline: '2026-03-31', reason: 'r' }));
    refused(asked, b('track.extension_requested', spec, { requestId: 'x2', newDeadline: '2026-04-30', reason: 'r' }), 'EXTENSION_PENDING');
    const p = incomingPath();
    const noDeadline = run([...p.events.slice(0, 4), p.b('in.assigned', leader, { lead: user(spec) })]);
    refused(noDeadline, p.b('track.extension_requested', spec, { requestId: 'x1', newDeadline: '2026-03-31', reason: 'r' }), 'NO_DEADLINE');
    const r = run(p.events.slice(0, 3));
    refused(r, p.b('track.extension_requested', clerk, { requestId: 'x1', newDeadline: '2026-03-31', reason: 'r' }), 'WRONG_STATE');
  });
  it('refuses decisions by someone other than the assigner, on an unknown request, a refusal without a reason, a grant not later', () => {
    const { s, b } = assigned();
    const asked = allowed(s, b('track.extension_requested', spec, { requestId: 'x1', newDeadline: '2026-03-31', reason: 'r' }));
    refused(asked, b('track.extension_decided', leader2, { requestId: 'x1', approved: true }), 'NOT_ASSIGNER');
    refused(asked, b('track.extension_decided', head, { requestId: 'x1', approved: true }), 'NOT_ASSIGNER');
    refused(asked, b('track.extension_decided', leader, { requestId: 'zz', approved: true }), 'EXTENSION_UNKNOWN');
    refused(asked, b('track.extension_decided', leader, { requestId: 'x1', approved: false }), 'REASON_REQUIRED');
    refused(asked, b('track.extension_decided', leader, { requestId: 'x1', approved: true, grantedDeadline: '2026-03-10' }), 'EXTENSION_NOT_LATER');
    const done = allowed(asked, b('track.extension_decided', leader, { requestId: 'x1', approved: true }));
    refused(done, b('track.extension_decided', leader, { requestId: 'x1', approved: true }), 'EXTENSION_UNKNOWN');
  });
});

describe('workflow tracking: deadlines', () => {
  it('a date deadline ends at the end of that day in Vietnam time', () => {
    expect(new Date(deadlineTime('2026-03-20')).toISOString()).toBe('2026-03-20T16:59:59.999Z');
    expect(deadlineTime('2026-03-20T10:00:00+07:00')).toBe(Date.parse('2026-03-20T03:00:00Z'));
  });
  it('on track, due soon, overdue; an approved extension applies; completion counts on time or late', () => {
    const { s, b } = assigned();
    expect(deadlineStatus(s, '2026-03-10T00:00:00+07:00')).toBe('on_track');
    expect(isDueSoon(s, '2026-03-19T09:00:00+07:00')).toBe(true);
    expect(isOverdue(s, '2026-03-21T08:00:00+07:00')).toBe(true);
    const ext = run([b('track.extension_requested', spec, { requestId: 'x', newDeadline: '2026-03-31', reason: 'r' }), b('track.extension_decided', leader, { requestId: 'x', approved: true })], {}, s);
    expect(deadlineStatus(ext, '2026-03-21T08:00:00+07:00')).toBe('on_track');
    const onTime = allowed(s, b('in.completed', spec, { result: 'xong' }));
    expect(deadlineStatus(onTime, '2026-04-30T00:00:00Z')).toBe('done_on_time');
    const late = allowed(s, { ...b('in.completed', spec, { result: 'xong' }), at: '2026-03-22T10:00:00+07:00' });
    expect(deadlineStatus(late, '2026-04-30T00:00:00Z')).toBe('done_late');
    expect(deadlineStatus(run(incomingPath().events.slice(0, 2)), '2026-04-30T00:00:00Z')).toBe('none');
  });
  it('per person and per unit lists of overdue and due-soon documents', () => {
    const a = assigned().s; // held by cv1 (pkt), phối hợp ptc, due 03-20
    const p2 = incomingPath(builder('doc-2'), { deadline: '2026-03-12' });
    const b2 = run(p2.events.slice(0, 5)); // held by unit pkt, due 03-12
    const now = '2026-03-13T09:00:00+07:00';
    expect(followUpList([a, b2], now, { userId: 'cv1' })).toEqual({ overdue: [], dueSoon: [] });
    expect(followUpList([a, b2], '2026-03-19T09:00:00+07:00', { userId: 'cv1' }).dueSoon.map((x) => x.docId)).toEqual(['doc-1']);
    const pkt = followUpList([a, b2], now, { unitId: 'pkt' });
    expect(pkt.overdue.map((x) => x.docId)).toEqual(['doc-2']);
    expect(followUpList([a, b2], '2026-03-19T09:00:00+07:00', { unitId: 'ptc' }).dueSoon.map((x) => x.docId)).toEqual(['doc-1']);
  });
});

describe('workflow tracking: timeline', () => {
  it('who held it from when to when, per unit, from the events or the state alike', () => {
    const { events } = incomingPath();
    const t = timeline(events);
    expect(t).toEqual(timeline(fold(events)));
    expect(t.holders.filter((h) => h.as === 'holder').map((h) => h.holder.id)).toEqual(['vt1', 'ld1', 'pkt', 'cv1']);
    expect(t.holders.every((h) => h.until !== null)).toBe(true);
    expect(Object.keys(t.byUnit).sort()).toEqual(['', 'bgd', 'pkt', 'ptc', 'vp'].filter((k) => k in t.byUnit).sort());
    expect(t.byUnit.pkt.map((h) => h.holder.id)).toEqual(['pkt', 'cv1']);
    expect(t.byUnit.ptc[0]).toMatchObject({ as: 'phoi_hop', durationMs: 3 * 3600_000 });
    expect(t.steps.map((s) => s.kind)).toEqual(events.map((e) => (e as { kind: string }).kind));
    const open = timeline(events.slice(0, 6), '2026-03-03T08:00:00+07:00');
    expect(open.current).toEqual(user(spec));
    expect(open.holders.at(-1)!.until).toBeNull();
  });
  it('a step stamped earlier than the previous one (a drifting clock) does not make intervals run backwards', () => {
    const { events, b } = incomingPath();
    const early = { ...b('in.forwarded', head, { to: user(spec) }), at: '2026-01-01T00:00:00Z' };
    const s = run([...events.slice(0, 5), early]);
    for (const i of s.intervals) if (i.until) expect(Date.parse(i.until)).toBeGreaterThanOrEqual(Date.parse(i.from));
  });
});

describe('workflow tracking: delegation (ủy quyền)', () => {
  const grant = (over: Record<string, unknown> = {}) => ({ id: 'g1', docId: 'del-1', kind: 'delegation.granted', actor: leader, at: '2026-03-01T00:00:00Z', fromUserId: 'ld1', fromUnitId: 'bgd', role: 'lanh_dao', toUserId: 'ld2', validFrom: '2026-03-01T00:00:00Z', validUntil: '2026-03-05T00:00:00Z', ...over });
  it('a leader delegates for a period; a delegate acts within it and not after revocation', () => {
    const reg = foldDelegations([grant(), { id: 'r1', docId: 'del-1', kind: 'delegation.revoked', actor: leader, at: '2026-03-03T00:00:00Z' }]);
    expect(reg.delegations[0].revokedAt).toBe('2026-03-03T00:00:00Z');
    const p = incomingPath();
    const s = run(p.events.slice(0, 4));
    const e = p.b('in.assigned', leader2, { lead: unit('pkt') });
    allowed(s, { ...e, at: '2026-03-02T12:00:00Z' }, reg);
    refused(s, { ...e, at: '2026-03-03T12:00:00Z' }, 'NOT_SUBMITTED_TO_YOU', reg);
  });
  it('an administrator may grant on someone\'s behalf', () => {
    expect(applyDelegation(emptyRegistry(), grant({ actor: admin })).ok).toBe(true);
  });
  it('refuses delegating someone else\'s role, a role not delegable, oneself, a backwards period, twice, a revocation by another', () => {
    const code = (e: unknown, r = emptyRegistry()) => { const x = applyDelegation(r, e); return x.ok ? 'ok' : x.code; };
    expect(code(grant({ actor: leader2 }))).toBe('NOT_DELEGATOR');
    expect(code(grant({ actor: spec, fromUserId: 'cv1', role: 'chuyen_vien' }))).toBe('DELEGATION_ROLE');
    expect(code(grant({ actor: head, fromUserId: 'tp1', role: 'lanh_dao' }))).toBe('DELEGATION_ROLE');
    expect(code(grant({ toUserId: 'ld1' }))).toBe('DELEGATION_SELF');
    expect(code(grant({ validUntil: '2026-02-01T00:00:00Z' }))).toBe('DELEGATION_PERIOD');
    const reg = foldDelegations([grant()]);
    expect(code(grant({ id: 'g2' }), reg)).toBe('ALREADY_EXISTS');
    expect(code(grant(), reg)).toBe('DUPLICATE_EVENT');
    expect(code({ id: 'r', docId: 'del-1', kind: 'delegation.revoked', actor: leader2, at: '2026-03-02T00:00:00Z' }, reg)).toBe('NOT_DELEGATOR');
    expect(code({ id: 'r', docId: 'nope', kind: 'delegation.revoked', actor: leader, at: '2026-03-02T00:00:00Z' }, reg)).toBe('WRONG_STATE');
    const revoked = foldDelegations([grant(), { id: 'r', docId: 'del-1', kind: 'delegation.revoked', actor: leader, at: '2026-03-02T00:00:00Z' }]);
    expect(code({ id: 'r2', docId: 'del-1', kind: 'delegation.revoked', actor: admin, at: '2026-03-02T00:00:00Z' }, revoked)).toBe('DELEGATION_REVOKED');
    expect(code({ kind: 'delegation.granted' })).toBe('INVALID_EVENT');
  });
  it('a deputy head delegates their role to a specialist, who then forwards for the unit', () => {
    const reg = foldDelegations([grant({ actor: deputy, fromUserId: 'pp1', fromUnitId: 'pkt', role: 'pho_phong', toUserId: 'cv1' })]);
    const p = incomingPath();
    const s = run(p.events.slice(0, 5));
    allowed(s, { ...p.b('in.forwarded', spec, { to: user(spec) }), at: '2026-03-02T12:00:00Z' }, reg);
  });
});

describe('workflow tracking: work files (hồ sơ công việc)', () => {
  const ev = (n: number, kind: string, actor: unknown, f: Record<string, unknown> = {}) => ({ id: `w${n}`, docId: 'hs-1', kind, actor, at: `2026-03-0${n}T08:00:00+07:00`, ...f });
  it('opened, documents added and removed, closed', () => {
    const s = foldWorkFile([
      ev(1, 'file.opened', spec, { title: 'Hồ sơ thu ngân sách 2026', code: 'HS-01' }),
      ev(2, 'file.document_added', spec, { documentId: 'doc-1' }),
      ev(3, 'file.document_added', head, { documentId: 'doc-2' }),
      ev(4, 'file.document_removed', spec, { documentId: 'doc-1', reason: 'Nhầm hồ sơ' }),
      ev(5, 'file.closed', spec),
    ]);
    expect(s).toMatchObject({ status: 'closed', documents: ['doc-2'], unitId: 'pkt', openedBy: 'cv1' });
  });
  it('refuses adding twice, removing what is absent, another unit\'s specialist, steps on a closed or unopened file', () => {
    const code = (s: ReturnType<typeof emptyWorkFile>, e: unknown) => { const x = applyWorkFile(s, e); return x.ok ? 'ok' : x.code; };
    const open = foldWorkFile([ev(1, 'file.opened', spec, { title: 'HS' }), ev(2, 'file.document_added', spec, { documentId: 'doc-1' })]);
    expect(code(open, ev(3, 'file.document_added', spec, { documentId: 'doc-1' }))).toBe('ALREADY_IN_FILE');
    expect(code(open, ev(3, 'file.document_removed', spec, { documentId: 'doc-9' }))).toBe('NOT_IN_FILE');
    expect(code(open, ev(3, 'file.document_added', spec2, { documentId: 'doc-9' }))).toBe('NOT_FILE_OWNER');
    expect(code(open, ev(3, 'file.document_added', headTc, { documentId: 'doc-9' }))).toBe('NOT_FILE_OWNER');
    expect(code(open, ev(3, 'file.opened', spec, { title: 'x' }))).toBe('FILE_EXISTS');
    expect(code(open, { ...ev(3, 'file.closed', spec), docId: 'hs-2' })).toBe('WRONG_DOCUMENT');
    const closed = foldWorkFile([ev(1, 'file.opened', spec, { title: 'HS' }), ev(2, 'file.closed', spec)]);
    expect(code(closed, ev(3, 'file.document_added', spec, { documentId: 'doc-1' }))).toBe('FILE_CLOSED');
    expect(code(closed, ev(3, 'file.closed', spec))).toBe('FILE_CLOSED');
    expect(code(emptyWorkFile(), ev(3, 'file.closed', spec))).toBe('WRONG_STATE');
    expect(code(emptyWorkFile(), ev(3, 'file.opened', { userId: 'system:gateway', role: 'system', orgId: 'x' }, { title: 'x' }))).toBe('ROLE_NOT_ALLOWED');
  });
});

describe('workflow refusals', () => {
  it('every refusal code has a Vietnamese and an English message', () => {
    for (const c of REFUSAL_CODES) {
      const [vi, en] = REFUSALS[c];
      expect(vi.length, c).toBeGreaterThan(5);
      expect(en.length, c).toBeGreaterThan(5);
      expect(vi, c).not.toBe(en);
      expect(/[àáảãạăâđèéẻẽẹêìíỉĩịòóỏõọôơùúủũụưỳýỷỹỵ]/i.test(vi), `${c} in Vietnamese`).toBe(true);
    }
  });
});
