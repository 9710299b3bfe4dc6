// Work files (hồ sơ công việc): the documents of one matter, grouped; opened, filled, closed.
import { workFileEvent, type WorkFileEvent } from './events';
import { refuse, type Refusal } from './refusals';
import { UNIT_HEADS } from './roles';

export interface WorkFileState {
  fileId: string | null;
  status: 'none' | 'open' | 'closed';
  title: string;
  code: string;
  unitId: string;
  orgId: string;
  openedBy: string;
  documents: string[];
  eventIds: string[];
}

export const emptyWorkFile = (): WorkFileState => ({ fileId: null, status: 'none', title: '', code: '', unitId: '', orgId: '', openedBy: '', documents: [], eventIds: [] });

type E<K extends WorkFileEvent['kind']> = Extract<WorkFileEvent, { kind: K }>;
/** Whoever opened the file, or a head of its unit, or a leader of the organisation. */
const mayManage = (s: WorkFileState, e: WorkFileEvent) =>
  e.actor.orgId === s.orgId && (e.actor.userId === s.openedBy || e.actor.role === 'lanh_dao' || (UNIT_HEADS.includes(e.actor.role) && e.actor.unitId === s.unitId));

export function openWorkFile(s: WorkFileState, e: E<'file.opened'>): Refusal | Partial<WorkFileState> {
  if (s.status !== 'none') return refuse('FILE_EXISTS');
  if (e.actor.role === 'system') return refuse('ROLE_NOT_ALLOWED');
  return { fileId: e.docId, status: 'open', title: e.title, code: e.code, unitId: e.unitId || e.actor.unitId, orgId: e.actor.orgId, openedBy: e.actor.userId };
}

export function addToWorkFile(s: WorkFileState, e: E<'file.document_added'>): Refusal | Partial<WorkFileState> {
  if (s.status === 'none') return refuse('WRONG_STATE');
  if (s.status === 'closed') return refuse('FILE_CLOSED');
  if (!mayManage(s, e)) return refuse('NOT_FILE_OWNER');
  if (s.documents.includes(e.documentId)) return refuse('ALREADY_IN_FILE');
  return { documents: [...s.documents, e.documentId] };
}

export function removeFromWorkFile(s: WorkFileState, e: E<'file.document_removed'>): Refusal | Partial<WorkFileState> {
  if (s.status === 'none') return refuse('WRONG_STATE');
  if (s.status === 'closed') return refuse('FILE_CLOSED');
  if (!mayManage(s, e)) return refuse('NOT_FILE_OWNER');
  if (!s.documents.includes(e.documentId)) return refuse('NOT_IN_FILE');
  return { documents: s.documents.filter((d) => d !== e.documentId) };
}

export function closeWorkFile(s: WorkFileState, e: E<'file.closed'>): Refusal | Partial<WorkFileState> {
  if (s.status === 'none') return refuse('WRONG_STATE');
  if (s.status === 'closed') return refuse('FILE_CLOSED');
  if (!mayManage(s, e)) return refuse('NOT_FILE_OWNER');
  return { status: 'closed' };
}

export function applyWorkFile(s: WorkFileState, input: unknown): { ok: true; state: WorkFileState } | Refusal {
  const p = workFileEvent.safeParse(input);
  if (!p.success) return refuse('INVALID_EVENT');
  const e = p.data;
  if (s.fileId !== null && e.docId !== s.fileId) return refuse('WRONG_DOCUMENT');
  if (s.eventIds.includes(e.id)) return refuse('DUPLICATE_EVENT');
  const out = e.kind === 'file.opened' ? openWorkFile(s, e) : e.kind === 'file.document_added' ? addToWorkFile(s, e)
    : e.kind === 'file.document_removed' ? removeFromWorkFile(s, e) : closeWorkFile(s, e);
  if ((out as Refusal).ok === false) return out as Refusal;
  return { ok: true, state: { ...s, ...out, eventIds: [...s.eventIds, e.id] } };
}

export function foldWorkFile(events: Iterable<unknown>): WorkFileState {
  let s = emptyWorkFile();
  for (const e of events) { const r = applyWorkFile(s, e); if (r.ok) s = r.state; }
  return s;
}
