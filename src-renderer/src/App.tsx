// The application shell: which profile the desk works in (first run, the demo province, a real
// one), the demo banner, navigation between the desks (documents, signing, verifying, tokens)
// and the overview that reports which runtime serves the app.

import { useEffect, useState, type ReactElement } from 'react';
import { vanthu } from './vanthu';
import { IpcCallError } from '../../src-shared/ipc/client';
import type { Res } from '../../src-shared/ipc/contract';
import type { DemoRole } from '../../src-shared/domain/demo';
import { SignDesk, type SignTarget } from './desks/SignDesk';
import { VerifyDesk } from './desks/VerifyDesk';
import { TokensDesk } from './desks/TokensDesk';
import { DocumentsPanel } from '../features/documents';
import { openProfileStore } from '../store/profile';
import { useProfile, storeNameFor, type ProfileState } from '../shell/profile';
import { DemoBanner } from '../shell/DemoBanner';
import { FirstRun } from '../desks/first-run/FirstRun';
import { describeError } from './files';

type Info = Res<'app.info'>;

function Overview() {
  const [info, setInfo] = useState<Info | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    vanthu.app
      .info()
      .then(setInfo)
      .catch((e: unknown) => setError(e instanceof IpcCallError ? `${e.message_vi} (${e.message_en})` : String(e)));
  }, []);
  return (
    <section className="card" aria-labelledby="overview-title">
      <h2 id="overview-title">Tổng quan</h2>
      <p>
        Ứng dụng ký số, xác minh và quản lý văn bản điện tử theo Nghị định 30/2020/NĐ-CP — làm việc được cả khi không có
        mạng.
      </p>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {info && (
        <dl className="facts" data-testid="app-info">
          <dt>Phiên bản</dt>
          <dd data-testid="app-version">{info.version}</dd>
          <dt>Chế độ chạy</dt>
          <dd data-testid="app-runtime">
            {info.runtime === 'electron' ? 'Ứng dụng máy tính (Electron)' : 'Chế độ máy chủ cục bộ (host mode)'}
          </dd>
          <dt>Nền tảng</dt>
          <dd>{info.platform}</dd>
          <dt>Node.js</dt>
          <dd>{info.versions.node}</dd>
        </dl>
      )}
    </section>
  );
}

interface DeskProps {
  profile: ProfileState;
  storeName: string;
  role: DemoRole;
  /** A document handed from one desk to another (e.g. "sign this draft", "sign the latest version"). */
  toSign: SignTarget | null;
  openForSigning: (docId: string, sha256: string, fileName: string) => void;
}

const desks: { id: string; label: string; render: (p: DeskProps) => ReactElement }[] = [
  { id: 'documents', label: 'Văn bản', render: (p) => (
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
  { id: 'sign', label: 'Ký số', render: (p) => <SignDesk key={p.toSign?.docId ?? 'files'} target={p.toSign} demo={p.profile.mode === 'demo' ? p.profile.demo : null} role={p.role} /> },
  { id: 'verify', label: 'Xác minh', render: () => <VerifyDesk /> },
  { id: 'tokens', label: 'Thiết bị ký', render: () => <TokensDesk /> },
  { id: 'overview', label: 'Tổng quan', render: () => <Overview /> },
];

export function App() {
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
        <h1>Văn thư số</h1>
        <span className="subtitle">Hệ thống văn thư điện tử — ký số, xác minh, đồng bộ</span>
      </header>
      {!state && !profile.error && <main><p>Đang mở hồ sơ…</p></main>}
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
          <nav className="desks" aria-label="Chức năng">
            {desks.map((d) => (
              <button key={d.id} aria-current={d.id === current.id ? 'page' : undefined} onClick={() => setDesk(d.id)}>
                {d.label}
              </button>
            ))}
          </nav>
          <main>{current.render({ profile: state, storeName, role, toSign, openForSigning })}</main>
        </>
      )}
    </div>
  );
}
