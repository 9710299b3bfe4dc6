// Follow-up steps (theo dõi): reminders (đôn đốc: nhắc nhở, phê bình, kiểm điểm) and deadline
// extensions (gia hạn) asked by the holder and decided by the leader who assigned the work; and the
// two steps only the gateway records: a renumbering and a recorded conflict.
import type { EventOf } from './events';
import { deadlineTime, isOpen } from './deadlines';
import { refuse } from './refusals';
import { actsFor, hasRole } from './roles';
import type { Transition } from './state';

const CHASERS = ['lanh_dao', 'truong_phong', 'pho_phong', 'van_thu'] as const;

/** A leader, a head of unit or the clerk chases the people handling an open document. */
export const remind: Transition<EventOf<'track.reminded'>> = (s, e, { auth, at }) => {
  if (!isOpen(s)) return refuse('WRONG_STATE');
  if (!hasRole(auth, CHASERS)) return refuse('ROLE_NOT_ALLOWED');
  return { reminders: [...s.reminders, { eventId: e.id, by: e.actor.userId, to: e.to, level: e.level, at }] };
};

/** The holder of an assigned document asks for a later deadline, one request at a time. */
export const requestExtension: Transition<EventOf<'track.extension_requested'>> = (s, e, { auth }) => {
  if (s.direction !== 'in' || !['assigned', 'in_progress'].includes(s.status)) return refuse('WRONG_STATE');
  if (!actsFor(auth, s.holder)) return refuse('NOT_HOLDER');
  if (!s.deadline) return refuse('NO_DEADLINE');
  if (s.extensions.some((x) => x.status === 'pending')) return refuse('EXTENSION_PENDING');
  if (deadlineTime(e.newDeadline) <= deadlineTime(s.deadline)) return refuse('EXTENSION_NOT_LATER');
  return { extensions: [...s.extensions, { requestId: e.requestId, by: e.actor.userId, newDeadline: e.newDeadline, reason: e.reason, status: 'pending', granted: null, decidedBy: null }] };
};

/** The leader who assigned the work (or their delegate) grants or refuses it; a refusal says why. */
export const decideExtension: Transition<EventOf<'track.extension_decided'>> = (s, e, { auth }) => {
  if (!isOpen(s)) return refuse('WRONG_STATE');
  const req = s.extensions.find((x) => x.requestId === e.requestId && x.status === 'pending');
  if (!req) return refuse('EXTENSION_UNKNOWN');
  if (!auth.roles.has('lanh_dao') || !s.assignment || !auth.userIds.has(s.assignment.by)) return refuse('NOT_ASSIGNER');
  if (!e.approved && !e.reason.trim()) return refuse('REASON_REQUIRED');
  const granted = e.approved ? e.grantedDeadline ?? req.newDeadline : null;
  if (granted && s.deadline && deadlineTime(granted) <= deadlineTime(s.deadline)) return refuse('EXTENSION_NOT_LATER');
  const decided = { ...req, status: e.approved ? 'approved' as const : 'refused' as const, granted, decidedBy: e.actor.userId };
  return { extensions: s.extensions.map((x) => (x === req ? decided : x)), ...(granted ? { deadline: granted } : {}) };
};

/** The gateway replaces a number taken offline that another document already holds. If the document
 *  was issued with the old number, that issue stays in the log and a new issue is due. */
export const renumber: Transition<EventOf<'sys.renumbered'>> = (s, e, { auth }) => {
  if (!auth.roles.has('system')) return refuse('SYSTEM_ONLY');
  if (s.direction !== 'out' || !['approved', 'issued'].includes(s.status) || !s.number) return refuse('WRONG_STATE');
  if (s.number.so !== e.fromSo) return refuse('NUMBER_MISMATCH');
  return {
    number: { ...s.number, so: e.toSo, kyHieu: e.kyHieu, provisional: false },
    numberHistory: [...s.numberHistory, { so: e.toSo, eventId: e.id }],
    reissueNeeded: s.status === 'issued',
  };
};

/** The gateway keeps an offline step it could not apply as taken, with the rule that decided. */
export const recordConflict: Transition<EventOf<'sys.conflict_recorded'>> = (s, e, { auth, at }) => {
  if (!auth.roles.has('system')) return refuse('SYSTEM_ONLY');
  if (e.original.docId !== e.docId) return refuse('WRONG_DOCUMENT');
  if (s.eventIds.includes(e.original.id)) return refuse('CONFLICT_ORIGINAL_IN_LOG');
  const o = e.original;
  return { conflicts: [...s.conflicts, { eventId: e.id, originalId: o.id, kind: o.kind, by: o.actor.userId, code: e.code, rule: e.rule, concerned: e.concerned, at }] };
};
