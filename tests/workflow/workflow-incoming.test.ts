import { describe, expect, it } from 'vitest';
import { emptyState, foldDelegations } from '../../src-shared/workflow';
import { allowed, builder, clerk, clerk2, deputy, head, headTc, incomingPath, leader, leader2, otherClerk, refused, run, spec, spec2, system, unit, user, incomingMeta, DOC } from './workflow-helpers';

const upTo = (n: number) => { const p = incomingPath(); return { ...p, s: run(p.events.slice(0, n)) }; };

describe('workflow incoming: received', () => {
  it('a clerk receives a paper document; the gateway delivers one from another unit to the clerks\' desk', () => {
    const { events } = incomingPath();
    const s = run([events[0]]);
    expect(s).toMatchObject({ direction: 'in', status: 'received', subject: incomingMeta.subject, holder: user(clerk) });
    const b = builder('doc-2');
    const g = run([b('in.received', system, { source: { via: 'unit', fromOrgId: 'so-tai-chinh', fromDocId: 'x' }, meta: incomingMeta })]);
    expect(g.holder).toEqual({ kind: 'desk', id: 'van_thu' });
  });
  it('refuses a specialist receiving, and a second receipt', () => {
    const b = builder();
    refused(emptyState(), b('in.received', spec, { source: { via: 'paper' }, meta: incomingMeta }), 'ROLE_NOT_ALLOWED');
    const { s, b: b2 } = upTo(1);
    refused(s, b2('in.received', clerk, { source: { via: 'paper' }, meta: incomingMeta }), 'ALREADY_EXISTS');
  });
  it('refuses a malformed event, an event of another document and a duplicate', () => {
    const { s, events } = upTo(1);
    refused(s, { ...events[1], kind: 'in.nonsense' }, 'INVALID_EVENT');
    refused(s, { ...events[1], docId: 'other' }, 'WRONG_DOCUMENT');
    refused(s, events[0], 'DUPLICATE_EVENT');
  });
});

describe('workflow incoming: registered', () => {
  it('the clerk registers with số đến and may correct Decree 30 fields', () => {
    const { s, b } = upTo(1);
    const r = allowed(s, b('in.registered', clerk, { register: 'normal', soDen: 7, ngayDen: '2026-03-02', year: 2026, fields: { subject: 'Trích yếu sửa', dueDate: '2026-03-31' } }));
    expect(r).toMatchObject({ status: 'registered', subject: 'Trích yếu sửa', deadline: '2026-03-31', incoming: { soDen: 7, register: 'normal' } });
  });
  it('the clerk takes a document delivered to the desk', () => {
    const b = builder('doc-2');
    const s = run([b('in.received', system, { source: { via: 'axis', messageId: 'm1', fromOrganId: 'G01' }, meta: incomingMeta })]);
    const r = allowed(s, b('in.registered', clerk, { register: 'normal', soDen: 1, ngayDen: '2026-03-02', year: 2026 }));
    expect(r.holder).toEqual(user(clerk));
    expect(r.intervals.filter((i) => i.until === null)).toHaveLength(1);
  });
  it('refuses a non-clerk, the wrong register for a confidential document, and registering twice', () => {
    const { s, b } = upTo(1);
    refused(s, b('in.registered', spec, { register: 'normal', soDen: 7, ngayDen: '2026-03-02', year: 2026 }), 'ROLE_NOT_ALLOWED');
    refused(s, b('in.registered', clerk, { register: 'normal', soDen: 7, ngayDen: '2026-03-02', year: 2026, fields: { doMat: 'mat' } }), 'REGISTER_MISMATCH');
    refused(s, b('in.registered', clerk, { register: 'confidential', soDen: 7, ngayDen: '2026-03-02', year: 2026 }), 'REGISTER_MISMATCH');
    const r = upTo(2);
    refused(r.s, r.b('in.registered', clerk, { register: 'normal', soDen: 8, ngayDen: '2026-03-02', year: 2026 }), 'WRONG_STATE');
  });
});

describe('workflow incoming: submitted, directed', () => {
  it('the clerk submits to a leader, who directs (bút phê)', () => {
    const { s } = upTo(4);
    expect(s).toMatchObject({ status: 'directed', submittedTo: leader.userId, holder: user(leader) });
    expect(s.directions[0].text).toContain('Phòng Kinh tế');
  });
  it('refuses submitting before registering and by a non-clerk', () => {
    const a = upTo(1);
    refused(a.s, a.b('in.submitted', clerk, { to: user(leader) }), 'WRONG_STATE');
    const c = upTo(2);
    refused(c.s, c.b('in.submitted', head, { to: user(leader) }), 'ROLE_NOT_ALLOWED');
  });
  it('refuses direction by a non-leader and by a leader it was not submitted to', () => {
    const { s, b } = upTo(3);
    refused(s, b('in.directed', head, { text: 'x' }), 'ROLE_NOT_ALLOWED');
    refused(s, b('in.directed', leader2, { text: 'x' }), 'NOT_SUBMITTED_TO_YOU');
    refused(s, b('in.directed', leader, { text: '   ' }), 'INVALID_EVENT');
  });
  it('a delegate directs during the delegation period only', () => {
    const { s, b } = upTo(3);
    const ctx = { delegations: foldDelegations([{ id: 'g1', docId: 'del-1', kind: 'delegation.granted', actor: leader, at: '2026-03-01T00:00:00Z', fromUserId: 'ld1', fromUnitId: 'bgd', role: 'lanh_dao', toUserId: 'ld2', validFrom: '2026-03-01T00:00:00Z', validUntil: '2026-03-05T00:00:00Z' }]).delegations };
    const inside = b('in.directed', leader2, { text: 'Thừa ủy quyền: giao Phòng Kinh tế.' });
    allowed(s, inside, ctx);
    refused(s, { ...inside, at: '2026-03-06T09:00:00+07:00' }, 'NOT_SUBMITTED_TO_YOU', ctx);
  });
});

describe('workflow incoming: assigned', () => {
  it('one lead, assisting and for-information, with a deadline; the lead unit holds it', () => {
    const { s } = upTo(5);
    expect(s).toMatchObject({ status: 'assigned', holder: unit('pkt'), deadline: '2026-03-20' });
    expect(s.assignment).toMatchObject({ lead: unit('pkt'), assisting: [unit('ptc')], forInfo: [user(clerk2)] });
    expect(s.intervals.filter((i) => i.until === null).map((i) => `${i.as}:${i.holder.id}`).sort()).toEqual(['holder:pkt', 'phoi_hop:ptc']);
    expect(s.involvedUnits).toEqual(['pkt', 'ptc']);
    expect(s.involvedUsers).toContain(clerk2.userId);
  });
  it('refuses a lead also assisting, a past deadline, a non-leader and the wrong leader', () => {
    const { s, b } = upTo(4);
    refused(s, b('in.assigned', leader, { lead: unit('pkt'), assisting: [unit('pkt')] }), 'LEAD_ALSO_ASSISTING');
    refused(s, b('in.assigned', leader, { lead: unit('pkt'), deadline: '2026-01-01' }), 'DEADLINE_IN_PAST');
    refused(s, b('in.assigned', head, { lead: unit('pkt') }), 'ROLE_NOT_ALLOWED');
    refused(s, b('in.assigned', leader2, { lead: unit('pkt') }), 'NOT_SUBMITTED_TO_YOU');
    const r = upTo(2);
    refused(r.s, r.b('in.assigned', leader, { lead: unit('pkt') }), 'WRONG_STATE');
  });
  it('the leader may reassign; the old lead\'s and assisting intervals close', () => {
    const { s, b } = upTo(5);
    const r = allowed(s, b('in.assigned', leader, { lead: unit('ptc') }));
    expect(r.holder).toEqual(unit('ptc'));
    expect(r.intervals.filter((i) => i.until === null).map((i) => `${i.as}:${i.holder.id}`)).toEqual(['holder:ptc']);
  });
});

describe('workflow incoming: forwarded, returned, recalled', () => {
  it('the head of the lead unit forwards to a specialist; a deputy head may too', () => {
    const { s } = upTo(6);
    expect(s.holder).toEqual(user(spec));
    const r = upTo(5);
    expect(allowed(r.s, r.b('in.forwarded', deputy, { to: user(spec) })).holder).toEqual(user(spec));
  });
  it('refuses forwarding by someone not holding it (a specialist of the unit, another unit\'s head)', () => {
    const { s, b } = upTo(5);
    refused(s, b('in.forwarded', spec, { to: user(spec) }), 'NOT_HOLDER');
    refused(s, b('in.forwarded', headTc, { to: user(spec2) }), 'NOT_HOLDER');
    const r = upTo(3);
    refused(r.s, r.b('in.forwarded', leader, { to: user(spec) }), 'WRONG_STATE');
  });
  it('the specialist returns it to the unit head with a reason; the unit returns it to the leader, who must reassign', () => {
    const { s, b } = upTo(6);
    const back = allowed(s, b('in.returned', spec, { reason: 'Không thuộc lĩnh vực phụ trách.' }));
    expect(back).toMatchObject({ holder: unit('pkt'), status: 'assigned' });
    const toLeader = allowed(back, b('in.returned', head, { reason: 'Đề nghị giao Phòng Tài chính.' }));
    expect(toLeader).toMatchObject({ holder: user(leader), status: 'directed', assignment: null });
    expect(toLeader.intervals.filter((i) => i.until === null)).toHaveLength(1);
    const toClerk = allowed(toLeader, b('in.returned', leader, { reason: 'Không thuộc thẩm quyền.' }));
    expect(toClerk).toMatchObject({ holder: user(clerk), status: 'registered', submittedTo: null });
  });
  it('refuses a return without a reason, by a non-holder, and with no one to return to', () => {
    const { s, b } = upTo(6);
    refused(s, b('in.returned', spec, { reason: '  ' }), 'INVALID_EVENT');
    refused(s, b('in.returned', spec2, { reason: 'x' }), 'NOT_HOLDER');
    const r = upTo(1);
    refused(r.s, r.b('in.returned', clerk, { reason: 'x' }), 'WRONG_STATE');
    // a document delivered by the gateway and registered: the chain starts at the clerk
    const c = upTo(3);
    const st = { ...c.s, chain: [user(leader)], holder: user(leader) };
    refused(st, c.b('in.returned', leader, { reason: 'x' }), 'NOTHING_TO_RETURN_TO');
  });
  it('the leader recalls before processing began; the unit head recalls from the specialist', () => {
    const { s, b } = upTo(6);
    const byHead = allowed(s, b('in.recalled', head, { reason: 'Giao người khác.' }));
    expect(byHead.holder).toEqual(unit('pkt'));
    const byLeader = allowed(s, b('in.recalled', leader, {}));
    expect(byLeader).toMatchObject({ holder: user(leader), status: 'directed', assignment: null });
  });
  it('refuses a recall after processing began, by someone outside the chain, and after completion', () => {
    const { s, b } = upTo(7);
    refused(s, b('in.recalled', leader, {}), 'RECALL_AFTER_PROCESSING');
    const r = upTo(6);
    refused(r.s, r.b('in.recalled', spec2, {}), 'NOT_IN_CHAIN');
    refused(r.s, r.b('in.recalled', spec, {}), 'NOT_IN_CHAIN'); // the holder cannot recall from themselves
    const done = upTo(8);
    refused(done.s, done.b('in.recalled', leader, {}), 'WRONG_STATE');
  });
});

describe('workflow incoming: processing and completion', () => {
  it('the holder and the assisting unit record notes with attachments', () => {
    const { s, b } = upTo(6);
    const a = allowed(s, b('in.processing_note', spec, { text: 'Đang xử lý.' }));
    expect(a).toMatchObject({ status: 'in_progress', processingStarted: true });
    const c = allowed(a, b('in.processing_note', spec2, { text: 'Phòng Tài chính góp ý.', attachments: [{ sha256: 'a'.repeat(64), size: 10, fileName: 'y-kien.pdf' }] }));
    expect(c.notes.map((n) => n.by)).toEqual(['cv1', 'cv2']);
  });
  it('refuses notes from someone neither holding nor assisting, and before assignment', () => {
    const { s, b } = upTo(6);
    refused(s, b('in.processing_note', clerk2, { text: 'x' }), 'NOT_HOLDER');
    const r = upTo(4);
    refused(r.s, r.b('in.processing_note', spec, { text: 'x' }), 'WRONG_STATE');
  });
  it('the holder completes with a result; every interval closes', () => {
    const { s } = upTo(8);
    expect(s.status).toBe('completed');
    expect(s.result?.text).toContain('30/BC-PKT');
    expect(s.intervals.every((i) => i.until !== null)).toBe(true);
  });
  it('refuses completion by an assisting unit, without a result, and twice', () => {
    const { s, b } = upTo(7);
    refused(s, b('in.completed', spec2, { result: 'x' }), 'NOT_HOLDER');
    refused(s, b('in.completed', spec, { result: '' }), 'INVALID_EVENT');
    const d = upTo(8);
    refused(d.s, d.b('in.completed', spec, { result: 'x' }), 'WRONG_STATE');
  });
  it('refuses incoming steps on an outgoing document', () => {
    const b = builder('o');
    const s = run([b('out.draft_created', spec, { meta: { typeCode: 'CV', subject: 'x' } })]);
    refused(s, b('in.registered', clerk, { register: 'normal', soDen: 1, ngayDen: '2026-03-02', year: 2026 }), 'WRONG_DIRECTION');
    refused(s, b('in.submitted', clerk, { to: user(leader) }), 'WRONG_DIRECTION');
    expect(DOC).toBe('doc-1');
    expect(otherClerk.orgId).not.toBe(clerk.orgId);
  });
});
