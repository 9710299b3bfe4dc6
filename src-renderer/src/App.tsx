// The application shell: header, navigation between the desks (documents, signing, verifying,
// tokens) and the overview that reports which runtime serves the app.

import { useEffect, useState, type ReactElement } from 'react';
import { vanthu } from './vanthu';
import { IpcCallError } from '../../src-shared/ipc/client';
import type { Res } from '../../src-shared/ipc/contract';
import { SignDesk } from './desks/SignDesk';
import { VerifyDesk } from './desks/VerifyDesk';
import { TokensDesk } from './desks/TokensDesk';
import { DocumentsPanel } from '../features/documents';
import { openProfileStore } from '../store/profile';

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
  /** Files handed from one desk to another (e.g. "sign the latest version" after a conflict). */
  toSign: File[];
  signLatest: (docId: string, sha256: string) => void;
}

const desks: { id: string; label: string; render: (p: DeskProps) => ReactElement }[] = [
  { id: 'overview', label: 'Tổng quan', render: () => <Overview /> },
  { id: 'documents', label: 'Văn bản', render: (p) => <DocumentsPanel onSignLatest={p.signLatest} /> },
  { id: 'sign', label: 'Ký số', render: (p) => <SignDesk initialFiles={p.toSign} /> },
  { id: 'verify', label: 'Xác minh', render: () => <VerifyDesk /> },
  { id: 'tokens', label: 'Thiết bị ký', render: () => <TokensDesk /> },
];

export function App() {
  const [desk, setDesk] = useState<string>('overview');
  const current = desks.find((d) => d.id === desk) ?? desks[0];
  const [toSign, setToSign] = useState<File[]>([]);
  const signLatest = (docId: string, sha256: string) => {
    // A conflict: someone signed a newer version. Open that version on the signing desk.
    void openProfileStore('default')
      .then(({ store }) => store.readFile(sha256))
      .then((bytes) => {
        if (!bytes) return;
        setToSign([new File([bytes.slice()], `${docId}-${sha256.slice(0, 8)}.pdf`, { type: 'application/pdf' })]);
        setDesk('sign');
      });
  };
  return (
    <div className="shell">
      <header className="topbar">
        <h1>Văn thư số</h1>
        <span className="subtitle">Hệ thống văn thư điện tử — ký số, xác minh, đồng bộ</span>
      </header>
      <nav className="desks" aria-label="Chức năng">
        {desks.map((d) => (
          <button key={d.id} aria-current={d.id === current.id ? 'page' : undefined} onClick={() => setDesk(d.id)}>
            {d.label}
          </button>
        ))}
      </nav>
      <main>{current.render({ toSign, signLatest })}</main>
    </div>
  );
}
