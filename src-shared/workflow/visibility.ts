// Who may see a document and which of its versions (integrity item 9): a confidential document
// (độ mật) only by the people it was handed to, their unit heads for a unit, or those cleared for
// its level; another organisation only once issued to it, and then only the issued version and
// what follows it — never the internal drafts.
import { isConfidential } from '../domain/levels';
import { refuse, type Refusal } from './refusals';
import { authorityOf, clearanceRank, UNIT_HEADS, type Context, type Viewer } from './roles';
import type { DocState, Version } from './state';

/** `ctx`/`at`: delegations active at `at` let the delegate see what the delegator sees. */
export function canSee(s: DocState, v: Viewer, ctx: Context = {}, at?: string): boolean {
  if (s.status === 'none') return false;
  const cleared = v.clearance !== undefined && clearanceRank(v.clearance) >= clearanceRank(s.doMat);
  if (v.orgId !== s.orgId) {
    if (!s.issuedSha256 || !s.recipients.includes(v.orgId)) return false;
    return !isConfidential(s.doMat) || cleared || v.role === 'van_thu';
  }
  if (!isConfidential(s.doMat)) return true;
  if (cleared) return true;
  const auth = at ? authorityOf({ userId: v.userId, role: v.role, orgId: v.orgId, unitId: v.unitId ?? '' }, at, ctx)
    : { userIds: new Set([v.userId]), roles: new Set([v.role]), unitIds: new Set(v.unitId ? [v.unitId] : []), via: [] };
  if (s.involvedUsers.some((u) => auth.userIds.has(u))) return true;
  return UNIT_HEADS.some((r) => auth.roles.has(r)) && s.involvedUnits.some((u) => auth.unitIds.has(u));
}

/** The versions this viewer may open: all of them inside the organisation, from the issued one on outside. */
export function visibleVersions(s: DocState, v: Viewer, ctx: Context = {}, at?: string): Version[] {
  if (!canSee(s, v, ctx, at)) return [];
  if (v.orgId === s.orgId) return s.versions;
  const issued = s.versions.find((x) => x.sha256 === s.issuedSha256 && x.kind === 'issuing_signature');
  return issued ? s.versions.filter((x) => x.no >= issued.no) : [];
}

export const canSeeVersion = (s: DocState, v: Viewer, sha256: string, ctx: Context = {}, at?: string): boolean =>
  visibleVersions(s, v, ctx, at).some((x) => x.sha256 === sha256);

/** A declared version (size and hash in the event) must match the file actually stored. */
export function verifyDeclaredFile(declared: { sha256: string; size: number }, stored: { sha256: string; size: number } | null): { ok: true } | Refusal {
  if (!stored || stored.sha256 !== declared.sha256 || stored.size !== declared.size) return refuse('FILE_MISMATCH');
  return { ok: true };
}
