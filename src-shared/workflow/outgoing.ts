// Transitions of an outgoing document (văn bản đi): draft with versions → consultation (lấy ý kiến)
// → submitted along a route (chuyên viên → trưởng phòng → lãnh đạo) → approved and signed (ký duyệt)
// or returned → numbered (cấp số) → issued with the organisation's signature (ký phát hành) → sent;
// withdrawn (thu hồi) or corrected (đính chính) afterwards as new linked events.
// Integrity: from approval on the versions are locked; only the clerk's issuing signature, on top of
// the approved version, may follow.
import type { EventOf, VersionRef } from './events';
import { refuse } from './refusals';
import { actsFor, hasRole, sameParty, userParty, type Authority, type Party } from './roles';
import { closeAll, handTo, headVersion, type DocState, type Patch, type Transition, type Version, type WfStatus } from './state';

const outStatus = (s: DocState, ...allowed: WfStatus[]) => s.direction === 'out' && allowed.includes(s.status);
const wrong = (s: DocState) => refuse(s.direction !== null && s.direction !== 'out' ? 'WRONG_DIRECTION' : 'WRONG_STATE');
const DRAFTERS = ['chuyen_vien', 'truong_phong', 'pho_phong', 'lanh_dao', 'van_thu'] as const;
const ROUTE_RANK = { truong_phong: 1, pho_phong: 1, lanh_dao: 2 } as const;

const isAuthor = (s: DocState, auth: Authority) => actsFor(auth, s.createdBy) || actsFor(auth, s.holder);
const version = (v: VersionRef, no: number, kind: Version['kind'], by: string, at: string): Version =>
  ({ no, sha256: v.sha256, size: v.size, fileName: v.fileName, kind, parentSha256: v.parentSha256, by, at });
const clerkTakes = (s: DocState, clerk: Party, at: string, eventId: string): Patch =>
  (sameParty(s.holder, clerk) ? {} : handTo(s, clerk, at, eventId, [...s.chain, clerk]));

/** A specialist (or anyone who drafts) starts a draft. */
export const createDraft: Transition<EventOf<'out.draft_created'>> = (s, e, { auth, at }) => {
  if (s.status !== 'none') return refuse('ALREADY_EXISTS');
  if (!hasRole(auth, DRAFTERS)) return refuse('ROLE_NOT_ALLOWED');
  const me = userParty(e.actor);
  return {
    docId: e.docId, direction: 'out', status: 'draft', orgId: e.actor.orgId, createdBy: me,
    subject: e.meta.subject, typeCode: e.meta.typeCode, doMat: e.meta.doMat, doKhan: e.meta.doKhan,
    ...handTo(s, me, at, e.id, [me]),
  };
};

/** A new draft version on top of the current one. Refused once approved (VERSIONS_LOCKED). */
export const addVersion: Transition<EventOf<'out.version_added'>> = (s, e, { auth, at }) => {
  if (s.direction === 'out' && s.locked) return refuse('VERSIONS_LOCKED');
  if (!outStatus(s, 'draft', 'returned', 'in_review')) return wrong(s);
  if (!isAuthor(s, auth)) return refuse('NOT_AUTHOR');
  if (e.version.parentSha256 !== (headVersion(s)?.sha256 ?? null)) return refuse('VERSION_PARENT_MISMATCH');
  return { versions: [...s.versions, version(e.version, s.versions.length + 1, 'draft', e.actor.userId, at)] };
};

/** The drafter asks colleagues or units for their opinion (lấy ý kiến), with a deadline. */
export const requestConsultation: Transition<EventOf<'out.consultation_requested'>> = (s, e, { auth }) => {
  if (!outStatus(s, 'draft', 'returned')) return wrong(s);
  if (!isAuthor(s, auth)) return refuse('NOT_AUTHOR');
  if (s.consultations[e.consultationId]) return refuse('CONSULTATION_EXISTS');
  return { consultations: { ...s.consultations, [e.consultationId]: { requestedBy: e.actor.userId, participants: e.participants, deadline: e.deadline ?? null, answers: [] } } };
};

/** A participant answers: Đồng ý / Không đồng ý / Ý kiến khác (the last two say why). */
export const answerConsultation: Transition<EventOf<'out.consultation_answered'>> = (s, e, { auth, at }) => {
  if (!outStatus(s, 'draft', 'returned', 'in_review')) return wrong(s);
  const c = s.consultations[e.consultationId];
  if (!c) return refuse('CONSULTATION_UNKNOWN');
  if (!c.participants.some((p) => actsFor(auth, p))) return refuse('NOT_PARTICIPANT');
  if (c.answers.some((a) => a.userId === e.actor.userId)) return refuse('ALREADY_ANSWERED');
  if (e.answer !== 'dong_y' && !e.text.trim()) return refuse('ANSWER_TEXT_REQUIRED');
  const answers = [...c.answers, { userId: e.actor.userId, answer: e.answer, text: e.text, at }];
  return { consultations: { ...s.consultations, [e.consultationId]: { ...c, answers } } };
};

/** The route must climb (heads of unit before leaders) and end with a leader who signs. */
export function routeValid(route: readonly { role: keyof typeof ROUTE_RANK }[]): boolean {
  if (route.length === 0 || route.at(-1)!.role !== 'lanh_dao') return false;
  return route.every((st, i) => i === 0 || ROUTE_RANK[route[i - 1].role] <= ROUTE_RANK[st.role]);
}

/** The drafter submits the current version for approval along a route (trình ký). */
export const submitForApproval: Transition<EventOf<'out.submitted'>> = (s, e, { auth, at }) => {
  if (!outStatus(s, 'draft', 'returned')) return wrong(s);
  if (!isAuthor(s, auth)) return refuse('NOT_AUTHOR');
  if (s.versions.length === 0) return refuse('NO_VERSION');
  if (!routeValid(e.route)) return refuse('ROUTE_INVALID');
  const first: Party = { kind: 'user', id: e.route[0].userId, ...(e.route[0].unitId ? { unitId: e.route[0].unitId } : {}) };
  return { status: 'in_review', route: e.route, routeIndex: 0, ...handTo(s, first, at, e.id, [...s.chain, first]) };
};

function currentApprover(s: DocState, auth: Authority) {
  const step = s.route?.[s.routeIndex];
  if (!step || !auth.userIds.has(step.userId) || !auth.roles.has(step.role)) return refuse('NOT_CURRENT_APPROVER');
  return null;
}

/** The approver at the current step approves the head version; the last one signs it (ký duyệt),
 *  which locks the versions and hands the document to the clerks' desk. */
export const approve: Transition<EventOf<'out.approved'>> = (s, e, { auth, at }) => {
  if (!outStatus(s, 'in_review')) return wrong(s);
  const r = currentApprover(s, auth); if (r) return r;
  if (e.versionSha256 !== headVersion(s)?.sha256) return refuse('APPROVAL_NOT_HEAD');
  const last = s.routeIndex === s.route!.length - 1;
  const approvals = [...s.approvals, { userId: e.actor.userId, step: s.routeIndex, versionSha256: e.versionSha256, at }];
  if (!last) {
    if (e.signature) return refuse('SIGNATURE_NOT_EXPECTED');
    const st = s.route![s.routeIndex + 1];
    const next: Party = { kind: 'user', id: st.userId, ...(st.unitId ? { unitId: st.unitId } : {}) };
    return { approvals, routeIndex: s.routeIndex + 1, ...handTo(s, next, at, e.id, [...s.chain, next]) };
  }
  if (!e.signature) return refuse('SIGNATURE_REQUIRED');
  if (e.signature.parentSha256 !== e.versionSha256) return refuse('SIGNATURE_PARENT_MISMATCH');
  const desk: Party = { kind: 'desk', id: 'van_thu' };
  return {
    approvals, status: 'approved', locked: true, approvedSha256: e.signature.sha256,
    versions: [...s.versions, version(e.signature, s.versions.length + 1, 'approval_signature', e.actor.userId, at)],
    ...handTo(s, desk, at, e.id, [...s.chain, desk]),
  };
};

/** The approver at the current step returns the draft to its drafter, with a reason. */
export const returnDraft: Transition<EventOf<'out.returned'>> = (s, e, { auth, at }) => {
  if (!outStatus(s, 'in_review')) return wrong(s);
  const r = currentApprover(s, auth); if (r) return r;
  if (!e.reason.trim()) return refuse('REASON_REQUIRED');
  const drafter = s.createdBy!;
  return { status: 'returned', route: null, routeIndex: 0, approvals: [], ...handTo(s, drafter, at, e.id, [drafter]) };
};

/** The clerk assigns số and ký hiệu in the register (the confidential series for documents with độ mật). */
export const assignNumber: Transition<EventOf<'out.numbered'>> = (s, e, { auth, at }) => {
  if (!outStatus(s, 'approved')) return wrong(s);
  if (!auth.roles.has('van_thu')) return refuse('ROLE_NOT_ALLOWED');
  if (s.number) return refuse('ALREADY_NUMBERED');
  if ((s.doMat === 'thuong') !== (e.register === 'normal')) return refuse('REGISTER_MISMATCH');
  return {
    number: { register: e.register, so: e.so, kyHieu: e.kyHieu, year: e.year, provisional: e.provisional },
    numberHistory: [...s.numberHistory, { so: e.so, eventId: e.id }],
    ...clerkTakes(s, userParty(e.actor), at, e.id),
  };
};

/** The clerk issues with the organisation's signature (ký phát hành), on top of the approved version.
 *  A signature stamped with a number the gateway has since replaced is kept, and a new issue is due. */
export const issue: Transition<EventOf<'out.issued'>> = (s, e, { auth, at }) => {
  if (!(outStatus(s, 'approved') || (outStatus(s, 'issued') && s.reissueNeeded))) return wrong(s);
  if (!auth.roles.has('van_thu')) return refuse('ROLE_NOT_ALLOWED');
  if (!s.number) return refuse('NOT_NUMBERED');
  if (e.signature.parentSha256 !== s.approvedSha256) return refuse('SIGNATURE_PARENT_MISMATCH');
  let reissueNeeded = false;
  if (e.stampedSo !== s.number.so) {
    if (s.status === 'issued' || !s.numberHistory.some((h) => h.so === e.stampedSo)) return refuse('NUMBER_MISMATCH');
    reissueNeeded = true;
  }
  return {
    status: 'issued', issuedSha256: e.signature.sha256, issuedAt: at, reissueNeeded,
    versions: [...s.versions, version(e.signature, s.versions.length + 1, 'issuing_signature', e.actor.userId, at)],
    ...clerkTakes(s, userParty(e.actor), at, e.id),
  };
};

/** The clerk sends the issued document to its recipients (more may follow later). */
export const send: Transition<EventOf<'out.sent'>> = (s, e, { auth, at }) => {
  if (!outStatus(s, 'issued')) return wrong(s);
  if (!auth.roles.has('van_thu')) return refuse('ROLE_NOT_ALLOWED');
  if (s.reissueNeeded) return refuse('NUMBER_MISMATCH');
  if (e.recipientOrgIds.length + e.externalRecipients.length === 0) return refuse('NO_RECIPIENTS');
  const union = (a: string[], b: string[]) => [...a, ...b.filter((x) => !a.includes(x))];
  return {
    recipients: union(s.recipients, e.recipientOrgIds), externalRecipients: union(s.externalRecipients, e.externalRecipients),
    ...closeAll(s, at, e.id),
  };
};

const WITHDRAWERS = ['lanh_dao', 'van_thu'] as const;

/** An issued document is withdrawn (thu hồi) — a new event linked to the issue; nothing is erased. */
export const withdraw: Transition<EventOf<'out.withdrawn'>> = (s, e, { auth, at }) => {
  if (!outStatus(s, 'issued')) return wrong(s);
  if (!hasRole(auth, WITHDRAWERS)) return refuse('ROLE_NOT_ALLOWED');
  if (!e.reason.trim()) return refuse('REASON_REQUIRED');
  return { status: 'withdrawn', withdrawn: { eventId: e.id, reason: e.reason, at }, ...closeAll(s, at, e.id) };
};

/** An issued document is corrected (đính chính), usually by a linked correcting document. */
export const correct: Transition<EventOf<'out.corrected'>> = (s, e, { auth, at }) => {
  if (!outStatus(s, 'issued')) return wrong(s);
  if (!hasRole(auth, WITHDRAWERS)) return refuse('ROLE_NOT_ALLOWED');
  if (!e.reason.trim()) return refuse('REASON_REQUIRED');
  return { corrections: [...s.corrections, { eventId: e.id, reason: e.reason, correctionDocId: e.correctionDocId ?? null, at }] };
};
