// The integrity holes of issue 15 item 9, as tests on the pure machine.
import { describe, expect, it } from 'vitest';
import { canSee, canSeeVersion, foldDelegations, verifyDeclaredFile, visibleVersions, type Viewer } from '../../src-shared/workflow';
import { allowed, builder, clerk, clerk2, file, head, incomingPath, leader, leader2, outgoingPath, otherClerk, refused, run, sha, spec, spec2, admin } from './workflow-helpers';

const viewer = (a: { userId: string; role: Viewer['role']; orgId: string; unitId: string }, clearance?: Viewer['clearance']): Viewer => ({ ...a, ...(clearance ? { clearance } : {}) });

describe('workflow integrity: versions lock from approval on', () => {
  it('a draft version added after the leader approved is refused; only the clerk\'s issuing signature follows', () => {
    const { events, b } = outgoingPath();
    const approved = run(events.slice(0, 8));
    refused(approved, b('out.version_added', leader, { version: file(9, 3) }), 'VERSIONS_LOCKED');
    refused(approved, b('out.version_added', spec, { version: file(9, 3) }), 'VERSIONS_LOCKED');
    refused(approved, b('out.version_added', clerk, { version: file(9, 3) }), 'VERSIONS_LOCKED');
    const issued = run(events.slice(8, 10), {}, approved);
    refused(issued, b('out.version_added', clerk, { version: file(9, 4) }), 'VERSIONS_LOCKED');
    expect(issued.versions.at(-1)).toMatchObject({ kind: 'issuing_signature', parentSha256: issued.approvedSha256 });
  });
  it('the issuing signature must sit on the approved version, not on an earlier draft', () => {
    const { events, b } = outgoingPath();
    const numbered = run(events.slice(0, 9));
    refused(numbered, b('out.issued', clerk, { signature: file(9, 1), stampedSo: 15 }), 'SIGNATURE_PARENT_MISMATCH');
  });
});

describe('workflow integrity: declared size and hash are checked against the stored file', () => {
  it('a declared size of 12,345,678 bytes for a 58-byte file is refused', () => {
    expect(verifyDeclaredFile({ sha256: sha(1), size: 12_345_678 }, { sha256: sha(1), size: 58 })).toMatchObject({ ok: false, code: 'FILE_MISMATCH' });
    expect(verifyDeclaredFile({ sha256: sha(1), size: 58 }, { sha256: sha(2), size: 58 })).toMatchObject({ ok: false, code: 'FILE_MISMATCH' });
    expect(verifyDeclaredFile({ sha256: sha(1), size: 58 }, null)).toMatchObject({ ok: false, code: 'FILE_MISMATCH' });
    expect(verifyDeclaredFile({ sha256: sha(1), size: 58 }, { sha256: sha(1), size: 58 })).toEqual({ ok: true });
  });
});

describe('workflow integrity: recipients see the issued version and later only', () => {
  const { events } = outgoingPath();
  const sent = run(events);
  const recipient = viewer(otherClerk);
  it('a recipient organisation cannot open internal draft v1', () => {
    expect(canSee(sent, recipient)).toBe(true);
    expect(canSeeVersion(sent, recipient, sha(1))).toBe(false);
    expect(canSeeVersion(sent, recipient, sha(3))).toBe(false);
    expect(visibleVersions(sent, recipient).map((v) => v.sha256)).toEqual([sha(4)]);
    expect(visibleVersions(sent, viewer(spec2)).map((v) => v.sha256)).toEqual([sha(1), sha(2), sha(3), sha(4)]);
  });
  it('another organisation sees nothing before issue, or when not a recipient', () => {
    expect(canSee(run(events.slice(0, 9)), recipient)).toBe(false);
    expect(canSee(sent, { ...recipient, orgId: 'so-xay-dung' })).toBe(false);
    expect(visibleVersions(sent, { ...recipient, orgId: 'so-xay-dung' })).toEqual([]);
  });
});

describe('workflow integrity: confidential documents only to people assigned or cleared', () => {
  const { events, b } = incomingPath(builder(), { doMat: 'toi_mat' });
  const submitted = run(events.slice(0, 3));
  it('a specialist cannot read the leader\'s tối mật document', () => {
    expect(canSee(submitted, viewer(leader))).toBe(true);
    expect(canSee(submitted, viewer(clerk))).toBe(true); // registered it
    expect(canSee(submitted, viewer(spec))).toBe(false);
    expect(canSee(submitted, viewer(head))).toBe(false);
    expect(canSee(submitted, viewer(leader2))).toBe(false);
    expect(canSee(submitted, viewer(clerk2))).toBe(false);
    expect(canSee(submitted, viewer(admin))).toBe(false);
  });
  it('clearance for the level (or above) lets one see it; a lower clearance does not', () => {
    expect(canSee(submitted, viewer(spec, 'tuyet_mat'))).toBe(true);
    expect(canSee(submitted, viewer(spec, 'toi_mat'))).toBe(true);
    expect(canSee(submitted, viewer(spec, 'mat'))).toBe(false);
  });
  it('assignment opens it to the lead unit\'s heads, then forwarding to the specialist', () => {
    const assigned = run(events.slice(3, 5), {}, submitted);
    expect(canSee(assigned, viewer(head))).toBe(true);
    expect(canSee(assigned, viewer(spec))).toBe(false); // a plain member of the unit: not yet
    expect(canSee(assigned, viewer(clerk2))).toBe(true); // named for information
    const forwarded = run(events.slice(5, 6), {}, assigned);
    expect(canSee(forwarded, viewer(spec))).toBe(true);
    expect(canSee(forwarded, viewer(spec2))).toBe(false); // member of the assisting unit, not its head
  });
  it('a delegate sees what the delegator sees during the period only', () => {
    const ctx = { delegations: foldDelegations([{ id: 'g', docId: 'd1', kind: 'delegation.granted', actor: leader, at: '2026-03-01T00:00:00Z', fromUserId: 'ld1', fromUnitId: 'bgd', role: 'lanh_dao', toUserId: 'ld2', validFrom: '2026-03-01T00:00:00Z', validUntil: '2026-03-10T00:00:00Z' }]).delegations };
    expect(canSee(submitted, viewer(leader2), ctx, '2026-03-05T00:00:00Z')).toBe(true);
    expect(canSee(submitted, viewer(leader2), ctx, '2026-03-11T00:00:00Z')).toBe(false);
  });
  it('a refused step by an outsider grants no visibility', () => {
    const after = (() => { refused(submitted, b('in.directed', spec, { text: 'x' }), 'ROLE_NOT_ALLOWED'); return submitted; })();
    expect(canSee(after, viewer(spec))).toBe(false);
  });
  it('an ordinary document is visible across the organisation, as today', () => {
    const plain = run(incomingPath().events.slice(0, 3));
    expect(canSee(plain, viewer(spec))).toBe(true);
    expect(allowed).toBeTypeOf('function');
  });
});
