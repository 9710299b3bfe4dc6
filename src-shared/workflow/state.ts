// The state of one document's handling, derived from its events (never stored as the truth).
// Plain data only (arrays, records), so two folds of the same events compare equal.
import type { DoKhan, DoMat } from '../domain/levels';
import type { DocEvent, FileRef, RouteStep } from './events';
import { partyKey, partyUnit, type Party, type Authority } from './roles';
import type { Refusal } from './refusals';

export type InStatus = 'received' | 'registered' | 'submitted' | 'directed' | 'assigned' | 'in_progress' | 'completed';
export type OutStatus = 'draft' | 'in_review' | 'returned' | 'approved' | 'issued' | 'withdrawn';
export type WfStatus = 'none' | InStatus | OutStatus;

/** One stretch of time a party held the document (`holder`) or worked on it alongside (`phoi_hop`). */
export interface Interval {
  holder: Party;
  unitId: string;
  as: 'holder' | 'phoi_hop';
  from: string;
  until: string | null;
  startEventId: string;
  endEventId: string | null;
}

export interface Version {
  no: number;
  sha256: string;
  size: number;
  fileName: string;
  kind: 'draft' | 'approval_signature' | 'issuing_signature';
  parentSha256: string | null;
  by: string;
  at: string;
}

export interface Extension {
  requestId: string;
  by: string;
  newDeadline: string;
  reason: string;
  status: 'pending' | 'approved' | 'refused';
  granted: string | null;
  decidedBy: string | null;
}

export interface Consultation {
  requestedBy: string;
  participants: Party[];
  deadline: string | null;
  answers: { userId: string; answer: 'dong_y' | 'khong_dong_y' | 'y_kien_khac'; text: string; at: string }[];
}

export interface ConflictNote {
  eventId: string;
  originalId: string;
  kind: string;
  by: string;
  code: string;
  rule: string;
  concerned: string[];
  at: string;
}

export interface DocState {
  docId: string | null;
  direction: 'in' | 'out' | null;
  status: WfStatus;
  orgId: string;
  createdBy: Party | null;
  subject: string;
  typeCode: string;
  doMat: DoMat;
  doKhan: DoKhan;
  incoming: { register: 'normal' | 'confidential'; soDen: number; ngayDen: string; year: number } | null;
  submittedTo: string | null;
  directions: { eventId: string; by: string; text: string; at: string }[];
  assignment: { eventId: string; by: string; lead: Party; assisting: Party[]; forInfo: Party[]; at: string } | null;
  deadline: string | null;
  originalDeadline: string | null;
  /** Who holds the document now, and the chain of hand-overs that led there (holder last). */
  holder: Party | null;
  chain: Party[];
  processingStarted: boolean;
  notes: { eventId: string; by: string; at: string; text: string; attachments: FileRef[] }[];
  result: { text: string; by: string; at: string; attachments: FileRef[] } | null;
  completedAt: string | null;
  versions: Version[];
  consultations: Record<string, Consultation>;
  route: RouteStep[] | null;
  routeIndex: number;
  approvals: { userId: string; step: number; versionSha256: string; at: string }[];
  approvedSha256: string | null;
  /** From approval on: no version may be added but the clerk's issuing signature. */
  locked: boolean;
  number: { register: 'normal' | 'confidential'; so: number; kyHieu: string; year: number; provisional: boolean } | null;
  numberHistory: { so: number; eventId: string }[];
  issuedSha256: string | null;
  issuedAt: string | null;
  reissueNeeded: boolean;
  recipients: string[];
  externalRecipients: string[];
  withdrawn: { eventId: string; reason: string; at: string } | null;
  corrections: { eventId: string; reason: string; correctionDocId: string | null; at: string }[];
  reminders: { eventId: string; by: string; to: Party[]; level: string; at: string }[];
  extensions: Extension[];
  conflicts: ConflictNote[];
  /** People and units that took part or were handed the document: they may see it (canSee). */
  involvedUsers: string[];
  involvedUnits: string[];
  intervals: Interval[];
  lastAt: string | null;
  eventIds: string[];
  log: DocEvent[];
}

export function emptyState(): DocState {
  return {
    docId: null, direction: null, status: 'none', orgId: '', createdBy: null, subject: '', typeCode: '', doMat: 'thuong', doKhan: 'thuong',
    incoming: null, submittedTo: null, directions: [], assignment: null, deadline: null, originalDeadline: null,
    holder: null, chain: [], processingStarted: false, notes: [], result: null, completedAt: null,
    versions: [], consultations: {}, route: null, routeIndex: 0, approvals: [], approvedSha256: null, locked: false,
    number: null, numberHistory: [], issuedSha256: null, issuedAt: null, reissueNeeded: false, recipients: [], externalRecipients: [],
    withdrawn: null, corrections: [], reminders: [], extensions: [], conflicts: [],
    involvedUsers: [], involvedUnits: [], intervals: [], lastAt: null, eventIds: [], log: [],
  };
}

/** What a transition returns when it allows the step: the fields it changes. */
export type Patch = Partial<DocState>;

/** What every transition is given besides the state and the event. */
export interface Step {
  auth: Authority;
  /** The step's time, never earlier than the previous step's (offline clocks drift). */
  at: string;
}

export type Transition<E> = (s: DocState, e: E, step: Step) => Refusal | Patch;

export const isRefusal = (x: Refusal | Patch): x is Refusal => (x as Refusal).ok === false;

export const later = (a: string, b: string | null): string => (b !== null && Date.parse(b) > Date.parse(a) ? b : a);

const closeWhere = (list: Interval[], pred: (i: Interval) => boolean, at: string, eventId: string): Interval[] =>
  list.map((i) => (i.until === null && pred(i) ? { ...i, until: at, endEventId: eventId } : i));

/** Hand the document to `to`: the current holder's interval ends, `to`'s begins. */
export function handTo(s: DocState, to: Party, at: string, eventId: string, chain: Party[]): Patch {
  const closed = closeWhere(s.intervals, (i) => i.as === 'holder', at, eventId);
  const open: Interval = { holder: to, unitId: partyUnit(to), as: 'holder', from: at, until: null, startEventId: eventId, endEventId: null };
  return { holder: to, chain, intervals: [...closed, open] };
}

/** Set who works alongside (phối hợp): those dropped close, the new ones open. */
export function setAssisting(intervals: Interval[], assisting: Party[], at: string, eventId: string): Interval[] {
  const keep = new Set(assisting.map(partyKey));
  const closed = closeWhere(intervals, (i) => i.as === 'phoi_hop' && !keep.has(partyKey(i.holder)), at, eventId);
  const openNow = new Set(closed.filter((i) => i.as === 'phoi_hop' && i.until === null).map((i) => partyKey(i.holder)));
  const added = assisting.filter((p) => !openNow.has(partyKey(p)))
    .map((p): Interval => ({ holder: p, unitId: partyUnit(p), as: 'phoi_hop', from: at, until: null, startEventId: eventId, endEventId: null }));
  return [...closed, ...added];
}

/** The handling is over: every open interval ends. */
export function closeAll(s: DocState, at: string, eventId: string): Patch {
  return { intervals: closeWhere(s.intervals, () => true, at, eventId) };
}

export const headVersion = (s: DocState): Version | undefined => s.versions.at(-1);
