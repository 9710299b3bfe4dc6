// The signature panel (as Acrobat and Okular show it): one row per revision and signature,
// document timestamps included, each with its five-state icon and separate lines for integrity,
// certificate trust (chain, revocation), changes after signing, the signing time and where it
// comes from, and the long-term status. A click on a row's title jumps to its widget; each row
// opens the certificate viewer, the signed revision and the comparison. Everything shown comes
// from the verification report, as React text (nothing from a document is rendered as HTML).

import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button, MessageBar, MessageBarBody, MessageBarTitle, Text } from '@fluentui/react-components';
import { formatDateTime, pick } from '../../i18n';
import { CertificateViewer } from '../certificate/CertificateViewer';
import { CompareDialog } from './CompareDialog';
import { StatusIcon } from './StatusIcon';
import {
  commonNameOf, integrityLine, longTermLine, mainFindings, revocationUnknown, rowStatus, signedRevisionEnd, sortedChanges, timeLine, trustLine,
  type PanelReport, type PanelSignature,
} from './model';
import './signature-panel.css';

export interface SignaturePanelProps {
  report: PanelReport;
  /** Length of the verified file (to offer the signed revision of each signature). */
  fileLength: number;
  /** The run was made without network access (request offline, or the browser was offline). */
  offline: boolean;
  /** Jump to a signature's widget in the viewer. */
  onGoTo?(sig: PanelSignature): void;
  /** Open the signed revision of a signature in the viewer. */
  onViewSigned?(sig: PanelSignature): void;
  /**
   * Render the signed revision and the current document for "So sánh" when the report carries no
   * renderings of that signature (the document verified again with every page pair kept).
   */
  onRenderPairs?(sig: PanelSignature): Promise<PanelSignature | null>;
}

export function SignaturePanel({ report, fileLength, offline, onGoTo, onViewSigned, onRenderPairs }: SignaturePanelProps) {
  const { t } = useTranslation('signatures');
  const [certOf, setCertOf] = useState<PanelSignature | null>(null);
  const [compareOf, setCompareOf] = useState<PanelSignature | null>(null);
  // the button that opened a dialog gets the focus back when the dialog closes (Fluent's Dialog
  // restores focus only to a DialogTrigger; these dialogs are opened from the rows' buttons)
  const opener = useRef<HTMLElement | null>(null);
  const remember = () => {
    opener.current = document.activeElement instanceof HTMLElement && document.activeElement !== document.body ? document.activeElement : null;
  };
  const restoreFocus = () => {
    const el = opener.current;
    opener.current = null;
    // after the dialog has gone (its focus trap released)
    if (el) setTimeout(() => { if (el.isConnected) el.focus(); }, 0);
  };
  const sigs = report.signatures;
  const unknownOffline = sigs.some((s) => revocationUnknown(s));
  const viewerCerts = useMemo(
    () => (certOf?.certificates ?? []).map((c) => ({ ...c, der: report.certificateDers?.[c.derIndex] ?? null })),
    [certOf, report],
  );
  return (
    <section className="signature-panel" data-testid="signature-panel" aria-labelledby="signature-panel-title">
      <h2 id="signature-panel-title" className="sig-panel-title">
        {t('panel.title')} <span className="sig-count">{t('panel.count', { count: sigs.filter((s) => s.kind === 'signature').length })}</span>
      </h2>
      <p className="sig-validated" data-testid="validation-time">
        {offline ? t('panel.validatedOffline', { time: formatDateTime(report.validationTime) }) : t('panel.validatedAt', { time: formatDateTime(report.validationTime) })}
      </p>
      {(offline || unknownOffline) && (
        <MessageBar intent="info" data-testid="offline-notice">
          <MessageBarBody>
            <MessageBarTitle>{offline ? t('offline.title') : t('offline.unknownTitle')}</MessageBarTitle>
            {offline ? t('offline.body', { time: formatDateTime(report.validationTime) }) : t('offline.unknownBody')}
          </MessageBarBody>
        </MessageBar>
      )}
      {sigs.length === 0 && <p data-testid="no-signatures">{t('panel.none')}</p>}
      <ol className="sig-rows">
        {sigs.map((s, i) => (
          <SignatureRow
            key={`${s.field}-${i}`}
            sig={s}
            report={report}
            fileLength={fileLength}
            onGoTo={onGoTo}
            onViewSigned={onViewSigned}
            onCertificate={() => { remember(); setCertOf(s); }}
            onCompare={() => { remember(); setCompareOf(s); }}
          />
        ))}
      </ol>
      <CertificateViewer
        open={certOf !== null}
        certificates={viewerCerts}
        title={certOf ? certOf.signer?.commonName ?? certOf.field : ''}
        onClose={() => { setCertOf(null); restoreFocus(); }}
      />
      {compareOf && <CompareDialog sig={compareOf} onRender={onRenderPairs} onClose={() => { setCompareOf(null); restoreFocus(); }} />}
    </section>
  );
}

interface RowProps {
  sig: PanelSignature;
  report: PanelReport;
  fileLength: number;
  onGoTo?(sig: PanelSignature): void;
  onViewSigned?(sig: PanelSignature): void;
  onCertificate(): void;
  onCompare(): void;
}

function SignatureRow({ sig: s, report, fileLength, onGoTo, onViewSigned, onCertificate, onCompare }: RowProps) {
  const { t } = useTranslation('signatures');
  const status = rowStatus(s);
  const integ = integrityLine(s);
  const trust = trustLine(s);
  const time = timeLine(s);
  const lt = longTermLine(s, report);
  const changes = sortedChanges(s.changesAfter);
  const who = s.signer?.commonName ?? commonNameOf(s.signer?.subject) ?? s.field;
  const canViewSigned = signedRevisionEnd(s, fileLength) !== null;
  const offlineUnknown = revocationUnknown(s);
  const statusText = t(`status.${status}`);
  return (
    <li className="sig-row" data-testid="signature-row" data-status={status} data-field={s.field} data-kind={s.kind}>
      <button
        type="button"
        className="sig-row-head"
        data-testid="signature-row-head"
        onClick={() => onGoTo?.(s)}
        title={s.widget ? t('row.goTo', { name: who, page: s.widget.page + 1 }) : undefined}
      >
        <StatusIcon status={status} label={statusText} />
        <span className="sig-row-title">
          <span className="sig-who">{s.kind === 'document-timestamp' ? t('kind.documentTimestamp') : who}</span>
          <span className="sig-state" data-testid="signature-status">{statusText}</span>
          <span className="sig-meta">
            {t('row.revision', { rev: s.revision, total: report.revisions })} · {t('row.field', { field: s.field })}
            {s.widget ? ` · ${t('row.page', { page: s.widget.page + 1 })}` : ` · ${t('row.invisible')}`}
          </span>
        </span>
      </button>
      {status === 'indeterminate' && s.subIndication && (
        <p className="sig-reason" data-testid="indeterminate-reason">
          {t('row.reason', { reason: t(`sub.${s.subIndication}`) })}
          {offlineUnknown ? ` ${t('row.reasonOffline')}` : ''}
        </p>
      )}
      {status === 'invalid' && s.subIndication && <p className="sig-reason">{t('row.reason', { reason: t(`sub.${s.subIndication}`) })}</p>}
      {status === 'certified' && <p className="sig-reason">{t('row.certified', { p: s.docMdpPermission ?? 0 })}</p>}
      <dl className="sig-lines">
        <div data-testid="sig-integrity" data-state={integ.state}>
          <dt>{t('integrity.label')}</dt>
          <dd>
            {t(`integrity.${integ.state}`)}
            {integ.state === 'intact' && !integ.wholeDocument && s.revision > 0 ? ` ${t('integrity.partial', { rev: s.revision })}` : ''}
          </dd>
        </div>
        {s.kind === 'signature' && (
          <div data-testid="sig-trust" data-chain={trust.chain} data-revocation={trust.revocation}>
            <dt>{t('trust.label')}</dt>
            <dd>
              <span className="sig-line">{trust.chain === 'trusted' ? t('trust.trusted', { anchor: trust.anchor ?? '?' }) : t(`trust.${trust.chain}`)}</span>
              <span className="sig-line">
                {offlineUnknown ? t('revocation.unknownOffline') : t(`revocation.${trust.revocation}`)}
                {trust.source ? ` — ${t(`source.${trust.source}`)}` : ''}
                {trust.checkedAt ? ` (${t('revocation.checkedAt', { time: formatDateTime(trust.checkedAt) })})` : ''}
              </span>
              {trust.reason && trust.revocation !== 'good' && <span className="sig-line sig-detail">{pick(trust.reason)}</span>}
            </dd>
          </div>
        )}
        <div data-testid="sig-changes" data-modifications={s.modificationsAfter}>
          <dt>{t('changes.label')}</dt>
          <dd>
            {s.modificationsAfter === 'none'
              ? t('changes.none')
              : s.modificationsAfter === 'allowed'
                ? t('changes.allowed', { count: changes.length })
                : t('changes.disallowed', { count: changes.filter((c) => c.verdict === 'disallowed').length })}
            {changes.length > 0 && (
              <ul className="sig-change-list" data-testid="change-list">
                {changes.slice(0, 8).map((c, i) => (
                  <li key={i} data-testid="change" data-rule={c.rule} data-verdict={c.verdict}>
                    <span className={`sig-verdict sig-verdict-${c.verdict}`}>{t(`changes.verdict.${c.verdict}`)}</span>{' '}
                    <span>{pick(c)}</span>{' '}
                    <span className="sig-detail">
                      ({t('changes.rule', { rule: c.rule, rev: c.revision })})
                    </span>
                  </li>
                ))}
                {changes.length > 8 && <li className="sig-detail">{t('changes.more', { count: changes.length - 8 })}</li>}
              </ul>
            )}
          </dd>
        </div>
        <div data-testid="sig-time" data-time-kind={time.kind}>
          <dt>{t('time.label')}</dt>
          <dd>
            {time.kind === 'proven' && (
              <>
                <span className="sig-line">{t('time.proven', { time: formatDateTime(time.time, { timeStyle: 'medium' }), by: time.by === 'document-timestamp' ? 'document' : 'signature' })}</span>
                {time.tsa && <span className="sig-line sig-detail">{t('time.tsa', { tsa: time.tsa })}</span>}
                {time.claimed && s.kind === 'signature' && (
                  <span className="sig-line sig-detail">{t('time.claimedToo', { time: formatDateTime(time.claimed, { timeStyle: 'medium' }) })}</span>
                )}
              </>
            )}
            {time.kind === 'claimed' && t('time.claimed', { time: formatDateTime(time.time, { timeStyle: 'medium' }), source: time.source === 'M' ? 'M' : 'attribute' })}
            {time.kind === 'none' && t('time.none')}
          </dd>
        </div>
        <div data-testid="sig-longterm" data-dss={lt.dss ? 'yes' : 'no'}>
          <dt>{t('longTerm.label')}</dt>
          <dd>
            <span className="sig-line">{t('longTerm.level', { level: lt.level })}</span>
            <span className="sig-line">
              {lt.dss
                ? t('longTerm.dss', { rev: lt.dss.revision, certs: lt.dss.certs, ocsps: lt.dss.ocsps, crls: lt.dss.crls })
                : t('longTerm.noDss')}
            </span>
            {s.kind === 'signature' && (
              <span className="sig-line">
                {lt.embeddedRevocation ? t('longTerm.revocationEmbedded') : t('longTerm.revocationNotEmbedded')}
                {lt.checkedAt ? ` ${t('longTerm.checkedAt', { time: formatDateTime(lt.checkedAt) })}` : ''}
              </span>
            )}
            {lt.archiveTimestamps > 0 && <span className="sig-line">{t('longTerm.archive', { count: lt.archiveTimestamps })}</span>}
          </dd>
        </div>
      </dl>
      {mainFindings(s).length > 0 && (
        <ul className="sig-findings" aria-label={t('row.findings')}>
          {mainFindings(s).map((f, i) => (
            <li key={i} data-severity={f.severity}>
              <Text size={200}>{pick(f)}</Text>
            </li>
          ))}
        </ul>
      )}
      <div className="sig-actions">
        <Button size="small" onClick={onCertificate} disabled={!s.certificates || s.certificates.length === 0} data-testid="show-certificate">
          {t('actions.certificate')}
        </Button>
        <Button size="small" onClick={() => onViewSigned?.(s)} disabled={!canViewSigned} data-testid="view-signed">
          {t('actions.viewSigned')}
        </Button>
        <Button size="small" onClick={onCompare} disabled={s.modificationsAfter === 'none' && renderedCount(s) === 0} data-testid="compare">
          {t('actions.compare')}
        </Button>
      </div>
    </li>
  );
}

function renderedCount(s: PanelSignature): number {
  return (s.visual?.pages ?? []).filter((p) => p.signedPng && p.currentPng).length;
}
