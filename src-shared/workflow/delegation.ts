// Delegation (ủy quyền): a leader or head of unit lets someone act with their role for a period.
// A small machine of its own; its folded list is the `Context` the document machine is given.
import { delegationEvent, type DelegationEvent } from './events';
import { refuse, type Refusal } from './refusals';
import type { Delegation } from './roles';

export interface DelegationRegistry {
  delegations: Delegation[];
  eventIds: string[];
}

export const emptyRegistry = (): DelegationRegistry => ({ delegations: [], eventIds: [] });
const DELEGATORS = ['lanh_dao', 'truong_phong', 'pho_phong'] as const;

/** Grant: by the delegator themselves (their own role) or by an administrator; a real period; not to oneself. */
export function grantDelegation(r: DelegationRegistry, e: Extract<DelegationEvent, { kind: 'delegation.granted' }>): Refusal | DelegationRegistry {
  if (r.delegations.some((d) => d.id === e.docId)) return refuse('ALREADY_EXISTS');
  const self = e.actor.userId === e.fromUserId;
  if (!self && e.actor.role !== 'quan_tri') return refuse('NOT_DELEGATOR');
  if (!(DELEGATORS as readonly string[]).includes(e.role) || (self && e.actor.role !== e.role)) return refuse('DELEGATION_ROLE');
  if (e.toUserId === e.fromUserId) return refuse('DELEGATION_SELF');
  if (Date.parse(e.validUntil) <= Date.parse(e.validFrom)) return refuse('DELEGATION_PERIOD');
  const d: Delegation = { id: e.docId, fromUserId: e.fromUserId, fromUnitId: e.fromUnitId, role: e.role, toUserId: e.toUserId, orgId: e.actor.orgId, validFrom: e.validFrom, validUntil: e.validUntil, revokedAt: null };
  return { delegations: [...r.delegations, d], eventIds: [...r.eventIds, e.id] };
}

/** Revoke early: by the delegator or an administrator; it stops counting from the revocation's time. */
export function revokeDelegation(r: DelegationRegistry, e: Extract<DelegationEvent, { kind: 'delegation.revoked' }>): Refusal | DelegationRegistry {
  const d = r.delegations.find((x) => x.id === e.docId);
  if (!d) return refuse('WRONG_STATE');
  if (d.revokedAt !== null) return refuse('DELEGATION_REVOKED');
  if (e.actor.userId !== d.fromUserId && e.actor.role !== 'quan_tri') return refuse('NOT_DELEGATOR');
  return { delegations: r.delegations.map((x) => (x === d ? { ...d, revokedAt: e.at } : x)), eventIds: [...r.eventIds, e.id] };
}

export function applyDelegation(r: DelegationRegistry, input: unknown): { ok: true; state: DelegationRegistry } | Refusal {
  const p = delegationEvent.safeParse(input);
  if (!p.success) return refuse('INVALID_EVENT');
  if (r.eventIds.includes(p.data.id)) return refuse('DUPLICATE_EVENT');
  const out = p.data.kind === 'delegation.granted' ? grantDelegation(r, p.data) : revokeDelegation(r, p.data);
  return 'ok' in out ? out : { ok: true, state: out };
}

export function foldDelegations(events: Iterable<unknown>): DelegationRegistry {
  let r = emptyRegistry();
  for (const e of events) { const x = applyDelegation(r, e); if (x.ok) r = x.state; }
  return r;
}
