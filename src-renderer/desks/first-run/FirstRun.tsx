// First run of a real install: the province's server address (fixed and shown locked when the
// machine-wide configuration names one), sign-in, a check of the token drivers found on this
// machine, "Làm việc ngoại tuyến" (work offline for now: always possible) and, where the machine
// allows it, "Dùng thử" (the demo province). Signing in itself happens on the documents desk's
// sign-in card once the server is chosen, with the address prefilled.
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Spinner } from '@fluentui/react-components';
import { vanthu } from '../../shell/vanthu';
import { pick } from '../../i18n';
import { isAppError } from '../../../src-shared/errors';
import type { Res } from '../../../src-shared/ipc/contract';
import type { ProfileHandle, ProfileState } from '../../shell/profile';

type Tokens = Res<'tokens.list'>;

export function FirstRun(p: { state: ProfileState; profile: ProfileHandle; onDone(serverUrl: string | null): void }) {
  const { t } = useTranslation('first-run');
  const describeError = (e: unknown) => (isAppError(e) ? pick(e) : t('unexpected', { detail: String((e as Error)?.message ?? e) }));
  const [url, setUrl] = useState(p.state.server.url ?? '');
  const [tokens, setTokens] = useState<Tokens | null>(null);
  const [tokenError, setTokenError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const locked = p.state.server.locked;

  useEffect(() => {
    vanthu.tokens.list().then(setTokens, (e: unknown) => setTokenError(describeError(e)));
  }, []);

  const connect = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const s = await p.profile.useServer(locked ? {} : { gatewayUrl: url.trim() });
      p.onDone(s.server.url);
    } catch (err) {
      setError(describeError(err));
    }
  };
  const offline = async () => {
    setError(null);
    try {
      await p.profile.useServer({ offline: true });
      p.onDone(null);
    } catch (err) {
      setError(describeError(err));
    }
  };

  const loaded = tokens?.modules.filter((m) => m.loaded) ?? [];
  return (
    <section className="card first-run" data-testid="first-run" aria-labelledby="first-run-title">
      <h2 id="first-run-title">{t('title')}</h2>
      <form onSubmit={connect}>
        <label htmlFor="fr-server">{t('server')}</label>
        <input id="fr-server" type="url" required value={url} readOnly={locked} aria-readonly={locked} aria-describedby={locked ? 'fr-server-locked' : 'fr-server-hint'}
          placeholder="https://vanban.example.gov.vn" onChange={(e) => setUrl(e.target.value)} />
        {locked ? <p className="hint" id="fr-server-locked" data-testid="server-locked">{t('serverLocked')}</p> : <p className="hint" id="fr-server-hint">{t('serverHint')}</p>}
        <p><button className="primary" type="submit" disabled={p.profile.busy}>{t('connect')}</button></p>
      </form>
      {error && <p role="alert" className="error" data-testid="first-run-error">{error}</p>}

      <h3>{t('tokens.title')}</h3>
      {tokenError && <p className="error">{tokenError} {t('tokens.errorNext')}</p>}
      {!tokens && !tokenError && <Spinner size="tiny" label={t('tokens.scanning')} />}
      {tokens && (
        <div data-testid="token-check">
          <p>
            {loaded.length > 0
              ? t('tokens.found', { drivers: loaded.length, devices: tokens.tokens.length })
              : t('tokens.none')}
          </p>
          <ul>
            {tokens.modules.map((m) => (
              <li key={m.path}>
                <code>{m.path}</code> {m.vendor ? `(${m.vendor})` : ''}: {m.loaded ? t('tokens.loaded') : m.reason ? t('tokens.notLoadedWhy', { reason: m.reason }) : t('tokens.notLoaded')}
              </li>
            ))}
          </ul>
        </div>
      )}

      <h3>{t('or')}</h3>
      <p>
        <button onClick={() => void offline()} disabled={p.profile.busy} data-testid="work-offline" aria-describedby="fr-offline-hint">{t('offline')}</button>{' '}
        <span className="hint" id="fr-offline-hint">{t('offlineHint')}</span>
      </p>
      {p.state.demoAllowed && (
        <p>
          <button onClick={() => void p.profile.startDemo()} disabled={p.profile.busy} data-testid="start-demo" aria-describedby="fr-demo-hint">
            {p.profile.busy ? t('demoBusy') : t('demo')}
          </button>{' '}
          {p.profile.busy && <Spinner size="extra-tiny" as="span" className="inline-spinner" aria-hidden />}
          <span className="hint" id="fr-demo-hint">{t('demoHint')}</span>
        </p>
      )}
    </section>
  );
}
