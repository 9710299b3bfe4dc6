// Offline conflicts (item 10): a step taken offline reaches the gateway after others it had not
// seen. Each rule below says what happens; none drops either side's step — the step is applied as
// taken, applied with a gateway step after it, or kept whole in a `sys.conflict_recorded` event, and
// the people concerned are named so both sides can be shown what happened.
//
//  1. Two leaders assign the same document: the assignment that reached the gateway first stands;
//     the later one (whose author had not seen the first) is kept as a recorded conflict, and both
//     leaders and both leads are told. A leader who has seen the first assignment may reassign.
//  2. A recall after processing began: processing is never undone — the notes stay, the recall is
//     kept as a recorded conflict, and the recaller and the holder are told.
//  3. A number taken while offline that another document holds: the clerk's numbering is applied as
//     taken, then the gateway renumbers to the next free number (`sys.renumbered`); a document already
//     issued with the old number keeps that issue in its log and is due to be issued again.
//  Any other offline step the machine refuses is kept as a recorded conflict with the refusal's code.
import type { DocEvent, EventOf } from './events';
import { docEvent } from './events';
import { apply } from './machine';
import { REFUSALS, refuse, type RefusalCode } from './refusals';
import type { Actor, Context } from './roles';
import type { DocState } from './state';

export type ConflictRule = 'no_conflict' | 'assignment.first_synced_stands' | 'recall.processing_kept' | 'number.gateway_renumbers' | 'refused_step_kept';

export interface Resolution {
  outcome: 'applied' | 'kept_as_conflict' | 'renumbered';
  rule: ConflictRule;
  /** Events to append to the authoritative log, in order (the author's step is always among them, whole). */
  append: DocEvent[];
  state: DocState;
  code: RefusalCode | null;
  message_vi: string;
  message_en: string;
  /** User ids to show the resolution to. */
  concerned: string[];
}

export interface GatewaySide {
  ctx?: Context;
  /** Ids for the events the gateway adds. */
  newId: () => string;
  /** The gateway's clock (ISO). */
  now: () => string;
  /** Whether another document of the organisation already holds this number. */
  numberTaken?: (register: 'normal' | 'confidential', year: number, so: number) => boolean;
  /** The next free number in the register. */
  nextNumber?: (register: 'normal' | 'confidential', year: number) => number;
}

/** Events of the log that the author of `e` had not seen when taking it (after its basis). */
export function unseenBy(s: DocState, e: Pick<DocEvent, 'basis'>): DocEvent[] {
  if (e.basis === null) return s.log;
  const i = s.log.findIndex((x) => x.id === e.basis);
  return i < 0 ? s.log : s.log.slice(i + 1);
}

const systemActor = (s: DocState, e: DocEvent): Actor => ({ userId: 'system:gateway', role: 'system', orgId: s.orgId || e.actor.orgId, unitId: '' });
const uniq = (xs: (string | undefined | null)[]) => [...new Set(xs.filter((x): x is string => !!x && x !== 'system:gateway'))];

/** Keep a step whole in a conflict record instead of applying it. */
function keep(s: DocState, e: DocEvent, code: RefusalCode, rule: ConflictRule, concerned: string[], gw: GatewaySide): Resolution {
  const rec = docEvent.parse({
    id: gw.newId(), docId: e.docId, kind: 'sys.conflict_recorded', actor: systemActor(s, e), at: gw.now(), note: '', basis: s.log.at(-1)?.id ?? null,
    original: e, code, rule, concerned,
  });
  const r = apply(s, rec, gw.ctx);
  if (!r.ok) throw new Error(`conflict record refused: ${r.code}`); // only when the step is already in the log
  const [vi, en] = REFUSALS[code];
  return { outcome: 'kept_as_conflict', rule, append: [rec], state: r.state, code, message_vi: vi, message_en: en, concerned };
}

/** Rule 1: a concurrent assignment the author had not seen. */
export function concurrentAssignment(s: DocState, e: EventOf<'in.assigned'>): EventOf<'in.assigned'> | null {
  return (unseenBy(s, e).filter((x) => x.kind === 'in.assigned').at(-1) as EventOf<'in.assigned'> | undefined) ?? null;
}

const leadUser = (e: EventOf<'in.assigned'>) => (e.lead.kind === 'user' ? e.lead.id : null);

/** Decide how an offline step enters the authoritative log. */
export function resolveOffline(s: DocState, input: unknown, gw: GatewaySide): Resolution | ReturnType<typeof refuse> {
  const p = docEvent.safeParse(input);
  if (!p.success) return refuse('INVALID_EVENT');
  const e = p.data;
  if (s.eventIds.includes(e.id)) return refuse('DUPLICATE_EVENT'); // exactly once: a resent step is not a conflict

  if (e.kind === 'in.assigned') {
    const first = concurrentAssignment(s, e);
    if (first) {
      return keep(s, e, 'CONCURRENT_ASSIGNMENT', 'assignment.first_synced_stands',
        uniq([first.actor.userId, e.actor.userId, leadUser(first), leadUser(e)]), gw);
    }
  }
  if (e.kind === 'in.recalled' && s.processingStarted) {
    return keep(s, e, 'RECALL_AFTER_PROCESSING', 'recall.processing_kept',
      uniq([e.actor.userId, s.holder?.kind === 'user' ? s.holder.id : null, ...s.notes.map((n) => n.by)]), gw);
  }
  if (e.kind === 'out.numbered' && gw.numberTaken?.(e.register, e.year, e.so)) {
    const r = apply(s, e, gw.ctx);
    if (!r.ok) return keep(s, e, r.code, 'refused_step_kept', uniq([e.actor.userId]), gw);
    const toSo = gw.nextNumber ? gw.nextNumber(e.register, e.year) : e.so + 1;
    const ren = docEvent.parse({
      id: gw.newId(), docId: e.docId, kind: 'sys.renumbered', actor: systemActor(s, e), at: gw.now(), note: '', basis: e.id,
      fromSo: e.so, toSo, kyHieu: e.kyHieu, rule: 'number.gateway_renumbers',
    });
    const r2 = apply(r.state, ren, gw.ctx);
    if (!r2.ok) throw new Error(`renumbering refused: ${r2.code}`);
    const [vi, en] = REFUSALS.NUMBER_TAKEN;
    return { outcome: 'renumbered', rule: 'number.gateway_renumbers', append: [e, ren], state: r2.state, code: 'NUMBER_TAKEN', message_vi: vi, message_en: en, concerned: uniq([e.actor.userId]) };
  }
  const r = apply(s, e, gw.ctx);
  if (r.ok) return { outcome: 'applied', rule: 'no_conflict', append: [e], state: r.state, code: null, message_vi: '', message_en: '', concerned: [] };
  if (r.code === 'WRONG_DOCUMENT' || r.code === 'INVALID_EVENT') return r;
  return keep(s, e, r.code, 'refused_step_kept', uniq([e.actor.userId]), gw);
}
