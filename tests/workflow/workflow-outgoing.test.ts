import { describe, expect, it } from 'vitest';
import { routeValid } from '../../src-shared/workflow/outgoing';
import { allowed, builder, clerk, file, head, leader, leader2, outgoingPath, refused, run, sha, spec, spec2, system, unit, user, deputy, headTc } from './workflow-helpers';

const upTo = (n: number, doMat?: string) => { const p = outgoingPath(builder('out-1'), { doMat }); return { ...p, s: run(p.events.slice(0, n)) }; };

describe('workflow outgoing: drafts and versions', () => {
  it('a specialist creates a draft and adds versions on the head', () => {
    const { s } = upTo(2);
    expect(s).toMatchObject({ direction: 'out', status: 'draft', holder: user(spec) });
    expect(s.versions.map((v) => [v.no, v.kind])).toEqual([[1, 'draft']]);
  });
  it('refuses a draft by an administrator or the gateway', () => {
    const b = builder('o2');
    refused(run([]), b('out.draft_created', system, { meta: { typeCode: 'CV', subject: 'x' } }), 'ROLE_NOT_ALLOWED');
  });
  it('refuses a version not on the head, and one by someone neither drafting nor holding it', () => {
    const { s, b } = upTo(2);
    refused(s, b('out.version_added', spec, { version: file(5) }), 'VERSION_PARENT_MISMATCH');
    refused(s, b('out.version_added', spec, { version: file(5, 9) }), 'VERSION_PARENT_MISMATCH');
    refused(s, b('out.version_added', spec2, { version: file(5, 1) }), 'NOT_AUTHOR');
  });
  it('the approver holding it may edit during review', () => {
    const { s, b } = upTo(6);
    expect(allowed(s, b('out.version_added', head, { version: file(9, 2) })).versions).toHaveLength(3);
  });
});

describe('workflow outgoing: consultation', () => {
  it('participants answer; a unit answers through its head', () => {
    const { s, b } = upTo(4);
    const c = allowed(s, b('out.consultation_answered', headTc, { consultationId: 'c1', answer: 'dong_y' }));
    expect(c.consultations.c1.answers.map((a) => [a.userId, a.answer])).toEqual([['cv2', 'y_kien_khac'], ['tp2', 'dong_y']]);
  });
  it('refuses a non-participant, a second answer, a disagreement without text, an unknown or repeated consultation', () => {
    const { s, b } = upTo(4);
    refused(s, b('out.consultation_answered', head, { consultationId: 'c1', answer: 'dong_y' }), 'NOT_PARTICIPANT');
    refused(s, b('out.consultation_answered', spec2, { consultationId: 'c1', answer: 'dong_y' }), 'ALREADY_ANSWERED');
    refused(s, b('out.consultation_answered', headTc, { consultationId: 'c1', answer: 'khong_dong_y' }), 'ANSWER_TEXT_REQUIRED');
    refused(s, b('out.consultation_answered', headTc, { consultationId: 'c9', answer: 'dong_y' }), 'CONSULTATION_UNKNOWN');
    refused(s, b('out.consultation_requested', spec, { consultationId: 'c1', participants: [user(head)] }), 'CONSULTATION_EXISTS');
    refused(s, b('out.consultation_requested', spec2, { consultationId: 'c2', participants: [user(head)] }), 'NOT_AUTHOR');
    const r = upTo(6);
    refused(r.s, r.b('out.consultation_requested', spec, { consultationId: 'c2', participants: [user(head)] }), 'WRONG_STATE');
  });
});

describe('workflow outgoing: submission along a route', () => {
  it('route rules: climbing, ending with a leader', () => {
    expect(routeValid([{ role: 'truong_phong' }, { role: 'lanh_dao' }])).toBe(true);
    expect(routeValid([{ role: 'lanh_dao' }])).toBe(true);
    expect(routeValid([{ role: 'pho_phong' }, { role: 'truong_phong' }, { role: 'lanh_dao' }])).toBe(true);
    expect(routeValid([{ role: 'lanh_dao' }, { role: 'truong_phong' }])).toBe(false);
    expect(routeValid([{ role: 'truong_phong' }])).toBe(false);
    expect(routeValid([])).toBe(false);
  });
  it('the drafter submits; the head holds it first', () => {
    const { s } = upTo(6);
    expect(s).toMatchObject({ status: 'in_review', routeIndex: 0, holder: { kind: 'user', id: head.userId } });
  });
  it('refuses submission without a file, with a bad route, by another person, and twice', () => {
    const b = builder('o3');
    const s = run([b('out.draft_created', spec, { meta: { typeCode: 'CV', subject: 'x' } })]);
    refused(s, b('out.submitted', spec, { route: [{ userId: 'ld1', role: 'lanh_dao' }] }), 'NO_VERSION');
    const r = upTo(5);
    refused(r.s, r.b('out.submitted', spec, { route: [{ userId: 'ld1', role: 'lanh_dao' }, { userId: 'tp1', role: 'truong_phong' }] }), 'ROUTE_INVALID');
    refused(r.s, r.b('out.submitted', spec2, { route: [{ userId: 'ld1', role: 'lanh_dao' }] }), 'NOT_AUTHOR');
    const t = upTo(6);
    refused(t.s, t.b('out.submitted', spec, { route: [{ userId: 'ld1', role: 'lanh_dao' }] }), 'WRONG_STATE');
  });
});

describe('workflow outgoing: approval and return', () => {
  it('the head approves, then the leader approves and signs (ký duyệt): versions lock, the clerks\' desk holds it', () => {
    const { s } = upTo(8);
    expect(s).toMatchObject({ status: 'approved', locked: true, approvedSha256: sha(3), holder: { kind: 'desk', id: 'van_thu' } });
    expect(s.versions.at(-1)).toMatchObject({ kind: 'approval_signature', parentSha256: sha(2) });
    expect(s.approvals.map((a) => a.userId)).toEqual(['tp1', 'ld1']);
  });
  it('refuses approval out of turn, of a version that is not the head, and without or with a misplaced signature', () => {
    const { s, b } = upTo(6);
    refused(s, b('out.approved', leader, { versionSha256: sha(2), signature: file(3, 2) }), 'NOT_CURRENT_APPROVER');
    refused(s, b('out.approved', deputy, { versionSha256: sha(2) }), 'NOT_CURRENT_APPROVER');
    refused(s, b('out.approved', head, { versionSha256: sha(1) }), 'APPROVAL_NOT_HEAD');
    refused(s, b('out.approved', head, { versionSha256: sha(2), signature: file(3, 2) }), 'SIGNATURE_NOT_EXPECTED');
    const r = upTo(7);
    refused(r.s, r.b('out.approved', leader, { versionSha256: sha(2) }), 'SIGNATURE_REQUIRED');
    refused(r.s, r.b('out.approved', leader, { versionSha256: sha(2), signature: file(3, 1) }), 'SIGNATURE_PARENT_MISMATCH');
    refused(r.s, r.b('out.approved', leader2, { versionSha256: sha(2), signature: file(3, 2) }), 'NOT_CURRENT_APPROVER');
  });
  it('the approver returns to the drafter with a reason; the drafter revises and submits again', () => {
    const { s, b } = upTo(7);
    const back = allowed(s, b('out.returned', leader, { reason: 'Chưa đúng thể thức.' }));
    expect(back).toMatchObject({ status: 'returned', holder: user(spec), route: null, approvals: [] });
    const again = run([b('out.version_added', spec, { version: file(5, 2) }), b('out.submitted', spec, { route: [{ userId: 'ld1', role: 'lanh_dao' }] })], {}, back);
    expect(again).toMatchObject({ status: 'in_review', holder: { id: 'ld1' } });
  });
  it('refuses a return without a reason and by someone not at the current step', () => {
    const { s, b } = upTo(7);
    refused(s, b('out.returned', leader, { reason: '' }), 'INVALID_EVENT');
    refused(s, b('out.returned', head, { reason: 'x' }), 'NOT_CURRENT_APPROVER');
    const d = upTo(5);
    refused(d.s, d.b('out.returned', head, { reason: 'x' }), 'WRONG_STATE');
  });
});

describe('workflow outgoing: numbering, issue, sending', () => {
  it('the clerk numbers, issues with the organisation\'s signature on the approved version, and sends', () => {
    const { s } = upTo(11);
    expect(s).toMatchObject({ status: 'issued', issuedSha256: sha(4), number: { so: 15, kyHieu: 'QĐ-UBND', register: 'normal' }, recipients: ['so-tai-chinh'], externalRecipients: ['Bộ Tài chính'] });
    expect(s.versions.map((v) => v.kind)).toEqual(['draft', 'draft', 'approval_signature', 'issuing_signature']);
    expect(s.intervals.every((i) => i.until !== null)).toBe(true);
  });
  it('refuses numbering by a non-clerk, before approval, twice, and in the wrong register', () => {
    const { s, b } = upTo(8);
    refused(s, b('out.numbered', leader, { register: 'normal', so: 1, kyHieu: 'QĐ-UBND', year: 2026 }), 'ROLE_NOT_ALLOWED');
    refused(s, b('out.numbered', clerk, { register: 'confidential', so: 1, kyHieu: 'QĐ-UBND', year: 2026 }), 'REGISTER_MISMATCH');
    const c = upTo(8, 'mat');
    refused(c.s, c.b('out.numbered', clerk, { register: 'normal', so: 1, kyHieu: 'QĐ-UBND', year: 2026 }), 'REGISTER_MISMATCH');
    const n = upTo(9);
    refused(n.s, n.b('out.numbered', clerk, { register: 'normal', so: 16, kyHieu: 'QĐ-UBND', year: 2026 }), 'ALREADY_NUMBERED');
    const e = upTo(7);
    refused(e.s, e.b('out.numbered', clerk, { register: 'normal', so: 1, kyHieu: 'QĐ-UBND', year: 2026 }), 'WRONG_STATE');
  });
  it('refuses issuing before numbering, by a non-clerk, off the approved version, and with another number in the stamp', () => {
    const a = upTo(8);
    refused(a.s, a.b('out.issued', clerk, { signature: file(4, 3), stampedSo: 15 }), 'NOT_NUMBERED');
    const { s, b } = upTo(9);
    refused(s, b('out.issued', leader, { signature: file(4, 3), stampedSo: 15 }), 'ROLE_NOT_ALLOWED');
    refused(s, b('out.issued', clerk, { signature: file(4, 2), stampedSo: 15 }), 'SIGNATURE_PARENT_MISMATCH');
    refused(s, b('out.issued', clerk, { signature: file(4, 3), stampedSo: 16 }), 'NUMBER_MISMATCH');
  });
  it('refuses sending before issue, by a non-clerk, and with no recipients', () => {
    const a = upTo(9);
    refused(a.s, a.b('out.sent', clerk, { recipientOrgIds: ['x'] }), 'WRONG_STATE');
    const { s, b } = upTo(10);
    refused(s, b('out.sent', spec, { recipientOrgIds: ['x'] }), 'ROLE_NOT_ALLOWED');
    refused(s, b('out.sent', clerk, {}), 'NO_RECIPIENTS');
    expect(allowed(s, b('out.sent', clerk, { recipientOrgIds: ['a', 'b'] })).recipients).toEqual(['a', 'b']);
  });
});

describe('workflow outgoing: withdrawal and correction as linked events', () => {
  it('an issued document is corrected then withdrawn; nothing is erased', () => {
    const { s, b } = upTo(11);
    const c = allowed(s, b('out.corrected', clerk, { reason: 'Sai ngày hiệu lực.', correctionDocId: 'out-2' }));
    expect(c.corrections).toEqual([expect.objectContaining({ correctionDocId: 'out-2' })]);
    const w = allowed(c, b('out.withdrawn', leader, { reason: 'Ban hành không đúng thẩm quyền.' }));
    expect(w).toMatchObject({ status: 'withdrawn', issuedSha256: sha(4) });
    expect(w.versions).toHaveLength(4);
    expect(w.log.map((e) => e.kind).slice(-2)).toEqual(['out.corrected', 'out.withdrawn']);
  });
  it('refuses withdrawal and correction before issue, by a specialist, and without a reason', () => {
    const a = upTo(9);
    refused(a.s, a.b('out.withdrawn', leader, { reason: 'x' }), 'WRONG_STATE');
    refused(a.s, a.b('out.corrected', leader, { reason: 'x' }), 'WRONG_STATE');
    const { s, b } = upTo(11);
    refused(s, b('out.withdrawn', spec, { reason: 'x' }), 'ROLE_NOT_ALLOWED');
    refused(s, b('out.corrected', spec, { reason: 'x' }), 'ROLE_NOT_ALLOWED');
    refused(s, b('out.withdrawn', leader, { reason: ' ' }), 'INVALID_EVENT');
    const w = allowed(s, b('out.withdrawn', leader, { reason: 'x' }));
    refused(w, b('out.corrected', clerk, { reason: 'x' }), 'WRONG_STATE');
    refused(w, b('in.assigned', leader, { lead: unit('pkt') }), 'WRONG_DIRECTION');
  });
});
