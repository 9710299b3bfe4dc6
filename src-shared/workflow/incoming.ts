// Transitions of an incoming document (văn bản đến): received → registered (số đến) → submitted to
// the leader → directed (bút phê) → assigned (chủ trì / phối hợp / để biết, hạn xử lý) → forwarded,
// returned, recalled, processed → completed. Each function is one rule: who, in which state, what changes.
import type { EventOf } from './events';
import { deadlineTime } from './deadlines';
import { refuse } from './refusals';
import { actsFor, hasRole, partyKey, sameParty, userParty, type Party } from './roles';
import { closeAll, handTo, setAssisting, type DocState, type Patch, type Transition, type WfStatus } from './state';

const inStatus = (s: DocState, ...allowed: WfStatus[]) => s.direction === 'in' && allowed.includes(s.status);
const wrong = (s: DocState) => refuse(s.direction !== null && s.direction !== 'in' ? 'WRONG_DIRECTION' : 'WRONG_STATE');
const leaderParty = (s: DocState): Party | null => (s.submittedTo ? { kind: 'user', id: s.submittedTo } : null);

/** Received from another unit (delivered by the gateway), from the national axis, or a scanned paper document. */
export const receive: Transition<EventOf<'in.received'>> = (s, e, { auth, at }) => {
  if (s.status !== 'none') return refuse('ALREADY_EXISTS');
  if (!hasRole(auth, ['van_thu', 'system'])) return refuse('ROLE_NOT_ALLOWED');
  const holder: Party = e.actor.role === 'system' ? { kind: 'desk', id: 'van_thu' } : userParty(e.actor);
  const m = e.meta;
  return {
    docId: e.docId, direction: 'in', status: 'received', orgId: e.actor.orgId, createdBy: userParty(e.actor),
    subject: m.subject, typeCode: m.typeCode, doMat: m.doMat, doKhan: m.doKhan,
    deadline: m.dueDate ?? null, originalDeadline: m.dueDate ?? null,
    ...handTo(s, holder, at, e.id, [holder]),
  };
};

/** The clerk enters it in the register with its số đến; confidential documents go to the confidential register. */
export const register: Transition<EventOf<'in.registered'>> = (s, e, { auth, at }) => {
  if (!inStatus(s, 'received')) return wrong(s);
  if (!auth.roles.has('van_thu')) return refuse('ROLE_NOT_ALLOWED');
  const doMat = e.fields.doMat ?? s.doMat;
  if ((doMat === 'thuong') !== (e.register === 'normal')) return refuse('REGISTER_MISMATCH');
  const clerk = userParty(e.actor);
  const f = e.fields;
  return {
    status: 'registered', doMat, doKhan: f.doKhan ?? s.doKhan, subject: f.subject ?? s.subject, typeCode: f.typeCode ?? s.typeCode,
    ...(f.dueDate ? { deadline: f.dueDate, originalDeadline: f.dueDate } : {}),
    incoming: { register: e.register, soDen: e.soDen, ngayDen: e.ngayDen, year: e.year },
    ...(sameParty(s.holder, clerk) ? {} : handTo(s, clerk, at, e.id, [clerk])),
  };
};

/** The clerk submits it to a leader (trình lãnh đạo). */
export const submitToLeader: Transition<EventOf<'in.submitted'>> = (s, e, { auth, at }) => {
  if (!inStatus(s, 'registered')) return wrong(s);
  if (!auth.roles.has('van_thu')) return refuse('ROLE_NOT_ALLOWED');
  return { status: 'submitted', submittedTo: e.to.id, ...handTo(s, e.to, at, e.id, [...s.chain, e.to]) };
};

/** Whether the actor is the leader it was submitted to, in person or by delegation. */
function isTheLeader(s: DocState, auth: Parameters<Transition<unknown>>[2]['auth']) {
  if (!auth.roles.has('lanh_dao')) return refuse('ROLE_NOT_ALLOWED');
  if (!s.submittedTo || !auth.userIds.has(s.submittedTo)) return refuse('NOT_SUBMITTED_TO_YOU');
  return null;
}

/** The leader's direction (bút phê). */
export const direct: Transition<EventOf<'in.directed'>> = (s, e, { auth, at }) => {
  if (!inStatus(s, 'submitted', 'directed', 'assigned', 'in_progress')) return wrong(s);
  const r = isTheLeader(s, auth); if (r) return r;
  return { status: s.status === 'submitted' ? 'directed' : s.status, directions: [...s.directions, { eventId: e.id, by: e.actor.userId, text: e.text, at }] };
};

/** The leader assigns: one lead (chủ trì), assisting (phối hợp), for information (để biết), a deadline.
 *  Assigning again replaces the assignment (earlier processing notes stay). */
export const assign: Transition<EventOf<'in.assigned'>> = (s, e, { auth, at }) => {
  if (!inStatus(s, 'submitted', 'directed', 'assigned', 'in_progress')) return wrong(s);
  const r = isTheLeader(s, auth); if (r) return r;
  if (e.assisting.some((p) => partyKey(p) === partyKey(e.lead))) return refuse('LEAD_ALSO_ASSISTING');
  if (e.deadline && deadlineTime(e.deadline) < Date.parse(at)) return refuse('DEADLINE_IN_PAST');
  const leader = leaderParty(s)!;
  const upTo = s.chain.findIndex((p) => sameParty(p, leader));
  const chain = [...(upTo >= 0 ? s.chain.slice(0, upTo + 1) : s.chain), e.lead];
  const hand = handTo(s, e.lead, at, e.id, chain);
  const deadline = e.deadline ?? s.deadline;
  return {
    ...hand, status: 'assigned', processingStarted: false,
    intervals: setAssisting(hand.intervals!, e.assisting, at, e.id),
    assignment: { eventId: e.id, by: e.actor.userId, lead: e.lead, assisting: e.assisting, forInfo: e.forInfo, at },
    deadline, originalDeadline: deadline,
  };
};

/** The holder passes it on (e.g. the head of the lead unit to a specialist). */
export const forward: Transition<EventOf<'in.forwarded'>> = (s, e, { auth, at }) => {
  if (!inStatus(s, 'assigned', 'in_progress')) return wrong(s);
  if (!actsFor(auth, s.holder)) return refuse('NOT_HOLDER');
  return handTo(s, e.to, at, e.id, [...s.chain, e.to]);
};

/** Back one hand-over: to whoever passed it on; at the clerk it is registered again, at the leader it awaits a new assignment. */
function stepBack(s: DocState, idx: number, at: string, eventId: string): Patch {
  const to = s.chain[idx];
  const hand = handTo(s, to, at, eventId, s.chain.slice(0, idx + 1));
  if (idx === 0) return { ...hand, status: 'registered', submittedTo: null, assignment: null, intervals: setAssisting(hand.intervals!, [], at, eventId) };
  if (sameParty(to, leaderParty(s))) {
    return { ...hand, status: s.directions.length ? 'directed' : 'submitted', assignment: null, intervals: setAssisting(hand.intervals!, [], at, eventId) };
  }
  return hand;
}

/** The holder returns it (chuyển lại) with a reason, to whoever passed it on. */
export const returnIncoming: Transition<EventOf<'in.returned'>> = (s, e, { auth, at }) => {
  if (!inStatus(s, 'submitted', 'directed', 'assigned', 'in_progress')) return wrong(s);
  if (!actsFor(auth, s.holder)) return refuse('NOT_HOLDER');
  if (!e.reason.trim()) return refuse('REASON_REQUIRED');
  if (s.chain.length < 2) return refuse('NOTHING_TO_RETURN_TO');
  return stepBack(s, s.chain.length - 2, at, e.id);
};

/** Someone who passed it on takes it back (thu hồi) — only before processing has begun. */
export const recall: Transition<EventOf<'in.recalled'>> = (s, e, { auth, at }) => {
  if (!inStatus(s, 'submitted', 'directed', 'assigned', 'in_progress')) return wrong(s);
  let idx = -1;
  for (let i = s.chain.length - 2; i >= 0; i--) if (actsFor(auth, s.chain[i])) { idx = i; break; }
  if (idx < 0) return refuse('NOT_IN_CHAIN');
  if (s.processingStarted) return refuse('RECALL_AFTER_PROCESSING');
  return stepBack(s, idx, at, e.id);
};

/** The holder or an assisting unit/person records progress (ý kiến xử lý), with attachments by hash. */
export const addProcessingNote: Transition<EventOf<'in.processing_note'>> = (s, e, { auth, at }) => {
  if (!inStatus(s, 'assigned', 'in_progress')) return wrong(s);
  const assisting = s.assignment?.assisting ?? [];
  if (!actsFor(auth, s.holder, true) && !assisting.some((p) => actsFor(auth, p, true))) return refuse('NOT_HOLDER');
  return {
    status: 'in_progress', processingStarted: true,
    notes: [...s.notes, { eventId: e.id, by: e.actor.userId, at, text: e.text, attachments: e.attachments }],
  };
};

/** The holder completes the handling with its result (kết quả xử lý). */
export const complete: Transition<EventOf<'in.completed'>> = (s, e, { auth, at }) => {
  if (!inStatus(s, 'assigned', 'in_progress')) return wrong(s);
  if (!actsFor(auth, s.holder)) return refuse('NOT_HOLDER');
  if (!e.result.trim()) return refuse('REASON_REQUIRED');
  return { status: 'completed', completedAt: at, result: { text: e.result, by: e.actor.userId, at, attachments: e.attachments }, ...closeAll(s, at, e.id) };
};
