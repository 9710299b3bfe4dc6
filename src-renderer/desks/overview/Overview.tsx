// Overview: what the app is and which runtime serves it (version, Electron or host mode,
// platform, Node.js release).
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { vanthu } from '../../shell/vanthu';
import { IpcCallError } from '../../../src-shared/ipc/client';
import type { Res } from '../../../src-shared/ipc/contract';
import { pick } from '../../i18n';

type Info = Res<'app.info'>;

export function Overview() {
  const { t } = useTranslation('overview');
  const [info, setInfo] = useState<Info | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    vanthu.app
      .info()
      .then(setInfo)
      .catch((e: unknown) => setError(e instanceof IpcCallError ? pick(e) : String(e)));
  }, []);
  return (
    <section className="card" aria-labelledby="overview-title">
      <h2 id="overview-title">{t('title')}</h2>
      <p>{t('about')}</p>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {info && (
        <dl className="facts" data-testid="app-info">
          <dt>{t('version')}</dt>
          <dd data-testid="app-version">{info.version}</dd>
          <dt>{t('runtime')}</dt>
          <dd data-testid="app-runtime">{info.runtime === 'electron' ? t('runtimeElectron') : t('runtimeHost')}</dd>
          <dt>{t('platform')}</dt>
          <dd>{info.platform}</dd>
          <dt>Node.js</dt>
          <dd>{info.versions.node}</dd>
        </dl>
      )}
    </section>
  );
}
