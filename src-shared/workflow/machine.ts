// The one workflow state machine: `apply` checks a step against the rules of its kind and returns the
// next state or a refusal; `fold` derives the state of a document from its events. The client runs it
// optimistically, the gateway authoritatively; both get the same answer for the same events.
import { docEvent, type DocEvent, type DocEventKind, type EventOf } from './events';
import * as incoming from './incoming';
import * as outgoing from './outgoing';
import * as tracking from './tracking';
import { refuse, type Refusal } from './refusals';
import { authorityOf, partyKey, type Context, type Party } from './roles';
import { emptyState, isRefusal, later, type DocState, type Transition } from './state';

type Table = { [K in DocEventKind]: Transition<EventOf<K>> };

/** Which rule decides each kind of step. */
export const TRANSITIONS: Table = {
  'in.received': incoming.receive,
  'in.registered': incoming.register,
  'in.submitted': incoming.submitToLeader,
  'in.directed': incoming.direct,
  'in.assigned': incoming.assign,
  'in.forwarded': incoming.forward,
  'in.returned': incoming.returnIncoming,
  'in.recalled': incoming.recall,
  'in.processing_note': incoming.addProcessingNote,
  'in.completed': incoming.complete,
  'out.draft_created': outgoing.createDraft,
  'out.version_added': outgoing.addVersion,
  'out.consultation_requested': outgoing.requestConsultation,
  'out.consultation_answered': outgoing.answerConsultation,
  'out.submitted': outgoing.submitForApproval,
  'out.approved': outgoing.approve,
  'out.returned': outgoing.returnDraft,
  'out.numbered': outgoing.assignNumber,
  'out.issued': outgoing.issue,
  'out.sent': outgoing.send,
  'out.withdrawn': outgoing.withdraw,
  'out.corrected': outgoing.correct,
  'track.reminded': tracking.remind,
  'track.extension_requested': tracking.requestExtension,
  'track.extension_decided': tracking.decideExtension,
  'sys.renumbered': tracking.renumber,
  'sys.conflict_recorded': tracking.recordConflict,
};

export type ApplyResult = { ok: true; state: DocState } | Refusal;

/** Parties a step hands the document to or names: they become involved (and so may see it). */
function mentioned(e: DocEvent): Party[] {
  switch (e.kind) {
    case 'in.submitted': return [e.to];
    case 'in.assigned': return [e.lead, ...e.assisting, ...e.forInfo];
    case 'in.forwarded': return [e.to];
    case 'out.consultation_requested': return e.participants;
    case 'out.submitted': return e.route.map((st) => ({ kind: 'user', id: st.userId }));
    default: return [];
  }
}

const union = (a: string[], b: string[]) => (b.every((x) => a.includes(x)) ? a : [...a, ...b.filter((x, i) => !a.includes(x) && b.indexOf(x) === i)]);

/** Apply one step. A refused step leaves the state as it was (the caller keeps the old state). */
export function apply(state: DocState, input: unknown, ctx: Context = {}): ApplyResult {
  const parsed = docEvent.safeParse(input);
  if (!parsed.success) return refuse('INVALID_EVENT');
  const e = parsed.data;
  if (state.docId !== null && e.docId !== state.docId) return refuse('WRONG_DOCUMENT');
  if (state.eventIds.includes(e.id)) return refuse('DUPLICATE_EVENT');
  // Who the actor may act as is decided at the step's own time (delegations count within their period).
  const auth = authorityOf(e.actor, e.at, ctx);
  const at = later(e.at, state.lastAt);
  const patch = (TRANSITIONS[e.kind] as Transition<DocEvent>)(state, e, { auth, at });
  if (isRefusal(patch)) return patch;
  const parties = mentioned(e);
  const next: DocState = {
    ...state, ...patch,
    docId: state.docId ?? e.docId,
    involvedUsers: union(state.involvedUsers, [e.actor.userId, ...parties.filter((p) => p.kind === 'user').map((p) => p.id)]),
    involvedUnits: union(state.involvedUnits, parties.filter((p) => p.kind === 'unit').map((p) => p.id)),
    lastAt: at,
    eventIds: [...state.eventIds, e.id],
    log: [...state.log, e],
  };
  return { ok: true, state: next };
}

export interface FoldResult {
  state: DocState;
  refused: { event: unknown; refusal: Refusal }[];
}

/** Derive the state from events in log order, keeping note of those refused (which change nothing). */
export function foldVerbose(events: Iterable<unknown>, ctx: Context = {}, from: DocState = emptyState()): FoldResult {
  let state = from;
  const refused: FoldResult['refused'] = [];
  for (const ev of events) {
    const r = apply(state, ev, ctx);
    if (r.ok) state = r.state;
    else refused.push({ event: ev, refusal: r });
  }
  return { state, refused };
}

export const fold = (events: Iterable<unknown>, ctx: Context = {}): DocState => foldVerbose(events, ctx).state;

export { partyKey };
