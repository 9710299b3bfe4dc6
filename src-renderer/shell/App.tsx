// The application shell: which profile the desk works in (first run, the demo province, a real
// one), the demo banner, navigation between the desks (documents, signing, verifying, tokens)
// and the overview that reports which runtime serves the app. Alt+1…Alt+6 switch desks (shown in
// each button's title); the language chosen in the profile's settings is applied at start.

import { useEffect, useState, type ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import type { DemoRole } from '../../src-shared/domain/demo';
import { SignDesk, type SignTarget } from '../desks/sign/SignDesk';
import { VerifyDesk } from '../desks/verify/VerifyDesk';
import { TokensDesk } from '../desks/tokens/TokensDesk';
import { DocumentsPanel } from '../desks/documents';
import { openProfileStore } from '../store/profile';
import { useProfile, storeNameFor, type ProfileState } from './profile';
import { DemoBanner } from './DemoBanner';
import { FirstRun } from '../desks/first-run/FirstRun';
import { SettingsDesk } from '../desks/settings/SettingsDesk';
import { pick } from '../i18n';
import { isAppError } from '../../src-shared/errors';
import { Overview } from '../desks/overview/Overview';
import { LanguageSwitch } from './LanguageSwitch';
import { vanthu } from './vanthu';

interface DeskProps {
  profile: ProfileState;
  storeName: string;
  role: DemoRole;
  /** A document handed from one desk to another (e.g. "sign this draft", "sign the latest version"). */
  toSign: SignTarget | null;
  openForSigning: (docId: string, sha256: string, fileName: string) => void;
  /** A document handed to the verify desk (viewer + signature panel), from the local store. */
  toView: { key: string; name: string; bytes: Uint8Array } | null;
  openForViewing: (docId: string, sha256: string, fileName: string) => void;
  /** Read the profile again (the settings desk changed the server, say). */
  refreshProfile: () => void;
}

const desks: { id: string; render: (p: DeskProps) => ReactElement }[] = [
  { id: 'documents', render: (p) => (
    <DocumentsPanel
      key={p.storeName}
      profile={p.storeName}
      autoSignIn={p.profile.mode === 'demo' && p.profile.demo
        ? { url: p.profile.demo.gatewayUrl, username: p.profile.demo.users.find((u) => u.role === p.role)!.username, password: p.profile.demo.password }
        : undefined}
      serverUrl={p.profile.server.url ?? undefined}
      serverLocked={p.profile.server.locked}
      onSignLatest={p.openForSigning}
      onOpen={p.openForViewing}
    />
  ) },
  { id: 'sign', render: (p) => <SignDesk key={p.toSign?.docId ?? 'files'} target={p.toSign} demo={p.profile.mode === 'demo' ? p.profile.demo : null} role={p.role} /> },
  { id: 'verify', render: (p) => <VerifyDesk key={p.toView?.key ?? 'files'} document={p.toView} /> },
  { id: 'tokens', render: () => <TokensDesk /> },
  { id: 'settings', render: (p) => <SettingsDesk onChanged={p.refreshProfile} /> },
  { id: 'overview', render: () => <Overview /> },
];

export function App() {
  const { t, i18n } = useTranslation('shell');
  const profile = useProfile();
  const [desk, setDesk] = useState<string>('documents');
  const [role, setRole] = useState<DemoRole>('clerk');
  const [toSign, setToSign] = useState<SignTarget | null>(null);
  const [toView, setToView] = useState<DeskProps['toView']>(null);
  const state = profile.state;
  const storeName = state ? storeNameFor(state, role) : 'default';

  const openForSigning = (docId: string, sha256: string, fileName: string) => {
    void openProfileStore(storeName)
      .then(async ({ store }) => ({ bytes: await store.readFile(sha256), doc: await store.db.documents.get(docId), store }))
      .then(({ bytes, doc, store }) => {
        if (!bytes) return;
        const file = new File([bytes.slice()], fileName, { type: 'application/pdf' });
        setToSign({
          docId, parentSha256: sha256, file, status: doc?.status,
          save: async (signed, name) => { await store.addVersion(docId, { bytes: signed, fileName: name }, 'signature', sha256); },
        });
        setDesk('sign');
      });
  };

  const openForViewing = (docId: string, sha256: string, fileName: string) => {
    void openProfileStore(storeName)
      .then(({ store }) => store.readFile(sha256))
      .then((bytes) => {
        if (!bytes) return;
        setToView({ key: `${docId}:${sha256}`, name: fileName, bytes: bytes.slice() });
        setDesk('verify');
      });
  };

  // The profile's language (settings.json) wins over this browser's last choice: a new launch
  // address in host mode is another origin, with its own localStorage.
  useEffect(() => {
    if (!state || state.mode === 'new') return;
    vanthu.settings.get().then((s) => {
      if (s.language.value && s.language.value !== i18n.language) void i18n.changeLanguage(s.language.value);
    }, () => undefined);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [state?.mode]);

  // Alt+1 … Alt+6: the desks in the order of the navigation.
  const navigable = !!state && state.mode !== 'new';
  useEffect(() => {
    if (!navigable) return;
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
      const n = /^Digit([1-9])$/.exec(e.code)?.[1];
      const target = n ? desks[Number(n) - 1] : undefined;
      if (!target) return;
      e.preventDefault();
      setDesk(target.id);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [navigable]);

  const current = desks.find((d) => d.id === desk) ?? desks[0];
  return (
    <div className="shell">
      <header className="topbar">
        <h1>{t('common:appName')}</h1>
        <span className="subtitle">{t('common:tagline')}</span>
        <LanguageSwitch />
      </header>
      {!state && !profile.error && <main><p>{t('common:openingProfile')}</p></main>}
      {profile.error !== null && (
        <main>
          <p role="alert" className="error">{isAppError(profile.error) ? pick(profile.error) : t('profileError', { detail: String((profile.error as Error)?.message ?? profile.error) })}</p>
        </main>
      )}
      {state?.mode === 'new' && (
        <main>
          <FirstRun state={state} profile={profile} onDone={(url) => {
            // The server's origin enters the page's CSP with the next load of the page.
            if (url && !/^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?(\/|$)/.test(url)) location.reload();
            else setDesk('documents');
          }} />
        </main>
      )}
      {state && state.mode !== 'new' && (
        <>
          {state.mode === 'demo' && <DemoBanner state={state} profile={profile} role={role} onRole={(r) => { setRole(r); setToSign(null); }} />}
          <nav className="desks" aria-label={t('navLabel')}>
            {desks.map((d, i) => (
              <button key={d.id} type="button" aria-current={d.id === current.id ? 'page' : undefined} onClick={() => setDesk(d.id)}
                title={t('deskShortcut', { name: t(`desks.${d.id}`), n: i + 1 })} aria-keyshortcuts={`Alt+${i + 1}`} data-desk={d.id}>
                {t(`desks.${d.id}`)}
              </button>
            ))}
          </nav>
          <main id="main">{current.render({ profile: state, storeName, role, toSign, openForSigning, toView, openForViewing, refreshProfile: () => void profile.refresh() })}</main>
        </>
      )}
    </div>
  );
}
