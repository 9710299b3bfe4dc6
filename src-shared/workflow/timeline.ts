// The timeline of a document across units: who held it (or worked alongside) from when to when,
// and every step with who, when and why — derived from the events, never stored.
import type { DocEvent } from './events';
import { fold } from './machine';
import type { Context, Party } from './roles';
import type { DocState, Interval } from './state';

export interface TimelineEntry extends Interval {
  /** Length in milliseconds, up to `now` for an interval still open. */
  durationMs: number;
}

export interface Timeline {
  holders: TimelineEntry[];
  byUnit: Record<string, TimelineEntry[]>;
  steps: { eventId: string; kind: DocEvent['kind']; by: string; role: string; unitId: string; at: string; note: string }[];
  current: Party | null;
}

/** From a state or from the events themselves; `now` closes open intervals for their duration. */
export function timeline(src: DocState | readonly unknown[], now?: string, ctx: Context = {}): Timeline {
  const s = Array.isArray(src) ? fold(src, ctx) : (src as DocState);
  const end = now ? Date.parse(now) : s.lastAt ? Date.parse(s.lastAt) : 0;
  const holders = s.intervals.map((i) => ({ ...i, durationMs: Math.max(0, (i.until ? Date.parse(i.until) : end) - Date.parse(i.from)) }));
  const byUnit: Record<string, TimelineEntry[]> = {};
  for (const h of holders) (byUnit[h.unitId] ??= []).push(h);
  const steps = s.log.map((e) => ({ eventId: e.id, kind: e.kind, by: e.actor.userId, role: e.actor.role, unitId: e.actor.unitId, at: e.at, note: e.note }));
  return { holders, byUnit, steps, current: s.holder };
}
