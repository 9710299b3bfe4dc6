// Who takes a workflow step: the roles of the process (văn thư, lãnh đạo, trưởng/phó phòng,
// chuyên viên, quản trị), the parties a document is handed to (a person, a unit, a desk), and the
// authority an actor holds at a given time, counting delegations (ủy quyền) active at that time.
import { z } from 'zod';
import { DO_MAT, type DoMat, type Role } from '../domain/levels';

export const WF_ROLES = ['van_thu', 'lanh_dao', 'truong_phong', 'pho_phong', 'chuyen_vien', 'quan_tri', 'system'] as const;
export type WfRole = (typeof WF_ROLES)[number];
export const WF_ROLE_LABEL: Record<WfRole, { vi: string; en: string }> = {
  van_thu: { vi: 'Văn thư', en: 'Clerk' },
  lanh_dao: { vi: 'Lãnh đạo', en: 'Leader' },
  truong_phong: { vi: 'Trưởng phòng', en: 'Head of unit' },
  pho_phong: { vi: 'Phó phòng', en: 'Deputy head of unit' },
  chuyen_vien: { vi: 'Chuyên viên', en: 'Specialist' },
  quan_tri: { vi: 'Quản trị', en: 'Administrator' },
  system: { vi: 'Hệ thống (cổng kết nối)', en: 'System (gateway)' },
};

/** Today's account roles (src-shared/domain/levels.ts) in workflow terms. */
export function fromDomainRole(r: Role): WfRole {
  switch (r) {
    case 'clerk': return 'van_thu';
    case 'secretary': return 'lanh_dao';
    case 'admin': return 'quan_tri';
    default: return 'chuyen_vien';
  }
}

/** Heads of a unit act for the unit. */
export const UNIT_HEADS: readonly WfRole[] = ['truong_phong', 'pho_phong'];

export const actor = z.object({
  userId: z.string().min(1).max(100),
  role: z.enum(WF_ROLES),
  orgId: z.string().min(1).max(100),
  unitId: z.string().max(100).default(''),
});
export type Actor = z.infer<typeof actor>;

/** Someone a document is handed to: a person (with their unit when known), a whole unit (its heads
 *  act for it) or a desk of the organisation (e.g. the clerks' desk waiting to number). */
export const party = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('user'), id: z.string().min(1).max(100), unitId: z.string().max(100).optional() }),
  z.object({ kind: z.literal('unit'), id: z.string().min(1).max(100) }),
  z.object({ kind: z.literal('desk'), id: z.enum(WF_ROLES) }),
]);
export type Party = z.infer<typeof party>;

export const partyKey = (p: Party): string => `${p.kind}:${p.id}`;
export const sameParty = (a: Party | null | undefined, b: Party | null | undefined): boolean => !!a && !!b && partyKey(a) === partyKey(b);
export const userParty = (a: Actor): Party => ({ kind: 'user', id: a.userId, ...(a.unitId ? { unitId: a.unitId } : {}) });
/** The unit a party belongs to, for per-unit views ('' when unknown). */
export const partyUnit = (p: Party): string => (p.kind === 'unit' ? p.id : p.kind === 'user' ? p.unitId ?? '' : '');

/** A reader as the visibility rules see them: their clearance (độ mật they are cleared for) comes from
 *  the gateway's directory, never from the document. */
export interface Viewer {
  userId: string;
  role: WfRole;
  orgId: string;
  unitId?: string;
  clearance?: DoMat;
}
export const clearanceRank = (l: DoMat): number => DO_MAT.indexOf(l);

/** An active or past delegation: `fromUserId` lets `toUserId` act with `role` in [validFrom, validUntil). */
export interface Delegation {
  id: string;
  fromUserId: string;
  fromUnitId: string;
  role: WfRole;
  toUserId: string;
  orgId: string;
  validFrom: string;
  validUntil: string;
  revokedAt: string | null;
}

export interface Context {
  delegations?: readonly Delegation[];
}

export function delegationActive(d: Delegation, at: string): boolean {
  const t = Date.parse(at);
  if (!(Date.parse(d.validFrom) <= t && t < Date.parse(d.validUntil))) return false;
  return d.revokedAt === null || t < Date.parse(d.revokedAt);
}

/** Everything an actor may act as at `at`: themselves, plus each principal who delegated to them. */
export interface Authority {
  userIds: Set<string>;
  roles: Set<WfRole>;
  unitIds: Set<string>;
  /** Delegations that contributed (for the "TUQ." note in the timeline). */
  via: Delegation[];
}

export function authorityOf(a: Actor, at: string, ctx: Context = {}): Authority {
  const auth: Authority = { userIds: new Set([a.userId]), roles: new Set([a.role]), unitIds: new Set(a.unitId ? [a.unitId] : []), via: [] };
  for (const d of ctx.delegations ?? []) {
    if (d.toUserId !== a.userId || d.orgId !== a.orgId || !delegationActive(d, at)) continue;
    auth.userIds.add(d.fromUserId);
    auth.roles.add(d.role);
    if (d.fromUnitId) auth.unitIds.add(d.fromUnitId);
    auth.via.push(d);
  }
  return auth;
}

export const hasRole = (auth: Authority, roles: readonly WfRole[]): boolean => roles.some((r) => auth.roles.has(r));

/** Whether the authority answers for a party: the person themselves; a unit through its heads
 *  (`anyMember` lets any member of the unit count, e.g. for processing notes); a desk by role. */
export function actsFor(auth: Authority, p: Party | null | undefined, anyMember = false): boolean {
  if (!p) return false;
  if (p.kind === 'user') return auth.userIds.has(p.id);
  if (p.kind === 'unit') return auth.unitIds.has(p.id) && (anyMember || hasRole(auth, UNIT_HEADS));
  return auth.roles.has(p.id);
}
