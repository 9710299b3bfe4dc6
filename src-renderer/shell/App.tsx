// The application shell: which profile the desk works in (first run, the demo province, a real
// one), the demo banner, navigation between the desks (documents, signing, verifying, tokens)
// and the overview that reports which runtime serves the app.

import { useState, type ReactElement } from 'react';
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
import { describeError } from '../components/files';
import { Overview } from '../desks/overview/Overview';
import { LanguageSwitch } from './LanguageSwitch';

interface DeskProps {
  profile: ProfileState;
  storeName: string;
  role: DemoRole;
  /** A document handed from one desk to another (e.g. "sign this draft", "sign the latest version"). */
  toSign: SignTarget | null;
  openForSigning: (docId: string, sha256: string, fileName: string) => void;
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
    />
  ) },
  { id: 'sign', render: (p) => <SignDesk key={p.toSign?.docId ?? 'files'} target={p.toSign} demo={p.profile.mode === 'demo' ? p.profile.demo : null} role={p.role} /> },
  { id: 'verify', render: () => <VerifyDesk /> },
  { id: 'tokens', render: () => <TokensDesk /> },
  { id: 'overview', render: () => <Overview /> },
];

export function App() {
  const { t } = useTranslation('shell');
  const profile = useProfile();
  const [desk, setDesk] = useState<string>('documents');
  const [role, setRole] = useState<DemoRole>('clerk');
  const [toSign, setToSign] = useState<SignTarget | null>(null);
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
          <p role="alert" className="error">{describeError(profile.error)}</p>
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
            {desks.map((d) => (
              <button key={d.id} aria-current={d.id === current.id ? 'page' : undefined} onClick={() => setDesk(d.id)}>
                {t(`desks.${d.id}`)}
              </button>
            ))}
          </nav>
          <main>{current.render({ profile: state, storeName, role, toSign, openForSigning })}</main>
        </>
      )}
    </div>
  );
}
