// Xác minh chữ ký (verify desk): open a PDF from disk, by drag and drop, or receive one from
// another desk; it is shown in the viewer with the signature panel beside it, which opens by
// itself when the document has signatures. Verification runs in the main process (IPC
// `verify.pdf`) while a progress bar shows; a result computed offline says so and when, and is
// checked again when the network returns (the browser's `online` event) if it was offline or
// revocation could not be established then.

import { Suspense, useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Button, Checkbox, MessageBar, MessageBarBody, ProgressBar, Text } from '@fluentui/react-components';
import { vanthu } from '../../shell/vanthu';
import { describeError, fileBytes } from '../../components/files';
import { toSafeFileName } from '../../../src-shared/domain/filename';
import { pick } from '../../i18n';
import { SignaturePanel } from '../../components/signature-panel/SignaturePanel';
import { asPanelReport, shouldRecheckOnline, signedRevisionBytes, type PanelReport, type PanelSignature } from '../../components/signature-panel/model';
import { PdfViewer, type ViewerHandle, type ViewerSource } from './viewer';
import './verify.css';

export interface VerifyDeskProps {
  /** A document handed over by another desk (e.g. the documents desk's "verify"). */
  document?: { name: string; bytes: Uint8Array } | null;
}

type Doc = { name: string; bytes: Uint8Array };
type Run = { offline: boolean; report: PanelReport };
type Viewing = { kind: 'current' } | { kind: 'signed'; sig: PanelSignature; bytes: Uint8Array };

export function VerifyDesk({ document: handed = null }: VerifyDeskProps = {}) {
  const { t } = useTranslation('verify');
  const [doc, setDoc] = useState<Doc | null>(null);
  const [run, setRun] = useState<Run | null>(null);
  const [busy, setBusy] = useState<'verifying' | 'rechecking' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [offlineOnly, setOfflineOnly] = useState(false);
  const [panelOpen, setPanelOpen] = useState(false);
  const [viewing, setViewing] = useState<Viewing>({ kind: 'current' });
  const [dragging, setDragging] = useState(false);
  const viewer = useRef<ViewerHandle | null>(null);
  const seq = useRef(0);

  const verify = useCallback(async (d: Doc, mode: 'verifying' | 'rechecking', userOffline: boolean) => {
    const my = ++seq.current;
    const offline = userOffline || (typeof navigator !== 'undefined' && navigator.onLine === false);
    setBusy(mode);
    setError(null);
    try {
      const res = asPanelReport(await vanthu.verify.pdf({ name: d.name, data: d.bytes, offline }));
      if (my !== seq.current) return;
      setRun({ offline, report: res });
      if (mode === 'verifying') setPanelOpen(res.signatures.length > 0);
    } catch (e) {
      if (my === seq.current) setError(describeError(e));
    } finally {
      if (my === seq.current) setBusy(null);
    }
  }, []);

  /** "So sánh" without renderings in the report: the document verified again keeping every page pair. */
  const renderPairs = useCallback(async (sig: PanelSignature): Promise<PanelSignature | null> => {
    if (!doc) return null;
    const offline = run?.offline ?? false;
    const res = asPanelReport(await vanthu.verify.pdf({ name: doc.name, data: doc.bytes, offline, renderings: 'all' }));
    return res.signatures.find((s) => s.field === sig.field && s.revision === sig.revision) ?? null;
  }, [doc, run]);

  const open = useCallback((d: Doc) => {
    setDoc(d);
    setRun(null);
    setViewing({ kind: 'current' });
    void verify(d, 'verifying', offlineOnly);
  }, [verify, offlineOnly]);

  async function openFile(file: File | undefined) {
    if (!file) return;
    open({ name: toSafeFileName(file.name), bytes: await fileBytes(file) });
  }

  useEffect(() => {
    if (handed) open({ name: toSafeFileName(handed.name), bytes: handed.bytes });
    // a document handed over is opened once, when it arrives (not again when options change)
  }, [handed]);

  // the network is back: check again what was checked without it
  useEffect(() => {
    const onOnline = () => {
      if (doc && !busy && !offlineOnly && shouldRecheckOnline(run)) void verify(doc, 'rechecking', false);
    };
    window.addEventListener('online', onOnline);
    return () => window.removeEventListener('online', onOnline);
  }, [doc, run, busy, offlineOnly, verify]);

  const onDrop = (e: DragEvent) => {
    if (e.defaultPrevented) return; // the viewer took it (onOpenFile)
    e.preventDefault();
    setDragging(false);
    const f = [...e.dataTransfer.files].find((x) => x.type === 'application/pdf' || /\.pdf$/i.test(x.name)) ?? e.dataTransfer.files[0];
    void openFile(f);
  };

  // one source object per document shown (the viewer reopens when it changes)
  const signedName = viewing.kind === 'signed' && doc ? t('signedName', { name: doc.name, rev: viewing.sig.revision }) : '';
  const source = useMemo<ViewerSource | null>(() => (!doc
    ? null
    : viewing.kind === 'signed'
      ? { kind: 'bytes', bytes: viewing.bytes, name: signedName }
      : { kind: 'bytes', bytes: doc.bytes, name: doc.name }),
  // the signed revision's name follows the language without reopening it
  // eslint-disable-next-line react-hooks/exhaustive-deps
  [doc, viewing]);

  const report = run?.report ?? null;
  const goTo = (s: PanelSignature) => {
    if (s.widget) viewer.current?.goTo({ page: s.widget.page, rect: s.widget.rect });
  };
  const viewSigned = (s: PanelSignature) => {
    if (!doc) return;
    const bytes = signedRevisionBytes(s, doc.bytes);
    if (bytes) setViewing({ kind: 'signed', sig: s, bytes });
  };

  return (
    <section
      className={`verify-desk${dragging ? ' verify-dragging' : ''}`}
      aria-labelledby="verify-title"
      data-testid="verify-desk"
      onDragOver={(e) => { e.preventDefault(); setDragging(true); }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
    >
      <div className="verify-toolbar">
        <h2 id="verify-title">{t('title')}</h2>
        <div className="verify-open">
          <label htmlFor="verify-file" className="verify-file-label">{t('open')}</label>
          <input id="verify-file" type="file" accept="application/pdf,.pdf" onChange={(e) => void openFile(e.target.files?.[0])} />
          <span className="hint">{t('dropHint')}</span>
        </div>
        <Checkbox checked={offlineOnly} onChange={(_, d) => setOfflineOnly(!!d.checked)} label={t('offlineOnly')} />
        {doc && (
          <Button onClick={() => void verify(doc, 'verifying', offlineOnly)} disabled={!!busy} data-testid="verify-again">{t('again')}</Button>
        )}
        {report && (
          <Button onClick={() => setPanelOpen((o) => !o)} aria-expanded={panelOpen} aria-controls="verify-side" data-testid="toggle-panel">
            {panelOpen ? t('hidePanel') : t('showPanel')}
          </Button>
        )}
      </div>
      {busy && (
        <div className="verify-progress" data-testid="verify-progress" role="status">
          <ProgressBar aria-label={busy === 'rechecking' ? t('rechecking') : t('verifying')} />
          <Text>{busy === 'rechecking' ? t('rechecking') : t('verifying')}</Text>
        </div>
      )}
      {error && (
        <MessageBar intent="error">
          <MessageBarBody role="alert" className="error">{error}</MessageBarBody>
        </MessageBar>
      )}
      {report && (
        <p className="verify-summary">
          <strong>{t('verdictLabel')} </strong>
          <span data-testid="verify-verdict" data-verdict={report.verdict}>{t(`verdict.${report.verdict}`)}</span>
          {' — '}
          <span>{pick(null, report.summary_vi, report.summary_en)}</span>
          {report.error && <span className="error"> {pick(report.error)}</span>}
        </p>
      )}
      {viewing.kind === 'signed' && (
        <MessageBar intent="warning" data-testid="signed-revision-banner">
          <MessageBarBody>
            {t('viewingSigned', { field: viewing.sig.field, rev: viewing.sig.revision, total: report?.revisions ?? viewing.sig.revision })}{' '}
            <Button size="small" onClick={() => setViewing({ kind: 'current' })} data-testid="back-to-current">{t('backToCurrent')}</Button>
          </MessageBarBody>
        </MessageBar>
      )}
      {!doc && <p className="verify-empty">{t('empty')}</p>}
      {doc && (
        <div className={`verify-body${panelOpen && report ? ' with-panel' : ''}`}>
          <div className="verify-viewer" data-testid="verify-viewer" data-viewing={viewing.kind} data-bytes={source?.kind === 'bytes' ? source.bytes.length : 0}>
            <Suspense fallback={<p>{t('loadingViewer')}</p>}>
              <PdfViewer source={source} ref={viewer} onOpenFile={(f) => void openFile(f)} />
            </Suspense>
          </div>
          {report && panelOpen && (
            <aside id="verify-side" className="verify-side" data-testid="verify-report" aria-label={t('panelLabel')}>
              <SignaturePanel report={report} fileLength={doc.bytes.length} offline={run?.offline ?? false} onGoTo={goTo} onViewSigned={viewSigned} onRenderPairs={renderPairs} />
            </aside>
          )}
        </div>
      )}
    </section>
  );
}
