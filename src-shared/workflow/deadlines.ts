// Deadline helpers: when a hạn xử lý falls, and whether a document is overdue or due soon at a
// given time, with approved extensions (gia hạn) already applied by the machine.
import type { DocState } from './state';

/** A calendar-date deadline ends at the end of that day, Vietnam time (UTC+07:00). */
export function deadlineTime(d: string): number {
  return /^\d{4}-\d{2}-\d{2}$/.test(d) ? Date.parse(`${d}T23:59:59.999+07:00`) : Date.parse(d);
}

export type DeadlineStatus = 'none' | 'on_track' | 'due_soon' | 'overdue' | 'done_on_time' | 'done_late';

export const DUE_SOON_MS = 2 * 24 * 3600 * 1000;

/** Whether the handling still runs (a deadline only counts while it does). */
export function isOpen(s: DocState): boolean {
  return s.direction === 'in' ? s.status !== 'completed' && s.status !== 'none' : !['none', 'issued', 'withdrawn'].includes(s.status);
}

/** Where the document stands against its deadline at `now` (ISO time); due soon = within `soonMs`. */
export function deadlineStatus(s: DocState, now: string, soonMs = DUE_SOON_MS): DeadlineStatus {
  if (!s.deadline) return 'none';
  const due = deadlineTime(s.deadline);
  if (s.completedAt) return Date.parse(s.completedAt) <= due ? 'done_on_time' : 'done_late';
  if (!isOpen(s)) return 'none';
  const t = Date.parse(now);
  if (t > due) return 'overdue';
  return due - t <= soonMs ? 'due_soon' : 'on_track';
}

export const isOverdue = (s: DocState, now: string): boolean => deadlineStatus(s, now) === 'overdue';
export const isDueSoon = (s: DocState, now: string, soonMs = DUE_SOON_MS): boolean => deadlineStatus(s, now, soonMs) === 'due_soon';

/** Overdue and due-soon documents for one person or one unit: the current holder's, or those they assist. */
export function followUpList(states: readonly DocState[], now: string, who: { userId?: string; unitId?: string }, soonMs = DUE_SOON_MS) {
  const mine = (s: DocState) => s.intervals.some((i) => i.until === null &&
    ((who.userId && i.holder.kind === 'user' && i.holder.id === who.userId) || (who.unitId && i.unitId === who.unitId)));
  const overdue: DocState[] = [];
  const dueSoon: DocState[] = [];
  for (const s of states) {
    if (!mine(s)) continue;
    const st = deadlineStatus(s, now, soonMs);
    if (st === 'overdue') overdue.push(s);
    else if (st === 'due_soon') dueSoon.push(s);
  }
  const byDue = (a: DocState, b: DocState) => deadlineTime(a.deadline!) - deadlineTime(b.deadline!);
  return { overdue: overdue.sort(byDue), dueSoon: dueSoon.sort(byDue) };
}
