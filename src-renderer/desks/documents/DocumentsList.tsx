// The documents list: a virtualized ARIA grid (@tanstack/react-virtual) — only the rows in view
// (and a few around them) are in the DOM, so 100,000 documents scroll like 100. Sort by date
// (newest or oldest first), search by trích yếu and số/ký hiệu (case and diacritics ignored),
// keyboard navigation (↑ ↓ PageUp PageDown Home End), an empty state that says what to do next.
import { memo, useEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useVirtualizer } from '@tanstack/react-virtual';
import { Input, Field } from '@fluentui/react-components';
import type { LocalDocument } from '../../../src-shared/sync/localdb';
import { DO_KHAN, DO_MAT, DOC_STATUSES } from '../../../src-shared/domain/levels';
import { DOC_TYPES } from '../../../src-shared/domain/doctypes';
import { currentLocale } from '../../i18n';

export const ROW_HEIGHT = 44;
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

/** Lower case, without diacritics (đ → d), for search that forgives missing accents. */
export const fold = (s: string): string => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[\u0111\u0110]/g, 'd').toLowerCase();

export const soKyHieuOf = (d: LocalDocument): string | null => d.issue?.soKyHieu ?? null;

export interface DocumentsListProps {
  docs: LocalDocument[];
  /** Still reading the store (first load). */
  loading: boolean;
  today: string;
  renderActions(d: LocalDocument): ReactNode;
  /** What to do when the list is empty (a hint with the next step). */
  emptyHint: ReactNode;
}

export function DocumentsList({ docs, loading, today, renderActions, emptyHint }: DocumentsListProps) {
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
      conflict: t('sync.rowConflict'), pending: t('sync.rowPending'), synced: t('sync.rowSynced'),
      incoming: (n) => t('list.incomingNo', { n }), overdue: (date) => t('list.overdue', { date }),
    };
  }, [t, i18n.language]);

  const keys = useMemo(() => docs.map((d) => fold(`${d.meta.subject} ${d.issue?.soKyHieu ?? ''} ${d.incoming ? d.incoming.soDen : ''}`)), [docs]);
  const rows = useMemo(() => {
    const q = fold(query.trim());
    let out = q ? docs.filter((_, i) => keys[i].includes(q)) : docs.slice();
    // docs arrive newest first (sortDate index, reversed)
    if (!newestFirst) out = out.reverse();
    return out;
  }, [docs, keys, query, newestFirst]);

  const v = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 4 });
  // While the list scrolls, rows skip their action buttons (most of each row's DOM); they come back
  // 150 ms after the scrolling stops, so a fast sweep through 100,000 rows keeps every frame short.
  const scrolling = v.isScrolling;
  useEffect(() => { if (active >= rows.length) setActive(Math.max(0, rows.length - 1)); }, [rows.length, active]);

  const move = (to: number) => {
    const i = Math.max(0, Math.min(rows.length - 1, to));
    setActive(i);
    v.scrollToIndex(i, { align: 'auto' });
  };
  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.target !== e.currentTarget) return; // keys inside a row's buttons keep their meaning
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? ROW_HEIGHT * 10) / ROW_HEIGHT) - 1);
    const to = ({ ArrowDown: active + 1, ArrowUp: active - 1, PageDown: active + page, PageUp: active - page, Home: 0, End: rows.length - 1 } as Record<string, number>)[e.key];
    if (to === undefined) return;
    e.preventDefault();
    move(to);
  };

  const overdue = (d: LocalDocument) => !!d.meta.dueDate && d.meta.dueDate < today && !['archived', 'issued'].includes(d.status);

  return (
    <div className="documents-list-wrap">
      <div className="list-toolbar">
        <Field label={t('list.search')} className="list-search">
          <Input type="search" value={query} onChange={(_, data) => setQuery(data.value)} placeholder={t('list.searchPlaceholder')} data-testid="documents-search" />
        </Field>
        <p className="hint" role="status" data-testid="documents-count">
          {query.trim() ? t('list.matching', { count: rows.length, total: docs.length }) : t('common:documentsCount', { count: docs.length })}
        </p>
      </div>
      {loading ? (
        <p role="status">{t('list.loading')}</p>
      ) : docs.length === 0 ? (
        <div className="empty-state" data-testid="documents-empty">
          <p><strong>{t('list.emptyTitle')}</strong></p>
          {emptyHint}
        </div>
      ) : (
        <>
        {rows.length === 0 && <p className="hint empty-search" data-testid="documents-no-match">{t('list.noMatch')}</p>}
        <div ref={scrollRef} className="docs-grid" role="grid" aria-label={t('list.title')} aria-rowcount={rows.length + 1} aria-colcount={8}
          aria-describedby="docs-keys" data-testid="documents-list" tabIndex={0} onKeyDown={onKey}
          aria-activedescendant={rows[active] ? `doc-row-${rows[active].id}` : undefined}>
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
              {v.getVirtualItems().map((item) => {
                const d = rows[item.index];
                return <Row key={d.id} d={d} index={item.index} start={item.start} active={item.index === active} late={overdue(d)} labels={labels}
                  onActivate={setActive} renderActions={scrolling ? noActions : renderActions} />;
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

const TYPE_BY_CODE = new Map(DOC_TYPES.map((x) => [x.code, x]));
const noActions = (): ReactNode => null;
const dmy = (iso: string) => iso.split('-').reverse().join('/');

interface Labels {
  lang: string;
  status: Record<(typeof DOC_STATUSES)[number], string>;
  doMat: Record<(typeof DO_MAT)[number], string>;
  doKhan: Record<(typeof DO_KHAN)[number], string>;
  conflict: string; pending: string; synced: string;
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
