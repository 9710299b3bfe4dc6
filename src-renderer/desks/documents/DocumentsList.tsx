// The documents list: a virtualized ARIA grid (@tanstack/react-virtual) — only the rows in view
// (and a few around them) are in the DOM, and only those rows are read from the store: Dexie live
// queries (dexie-react-hooks) of the list's shape (the count; for a search, the matches' ids) and
// of the window of rows in view (./listQuery.ts), so 100,000 documents scroll like 100 and are
// never all in memory. A row whose window is still being read shows as a placeholder (aria-busy).
// Sort by date (newest or oldest first), search by trích yếu and số/ký hiệu (case and diacritics
// ignored), keyboard navigation (↑ ↓ PageUp PageDown Home End), an empty state that says what to do next.
import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useLiveQuery } from 'dexie-react-hooks';
import { useVirtualizer } from '@tanstack/react-virtual';
import { Input, Field } from '@fluentui/react-components';
import type { LocalDocument, VanthuDb } from '../../../src-shared/sync/localdb';
import { DO_KHAN, DO_MAT, DOC_STATUSES } from '../../../src-shared/domain/levels';
import { DOC_TYPES } from '../../../src-shared/domain/doctypes';
import { currentLocale } from '../../i18n';
import { fold, listShape, listWindow, type ListShape } from './listQuery';

export { fold } from './listQuery';

export const ROW_HEIGHT = 44;
/** Rows are read in windows aligned on this many rows, with one such block more on each side of
 * the rows in view: scrolling a few rows does not read again, and what comes next is already there. */
const BLOCK = 16;
/** A search waits this long after the last key before it scans the store. */
const SEARCH_DELAY_MS = 150;
/** dd/MM/yyyy (the way Vietnamese documents write a date) and date + time, in Vietnam's time zone. */
const DAY: Intl.DateTimeFormatOptions = { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'Asia/Ho_Chi_Minh' };
const DAY_TIME: Intl.DateTimeFormatOptions = { dateStyle: 'short', timeStyle: 'short', timeZone: 'Asia/Ho_Chi_Minh' };
// Intl formatters are costly to make (≈ 1 ms each): one per language and style, not one per row.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatDate(iso: string, style: 'day' | 'dayTime'): string {
  const locale = currentLocale();
  const key = `${locale}|${style}`;
  let f = formatters.get(key);
  if (!f) formatters.set(key, (f = new Intl.DateTimeFormat(locale, style === 'day' ? DAY : DAY_TIME)));
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : f.format(d);
}

export const soKyHieuOf = (d: LocalDocument): string | null => d.issue?.soKyHieu ?? null;

export interface DocumentsListProps {
  /** The profile's local store: the list reads its documents table itself, a window at a time. */
  db: VanthuDb;
  today: string;
  renderActions(d: LocalDocument): ReactNode;
  /** What to do when the list is empty (a hint with the next step). */
  emptyHint: ReactNode;
}

/** Rows [from, from + rows.length) of a shape in one order, as last read. */
interface ListView { shape: ListShape; newestFirst: boolean; from: number; rows: LocalDocument[] }

export function DocumentsList({ db, today, renderActions, emptyHint }: DocumentsListProps) {
  const { t, i18n } = useTranslation('documents');
  const [query, setQuery] = useState('');
  const [newestFirst, setNewestFirst] = useState(true);
  const [active, setActive] = useState(0);
  const scrollRef = useRef<HTMLDivElement>(null);
  // The labels rows show, looked up once per language (not thousands of t() calls while scrolling).
  const labels = useMemo<Labels>(() => {
    const map = <K extends string>(ks: readonly K[], prefix: string) => Object.fromEntries(ks.map((k) => [k, t(`${prefix}.${k}` as string)])) as Record<K, string>;
    return {
      lang: i18n.language, status: map(DOC_STATUSES, 'status'), doMat: map(DO_MAT, 'doMat'), doKhan: map(DO_KHAN, 'doKhan'),
      conflict: t('sync.rowConflict'), pending: t('sync.rowPending'), synced: t('sync.rowSynced'), loadingRow: t('list.rowLoading'),
      incoming: (n) => t('list.incomingNo', { n }), overdue: (date) => t('list.overdue', { date }),
    };
  }, [t, i18n.language]);

  // The search the store is asked for: the typed query, folded, once typing pauses (cleared at once).
  const typed = fold(query.trim());
  const [q, setQ] = useState('');
  useEffect(() => {
    if (!typed) { setQ(''); return; }
    const timer = setTimeout(() => setQ(typed), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [typed]);

  // The list's shape (count; a search's matches) and the window of rows in view, both live.
  const shape = useLiveQuery(() => listShape(db, q), [db, q]);
  // What is shown comes from one read of the window (its rows and the shape they were read
  // against), so the count and the rows always agree; until the next read arrives the last one stays.
  const [view, setView] = useState<ListView | undefined>(undefined);
  const count = view?.shape.count ?? 0;
  const v = useVirtualizer({ count, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 4 });
  const items = v.getVirtualItems();
  const first = items.length ? items[0].index : 0, last = items.length ? items[items.length - 1].index : 0;
  const from = Math.max(0, Math.floor(first / BLOCK) * BLOCK - BLOCK);
  const to = Math.ceil((last + 1) / BLOCK) * BLOCK + BLOCK;
  // One window read at a time: a read asked for while another is running waits for it, and is
  // dropped if a newer window was asked for meanwhile (a fast scroll asks for a new window every
  // frame; reading them all would queue hundreds of cursors whose events fill the main thread).
  const reads = useRef({ ticket: 0, running: Promise.resolve() as Promise<unknown> });
  const read = useLiveQuery(async (): Promise<ListView | null | undefined> => {
    if (!shape) return undefined;
    const r = reads.current;
    const ticket = ++r.ticket;
    await r.running;
    if (ticket !== r.ticket) return null; // superseded: this query's answer is not wanted any more
    // a window past the end of a shorter list (a search from far down): its last rows
    let at = from;
    if (at >= shape.count && at > 0) at = Math.max(0, Math.floor((shape.count - (to - from)) / BLOCK) * BLOCK);
    const rows = listWindow(db, shape, at, to - from, newestFirst);
    r.running = rows.catch(() => undefined);
    return { shape, newestFirst, from: at, rows: await rows };
  }, [db, shape, from, to, newestFirst]);
  // Rows that did not change keep their object, so their memoised Row is not drawn again. (Shown
  // before the frame is painted: the layout effect's update renders again at once.)
  const known = useRef(new Map<string, { json: string; d: LocalDocument }>());
  useLayoutEffect(() => {
    if (!read) return; // not read yet, or superseded
    const next = new Map<string, { json: string; d: LocalDocument }>();
    const rows = read.rows.map((d) => {
      const json = JSON.stringify(d);
      const had = known.current.get(d.id);
      const keep = had && had.json === json ? had.d : d;
      next.set(d.id, { json, d: keep });
      return keep;
    });
    known.current = next;
    setView({ ...read, rows });
  }, [read]);

  const rowAt = (i: number): LocalDocument | undefined =>
    view && view.newestFirst === newestFirst && i >= view.from && i < view.from + view.rows.length ? view.rows[i - view.from] : undefined;

  // While the list scrolls, rows skip their action buttons (most of each row's DOM); they come back
  // 150 ms after the scrolling stops, so a fast sweep through 100,000 rows keeps every frame short.
  const scrolling = v.isScrolling;
  useEffect(() => { if (active >= count) setActive(Math.max(0, count - 1)); }, [count, active]);

  const move = (to: number) => {
    const i = Math.max(0, Math.min(count - 1, to));
    setActive(i);
    v.scrollToIndex(i, { align: 'auto' });
  };
  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.target !== e.currentTarget) return; // keys inside a row's buttons keep their meaning
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? ROW_HEIGHT * 10) / ROW_HEIGHT) - 1);
    const to = ({ ArrowDown: active + 1, ArrowUp: active - 1, PageDown: active + page, PageUp: active - page, Home: 0, End: count - 1 } as Record<string, number>)[e.key];
    if (to === undefined) return;
    e.preventDefault();
    move(to);
  };

  const overdue = (d: LocalDocument) => !!d.meta.dueDate && d.meta.dueDate < today && !['archived', 'issued'].includes(d.status);
  const shown = view?.shape;
  const activeRow = rowAt(active);

  return (
    <div className="documents-list-wrap">
      <ListToolbar query={query} onQuery={setQuery}
        status={!shown ? '' : shown.q ? t('list.matching', { count: shown.count, total: shown.total }) : t('common:documentsCount', { count: shown.total })} />
      {!shown ? (
        <p role="status">{t('list.loading')}</p>
      ) : shown.total === 0 ? (
        <div className="empty-state" data-testid="documents-empty">
          <p><strong>{t('list.emptyTitle')}</strong></p>
          {emptyHint}
        </div>
      ) : (
        <>
        {count === 0 && <p className="hint empty-search" data-testid="documents-no-match">{t('list.noMatch')}</p>}
        <div ref={scrollRef} className="docs-grid" role="grid" aria-label={t('list.title')} aria-rowcount={count + 1} aria-colcount={8}
          aria-describedby="docs-keys" data-testid="documents-list" tabIndex={0} onKeyDown={onKey}
          aria-activedescendant={count ? (activeRow ? `doc-row-${activeRow.id}` : `doc-row-at-${active}`) : undefined}>
          <div role="rowgroup" className="docs-head-group">
            <div role="row" aria-rowindex={1} className="docs-row docs-head docs-cols">
              <div role="columnheader">{t('list.col.number')}</div>
              <div role="columnheader">{t('list.col.type')}</div>
              <div role="columnheader">{t('list.col.subject')}</div>
              <div role="columnheader">{t('list.col.levels')}</div>
              <div role="columnheader" aria-sort={newestFirst ? 'descending' : 'ascending'}>
                <button type="button" className="sort" data-testid="documents-sort" onClick={() => setNewestFirst(!newestFirst)}
                  title={newestFirst ? t('list.sortOldest') : t('list.sortNewest')}>
                  {t('list.col.date')} {newestFirst ? '↓' : '↑'}
                </button>
              </div>
              <div role="columnheader">{t('list.col.due')}</div>
              <div role="columnheader">{t('list.col.status')}</div>
              <div role="columnheader">{t('list.col.actions')}</div>
            </div>
          </div>
          <div role="rowgroup">
            <div style={{ height: v.getTotalSize(), position: 'relative' }}>
              {items.map((item) => {
                const d = rowAt(item.index);
                return d
                  ? <Row key={d.id} d={d} index={item.index} start={item.start} active={item.index === active} late={overdue(d)} labels={labels}
                    onActivate={setActive} renderActions={scrolling ? noActions : renderActions} />
                  : <PendingRow key={`at-${item.index}`} index={item.index} start={item.start} active={item.index === active} label={labels.loadingRow} />;
              })}
            </div>
          </div>
        </div>
        <p id="docs-keys" className="hint">{t('list.keyboardHint')}</p>
        </>
      )}
    </div>
  );
}

/** The search box and the count; memoised: the list re-renders on every scrolled frame, this does not. */
const ListToolbar = memo(function ListToolbar({ query, onQuery, status }: { query: string; onQuery(q: string): void; status: string }) {
  const { t } = useTranslation('documents');
  return (
    <div className="list-toolbar">
      <Field label={t('list.search')} className="list-search">
        <Input type="search" value={query} onChange={(_, data) => onQuery(data.value)} placeholder={t('list.searchPlaceholder')} data-testid="documents-search" />
      </Field>
      <p className="hint" role="status" data-testid="documents-count">{status}</p>
    </div>
  );
});

const TYPE_BY_CODE = new Map(DOC_TYPES.map((x) => [x.code, x]));
const noActions = (): ReactNode => null;
const dmy = (iso: string) => iso.split('-').reverse().join('/');

interface Labels {
  lang: string;
  status: Record<(typeof DOC_STATUSES)[number], string>;
  doMat: Record<(typeof DO_MAT)[number], string>;
  doKhan: Record<(typeof DO_KHAN)[number], string>;
  conflict: string; pending: string; synced: string; loadingRow: string;
  incoming(n: number): string;
  overdue(date: string): string;
}

interface RowProps {
  d: LocalDocument; index: number; start: number; active: boolean; late: boolean;
  /** Labels in the current language (a new object on a switch, so memoised rows follow it). */
  labels: Labels;
  onActivate(i: number): void;
  renderActions(d: LocalDocument): ReactNode;
}

/** A row whose document is still being read (its window was just scrolled to): its place, busy. */
const PendingRow = memo(function PendingRow({ index, start, active, label }: { index: number; start: number; active: boolean; label: string }) {
  return (
    <div id={`doc-row-at-${index}`} role="row" aria-rowindex={index + 2} aria-selected={active} aria-busy="true"
      className={`docs-row docs-cols pending${active ? ' active' : ''}`} data-testid="document-row" data-pending="true"
      style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${start}px)` }}>
      <div role="gridcell" aria-colspan={8} className="pending-cell">{label}</div>
    </div>
  );
});

/** One row; memoised, so a row that stays in the window is not rendered again while scrolling. */
const Row = memo(function Row({ d, index, start, active, late, labels: l, onActivate, renderActions }: RowProps) {
  const ty = TYPE_BY_CODE.get(d.meta.typeCode);
  return (
    <div id={`doc-row-${d.id}`} role="row" aria-rowindex={index + 2} aria-selected={active}
      className={`docs-row docs-cols${active ? ' active' : ''}`} data-testid="document-row" data-doc-id={d.id}
      style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${start}px)` }}
      onClick={() => onActivate(index)}>
      <div role="gridcell">{d.issue?.soKyHieu ?? (d.incoming ? l.incoming(d.incoming.soDen) : '—')}</div>
      <div role="gridcell">{ty ? (l.lang === 'en' ? ty.name_en : ty.name_vi) : d.meta.typeCode}</div>
      <div role="gridcell" className="subject" title={d.meta.subject}>{d.meta.subject}</div>
      <div role="gridcell">{l.doMat[d.meta.doMat]}/{l.doKhan[d.meta.doKhan]}</div>
      <div role="gridcell" title={formatDate(d.createdAt, 'dayTime')}>{formatDate(d.issue?.issuedDate ?? d.incoming?.ngayDen ?? d.createdAt, 'day')}</div>
      <div role="gridcell" data-testid="document-due" data-overdue={late ? 'yes' : undefined}>
        {d.meta.dueDate ? (late ? l.overdue(dmy(d.meta.dueDate)) : dmy(d.meta.dueDate)) : '—'}
      </div>
      <div role="gridcell">
        {l.status[d.status]}
        {' · '}<span data-testid="document-sync">{d.conflicts > 0 ? l.conflict : d.pending > 0 ? l.pending : l.synced}</span>
      </div>
      <div role="gridcell" className="actions">{renderActions(d)}</div>
    </div>
  );
});
