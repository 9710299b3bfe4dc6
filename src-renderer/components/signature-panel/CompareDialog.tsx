// "So sánh": what changed after a signature (each change with its rule, verdict and message in the
// current language, before/after values when the rule recorded them) and, when the visual check
// kept both renderings of a page (PNG bytes), the signed revision and the current document side by
// side with the differing area outlined.

import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button, Dialog, DialogActions, DialogBody, DialogContent, DialogSurface, DialogTitle, Spinner } from '@fluentui/react-components';
import { pick } from '../../i18n';
import { bytesToBlob } from '../files';
import { renderedPairs, sortedChanges, type PanelSignature } from './model';

export function CompareDialog({ sig: given, onClose, onRender }: { sig: PanelSignature; onClose(): void; onRender?(sig: PanelSignature): Promise<PanelSignature | null> }) {
  const { t } = useTranslation('signatures');
  // the same signature verified again with both renderings of every page pair, when asked
  const [rendered, setRendered] = useState<PanelSignature | null>(null);
  const [rendering, setRendering] = useState<'idle' | 'busy' | 'failed'>('idle');
  const sig = rendered ?? given;
  const changes = sortedChanges(given.changesAfter);
  const pairs = renderedPairs(sig);
  // object URLs for the renderings, revoked when the dialog goes away
  const urls = useMemo(
    () => renderedPairs(sig).map((p) => ({ signed: URL.createObjectURL(bytesToBlob(p.signedPng!, 'image/png')), current: URL.createObjectURL(bytesToBlob(p.currentPng!, 'image/png')) })),
    [sig],
  );
  const render = () => {
    if (!onRender) return;
    setRendering('busy');
    onRender(given).then((s) => { setRendered(s); setRendering(s && renderedPairs(s).length ? 'idle' : 'failed'); }, () => setRendering('failed'));
  };
  useEffect(() => () => urls.forEach((u) => { URL.revokeObjectURL(u.signed); URL.revokeObjectURL(u.current); }), [urls]);
  return (
    <Dialog open onOpenChange={(_, d) => { if (!d.open) onClose(); }}>
      <DialogSurface className="sig-compare-surface" data-testid="compare-dialog">
        <DialogBody>
          <DialogTitle>{t('compare.title', { field: sig.field })}</DialogTitle>
          <DialogContent>
            <h3 className="sig-compare-h">{t('compare.changes')}</h3>
            {changes.length === 0 ? (
              <p>{t('changes.none')}</p>
            ) : (
              <table className="sig-compare-table">
                <thead>
                  <tr>
                    <th scope="col">{t('compare.revision')}</th>
                    <th scope="col">{t('compare.rule')}</th>
                    <th scope="col">{t('compare.verdict')}</th>
                    <th scope="col">{t('compare.message')}</th>
                  </tr>
                </thead>
                <tbody>
                  {changes.map((c, i) => (
                    <tr key={i} data-testid="compare-change" data-rule={c.rule} data-verdict={c.verdict}>
                      <td>{c.revision}</td>
                      <td><code>{c.rule}</code></td>
                      <td className={`sig-verdict-${c.verdict}`}>{t(`changes.verdict.${c.verdict}`)}</td>
                      <td>
                        {pick(c)}
                        {c.field && <div className="sig-detail">{t('compare.field', { field: c.field })}</div>}
                        {(c.before !== undefined || c.after !== undefined) && (
                          <div className="sig-detail">{t('compare.beforeAfter', { before: c.before ?? '—', after: c.after ?? '—' })}</div>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            <h3 className="sig-compare-h">{t('compare.visual')}</h3>
            {pairs.length === 0 ? (
              <>
                <p data-testid="compare-no-renderings">{t('compare.noRenderings', { status: sig.visual ? t(`compare.visualStatus.${sig.visual.status}`) : t('compare.visualStatus.none') })}</p>
                {onRender && rendering !== 'busy' && (
                  <Button onClick={render} data-testid="compare-render">{t('compare.render')}</Button>
                )}
                {rendering === 'busy' && <Spinner size="small" label={t('compare.rendering')} data-testid="compare-rendering" />}
                {rendering === 'failed' && <p role="alert">{t('compare.renderFailed')}</p>}
              </>
            ) : (
              pairs.map((p, i) => (
                <figure key={p.page} className="sig-compare-pair" data-testid="compare-pair">
                  <figcaption>{t('compare.page', { page: p.page, n: p.diffPixels })}</figcaption>
                  <div className="sig-compare-images">
                    <div>
                      <div className="sig-detail">{t('compare.signed')}</div>
                      <img src={urls[i]?.signed} alt={t('compare.signedAlt', { page: p.page })} width={p.width} height={p.height} />
                    </div>
                    <div>
                      <div className="sig-detail">{t('compare.current')}</div>
                      <img src={urls[i]?.current} alt={t('compare.currentAlt', { page: p.page })} width={p.width} height={p.height} />
                    </div>
                  </div>
                </figure>
              ))
            )}
          </DialogContent>
          <DialogActions>
            <Button appearance="primary" onClick={onClose}>{t('common:close')}</Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
