// Settings desk: the active profile's own settings — the province's server, the PKCS#11 token
// drivers, the timestamp server (TSA), trusted roots (add/remove certificate files, shown with
// subject and SHA-256 fingerprint), the language and the revocation cache (used size, limit,
// clear). Values IT fixed in the machine-wide configuration (or the demo province's own) are
// shown locked with the reason. Everything is read and written on the main side
// (settings.* IPC channels, validated there); nothing is kept in the page.
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Button, Field, Input, Spinner } from '@fluentui/react-components';
import { vanthu } from '../../shell/vanthu';
import { formatDateTime, LANGUAGES, pick, type Language } from '../../i18n';
import { isAppError } from '../../../src-shared/errors';
import type { Res } from '../../../src-shared/ipc/contract';
import { REVOCATION_CACHE_MB } from '../../../src-shared/ipc/settings';

type State = Res<'settings.get'>;
type Lock = State['gatewayUrl']['locked'];

export function SettingsDesk(p: { onChanged?(s: State): void }) {
  const { t, i18n } = useTranslation('settings');
  const [state, setState] = useState<State | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const describe = (e: unknown) => (isAppError(e) ? pick(e) : t('errors.unexpected', { detail: String((e as Error)?.message ?? e) }));
  const call = async (what: string, fn: () => Promise<State>, doneKey = 'saved') => {
    setBusy(what);
    setError(null);
    setDone(null);
    try {
      const s = await fn();
      setState(s);
      setDone(t(doneKey));
      p.onChanged?.(s);
      return true;
    } catch (e) {
      setError(describe(e));
      return false;
    } finally {
      setBusy(null);
    }
  };
  useEffect(() => {
    vanthu.settings.get().then(setState, (e: unknown) => setError(describe(e)));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  if (!state) {
    return (
      <section className="card settings" data-testid="settings">
        <h2>{t('title')}</h2>
        {error ? <p role="alert" className="error">{error}</p> : <Spinner size="small" label={t('loading')} />}
      </section>
    );
  }

  const lockNote = (key: string, lock: Lock) =>
    lock && <p className="hint locked-note" id={`${key}-locked`} data-testid={`locked-${key}`}>🔒 {t(`locked.${lock}`)}</p>;

  return (
    <div className="settings" data-testid="settings">
      <h2 className="desk-title">{t('title')}</h2>
      <div aria-live="polite" className="settings-status">
        {busy && <Spinner size="tiny" label={t('saving')} />}
        {done && !busy && <p role="status" className="ok" data-testid="settings-done">{done}</p>}
      </div>
      {error && <p role="alert" className="error" data-testid="settings-error">{error}</p>}

      <UrlSetting id="gatewayUrl" title={t('server.title')} label={t('server.label')} hint={t('server.hint')} placeholder="https://vanban.example.gov.vn"
        setting={state.gatewayUrl} busy={busy === 'gatewayUrl'} lockNote={lockNote('gatewayUrl', state.gatewayUrl.locked)}
        onSave={(v) => call('gatewayUrl', () => vanthu.settings.set({ gatewayUrl: v }), 'savedServer')} />

      <ModulesSetting state={state} busy={busy === 'pkcs11Modules'} lockNote={lockNote('pkcs11Modules', state.pkcs11Modules.locked)}
        onSave={(list) => call('pkcs11Modules', () => vanthu.settings.set({ pkcs11Modules: list }))} />

      <UrlSetting id="tsaUrl" title={t('tsa.title')} label={t('tsa.label')} hint={t('tsa.hint')} placeholder="http://tsa.example.gov.vn"
        setting={state.tsaUrl} busy={busy === 'tsaUrl'} lockNote={lockNote('tsaUrl', state.tsaUrl.locked)}
        onSave={(v) => call('tsaUrl', () => vanthu.settings.set({ tsaUrl: v }))} />

      <section className="card" aria-labelledby="roots-title">
        <h3 id="roots-title">{t('roots.title')}</h3>
        <p className="hint">{t('roots.hint')}</p>
        {state.trustedRoots.length === 0 ? (
          <p className="empty-state" data-testid="roots-empty">{t('roots.empty')}</p>
        ) : (
          <table className="roots" data-testid="trusted-roots">
            <thead><tr><th scope="col">{t('roots.subject')}</th><th scope="col">{t('roots.fingerprint')}</th><th scope="col">{t('roots.notAfter')}</th><th scope="col">{t('roots.source')}</th><th scope="col"><span className="visually-hidden">{t('roots.actions')}</span></th></tr></thead>
            <tbody>
              {state.trustedRoots.map((r) => (
                <tr key={`${r.source}:${r.id}`} data-testid="trusted-root">
                  <td>{r.subject}</td>
                  <td><code className="fingerprint" data-testid="root-fingerprint">{r.fingerprint}</code></td>
                  <td>{formatDateTime(r.notAfter, { timeStyle: undefined })}</td>
                  <td>{t(`roots.from.${r.source}`)}{r.locked && <span className="hint"> — {t(`locked.${r.locked}`)}</span>}</td>
                  <td>
                    {!r.locked && (
                      <Button size="small" disabled={!!busy} aria-label={t('roots.removeLabel', { subject: r.subject })}
                        onClick={() => void call('roots', () => vanthu.settings.removeTrustedRoot({ id: r.id }), 'rootRemoved')}>{t('roots.remove')}</Button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {state.trustAddable && (
          <p>
            <label htmlFor="root-file">{t('roots.add')}</label>
            <input id="root-file" type="file" accept=".cer,.crt,.pem,.der,.cert,application/pkix-cert,application/x-x509-ca-cert" disabled={!!busy}
              onChange={(e) => {
                const file = e.target.files?.[0];
                e.target.value = '';
                if (file) void file.arrayBuffer().then((b) => call('roots', () => vanthu.settings.addTrustedRoot({ fileName: file.name, data: new Uint8Array(b) }), 'rootAdded'));
              }} />
          </p>
        )}
      </section>

      <section className="card" aria-labelledby="lang-title">
        <h3 id="lang-title">{t('language.title')}</h3>
        <label htmlFor="settings-language">{t('language.label')}</label>
        <select id="settings-language" data-testid="settings-language" value={i18n.language} disabled={busy === 'language'}
          onChange={(e) => {
            const l = e.target.value as Language;
            void i18n.changeLanguage(l);
            void call('language', () => vanthu.settings.set({ language: l }));
          }}>
          {LANGUAGES.map((l) => <option key={l} value={l}>{t(`common:languages.${l}`)}</option>)}
        </select>
      </section>

      <CacheSetting state={state} busy={busy} onLimit={(mb) => call('cacheLimit', () => vanthu.settings.set({ revocationCacheMaxMB: mb }))}
        onClear={() => call('cacheClear', () => vanthu.settings.clearRevocationCache(), 'cacheCleared')} />

      {state.problems.length > 0 && (
        <section className="card" aria-labelledby="problems-title">
          <h3 id="problems-title">{t('problems')}</h3>
          <ul>{state.problems.map((x, i) => <li key={i}>{pick(x)}</li>)}</ul>
        </section>
      )}
    </div>
  );
}

function UrlSetting(p: { id: string; title: string; label: string; hint: string; placeholder: string; setting: { value: string | null; locked: Lock }; busy: boolean; lockNote: ReactNode; onSave(v: string | null): Promise<boolean> }) {
  const { t } = useTranslation('settings');
  const [v, setV] = useState(p.setting.value ?? '');
  useEffect(() => setV(p.setting.value ?? ''), [p.setting.value]);
  const locked = !!p.setting.locked;
  const submit = (e: FormEvent) => { e.preventDefault(); void p.onSave(v.trim() ? v.trim() : null); };
  return (
    <section className="card" aria-labelledby={`${p.id}-title`}>
      <h3 id={`${p.id}-title`}>{p.title}</h3>
      <form onSubmit={submit}>
        <Field label={p.label} hint={p.hint}>
          <Input id={`setting-${p.id}`} data-testid={`setting-${p.id}`} type="url" value={v} placeholder={p.placeholder} readOnly={locked} aria-readonly={locked}
            aria-describedby={locked ? `${p.id}-locked` : undefined} onChange={(_, d) => setV(d.value)} />
        </Field>
        {p.lockNote}
        {!locked && (
          <p className="row">
            <Button type="submit" appearance="primary" disabled={p.busy} data-testid={`save-${p.id}`}>{t('common:save')}</Button>
            {p.setting.value && <Button type="button" disabled={p.busy} onClick={() => void p.onSave(null)}>{t('clear')}</Button>}
          </p>
        )}
      </form>
    </section>
  );
}

function ModulesSetting(p: { state: State; busy: boolean; lockNote: ReactNode; onSave(list: string[]): Promise<boolean> }) {
  const { t } = useTranslation('settings');
  const [add, setAdd] = useState('');
  const list = p.state.pkcs11Modules.value;
  const locked = !!p.state.pkcs11Modules.locked;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (add.trim() && (await p.onSave([...list, add.trim()]))) setAdd('');
  };
  return (
    <section className="card" aria-labelledby="modules-title">
      <h3 id="modules-title">{t('modules.title')}</h3>
      <p className="hint">{t('modules.hint')}</p>
      {list.length === 0 ? (
        <p className="empty-state" data-testid="modules-empty">{t('modules.empty')}</p>
      ) : (
        <ul className="modules" data-testid="pkcs11-modules">
          {list.map((m) => (
            <li key={m}>
              <code>{m}</code>
              {!locked && <Button size="small" disabled={p.busy} aria-label={t('modules.removeLabel', { path: m })} onClick={() => void p.onSave(list.filter((x) => x !== m))}>{t('modules.remove')}</Button>}
            </li>
          ))}
        </ul>
      )}
      {p.lockNote}
      {!locked && (
        <form onSubmit={(e) => void submit(e)} className="row">
          <Field label={t('modules.add')} hint={t('modules.addHint')}>
            <Input id="setting-module" data-testid="setting-module" value={add} placeholder="/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so" onChange={(_, d) => setAdd(d.value)} />
          </Field>
          <Button type="submit" disabled={p.busy || !add.trim()} data-testid="add-module">{t('modules.addButton')}</Button>
        </form>
      )}
    </section>
  );
}

function CacheSetting(p: { state: State; busy: string | null; onLimit(mb: number): Promise<boolean>; onClear(): Promise<boolean> }) {
  const { t } = useTranslation('settings');
  const [mb, setMb] = useState(String(p.state.revocationCacheMaxMB.value));
  useEffect(() => setMb(String(p.state.revocationCacheMaxMB.value)), [p.state.revocationCacheMaxMB.value]);
  const used = p.state.revocationCache;
  return (
    <section className="card" aria-labelledby="cache-title">
      <h3 id="cache-title">{t('cache.title')}</h3>
      <p className="hint">{t('cache.hint')}</p>
      <p data-testid="cache-used" data-bytes={used.usedBytes}>
        {t('cache.used', { mb: used.usedBytes / (1024 * 1024), entries: used.entries })}
      </p>
      <form className="row" onSubmit={(e) => { e.preventDefault(); void p.onLimit(Number(mb)); }}>
        <Field label={t('cache.limit')} hint={t('cache.limitHint', { min: REVOCATION_CACHE_MB.min, max: REVOCATION_CACHE_MB.max })}>
          <Input id="setting-cache-limit" data-testid="setting-cache-limit" type="number" min={REVOCATION_CACHE_MB.min} max={REVOCATION_CACHE_MB.max} value={mb} onChange={(_, d) => setMb(d.value)} />
        </Field>
        <Button type="submit" appearance="primary" disabled={!!p.busy} data-testid="save-cache-limit">{t('common:save')}</Button>
        <Button type="button" disabled={!!p.busy || used.entries === 0} data-testid="clear-cache" onClick={() => void p.onClear()}>{t('cache.clear')}</Button>
      </form>
    </section>
  );
}
