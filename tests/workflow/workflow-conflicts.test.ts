// Offline conflict rules (item 10): each names what happened and keeps both sides' steps.
import { describe, expect, it } from 'vitest';
import { fold, resolveOffline, type GatewaySide, type Resolution } from '../../src-shared/workflow';
import { builder, clerk, file, head, incomingPath, leader, leader2, outgoingPath, run, spec, unit, user } from './workflow-helpers';

const gw = (over: Partial<GatewaySide> = {}): GatewaySide => { let n = 0; return { newId: () => `gw-${++n}`, now: () => '2026-03-05T08:00:00+07:00', ...over }; };
const asRes = (r: ReturnType<typeof resolveOffline>): Resolution => { if ('ok' in r) throw new Error(r.code); return r; };
const delegation = { delegations: [{ id: 'd', fromUserId: 'ld1', fromUnitId: 'bgd', role: 'lanh_dao' as const, toUserId: 'ld2', orgId: 'ubnd-tinh', validFrom: '2026-03-01T00:00:00Z', validUntil: '2026-04-01T00:00:00Z', revokedAt: null }] };

describe('workflow conflicts: two leaders assign the same document', () => {
  it('the assignment synced first stands; the other is kept whole as a recorded conflict and both sides are named', () => {
    const { events, b } = incomingPath();
    const directed = run(events.slice(0, 4));
    const basis = events[3].id as string;
    const byLd1 = { ...b('in.assigned', leader, { lead: user(head) }), basis };
    const byLd2 = { ...b('in.assigned', leader2, { lead: user(spec) }), basis };
    const first = asRes(resolveOffline(directed, byLd1, gw({ ctx: delegation })));
    expect(first).toMatchObject({ outcome: 'applied', rule: 'no_conflict' });
    const second = asRes(resolveOffline(first.state, byLd2, gw({ ctx: delegation })));
    expect(second).toMatchObject({ outcome: 'kept_as_conflict', rule: 'assignment.first_synced_stands', code: 'CONCURRENT_ASSIGNMENT' });
    expect(second.concerned.sort()).toEqual(['cv1', 'ld1', 'ld2', 'tp1']);
    expect(second.message_vi).toContain('phân công');
    expect(second.state.holder).toEqual(user(head));
    expect(second.state.conflicts[0]).toMatchObject({ originalId: byLd2.id, by: 'ld2', code: 'CONCURRENT_ASSIGNMENT' });
    const kept = second.append[0];
    expect(kept.kind === 'sys.conflict_recorded' && kept.original).toMatchObject({ id: byLd2.id, lead: user(spec) });
    // the authoritative log folds to the same state on any client
    expect(fold([...events.slice(0, 4), ...first.append, ...second.append], delegation)).toEqual(second.state);
  });
  it('a leader who had seen the first assignment may reassign', () => {
    const { events, b } = incomingPath();
    const s = run(events.slice(0, 5));
    const re = { ...b('in.assigned', leader, { lead: unit('ptc') }), basis: events[4].id as string };
    expect(asRes(resolveOffline(s, re, gw())).outcome).toBe('applied');
  });
});

describe('workflow conflicts: a recall after processing began', () => {
  it('processing is kept; the recall is recorded and the recaller and holder are told', () => {
    const { events, b } = incomingPath();
    const processing = run(events.slice(0, 7));
    const recall = { ...b('in.recalled', leader, { reason: 'Giao lại.' }), basis: events[5].id as string };
    const r = asRes(resolveOffline(processing, recall, gw()));
    expect(r).toMatchObject({ outcome: 'kept_as_conflict', rule: 'recall.processing_kept', code: 'RECALL_AFTER_PROCESSING' });
    expect(r.concerned.sort()).toEqual(['cv1', 'ld1']);
    expect(r.state.notes).toHaveLength(1);
    expect(r.state.holder).toEqual(user(spec));
    expect(r.state.conflicts).toHaveLength(1);
  });
});

describe('workflow conflicts: a number taken while offline', () => {
  it('the gateway renumbers; the clerk\'s numbering and the other document\'s number are both kept', () => {
    const { events, b } = outgoingPath();
    const approved = run(events.slice(0, 8));
    const offline = { ...b('out.numbered', clerk, { register: 'normal', so: 15, kyHieu: 'QĐ-UBND', year: 2026, provisional: true }), basis: events[7].id as string };
    const taken = new Set([15, 16]);
    const r = asRes(resolveOffline(approved, offline, gw({ numberTaken: (_r, _y, so) => taken.has(so), nextNumber: () => 17 })));
    expect(r).toMatchObject({ outcome: 'renumbered', rule: 'number.gateway_renumbers', code: 'NUMBER_TAKEN', concerned: ['vt1'] });
    expect(r.append.map((e) => e.kind)).toEqual(['out.numbered', 'sys.renumbered']);
    expect(r.state.number).toMatchObject({ so: 17, provisional: false });
    expect(r.state.numberHistory.map((h) => h.so)).toEqual([15, 17]);
  });
  it('an issue signed offline with the old number stays in the log; the document is due to be issued again', () => {
    const { events, b } = outgoingPath();
    const approved = run(events.slice(0, 8));
    const numbered = { ...b('out.numbered', clerk, { register: 'normal', so: 15, kyHieu: 'QĐ-UBND', year: 2026, provisional: true }) };
    const issuedOffline = b('out.issued', clerk, { signature: file(4, 3), stampedSo: 15 });
    const g = gw({ numberTaken: (_r, _y, so) => so === 15, nextNumber: () => 17 });
    const r = asRes(resolveOffline(approved, numbered, g));
    const i = asRes(resolveOffline(r.state, issuedOffline, g));
    expect(i.outcome).toBe('applied');
    expect(i.state).toMatchObject({ status: 'issued', reissueNeeded: true });
    const send = asRes(resolveOffline(i.state, b('out.sent', clerk, { recipientOrgIds: ['x'] }), g));
    expect(send).toMatchObject({ outcome: 'kept_as_conflict', code: 'NUMBER_MISMATCH' });
    const again = asRes(resolveOffline(send.state, b('out.issued', clerk, { signature: file(5, 3), stampedSo: 17 }), g));
    expect(again.state).toMatchObject({ reissueNeeded: false, issuedSha256: file(5, 3).sha256 });
    expect(again.state.versions.filter((v) => v.kind === 'issuing_signature')).toHaveLength(2);
  });
  it('a free number is simply applied', () => {
    const { events } = outgoingPath();
    const approved = run(events.slice(0, 8));
    expect(asRes(resolveOffline(approved, events[8], gw({ numberTaken: () => false }))).outcome).toBe('applied');
  });
});

describe('workflow conflicts: any other refused offline step is kept, never dropped', () => {
  it('a version added offline after approval is recorded with VERSIONS_LOCKED', () => {
    const { events, b } = outgoingPath();
    const approved = run(events.slice(0, 8));
    const r = asRes(resolveOffline(approved, b('out.version_added', spec, { version: file(9, 3) }), gw()));
    expect(r).toMatchObject({ outcome: 'kept_as_conflict', rule: 'refused_step_kept', code: 'VERSIONS_LOCKED', concerned: ['cv1'] });
    expect(r.state.versions).toHaveLength(approved.versions.length);
  });
  it('a resent step is a duplicate, not a conflict (exactly once)', () => {
    const { events } = outgoingPath();
    const s = run(events.slice(0, 3));
    expect(resolveOffline(s, events[2], gw())).toMatchObject({ ok: false, code: 'DUPLICATE_EVENT' });
  });
  it('only the gateway may record conflicts or renumber', () => {
    const { events, b } = outgoingPath();
    const s = run(events.slice(0, 9));
    expect(resolveOffline(s, b('sys.renumbered', clerk, { fromSo: 15, toSo: 99, kyHieu: 'QĐ-UBND', rule: 'x' }), gw())).toMatchObject({ code: 'SYSTEM_ONLY' });
  });
});
