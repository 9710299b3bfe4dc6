// The application shell: header, navigation between the desks (documents, signing, verifying,
// tokens) and the overview that reports which runtime serves the app.

import { useEffect, useState } from 'react';
import { vanthu } from './vanthu';
import { IpcCallError } from '../../src-shared/ipc/client';
import type { Res } from '../../src-shared/ipc/contract';
import { SignDesk } from './desks/SignDesk';
import { VerifyDesk } from './desks/VerifyDesk';
import { TokensDesk } from './desks/TokensDesk';
import { DocumentsPanel } from '../features/documents';

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

const desks = [
  { id: 'overview', label: 'Tổng quan', render: () => <Overview /> },
  { id: 'documents', label: 'Văn bản', render: () => <DocumentsPanel /> },
  { id: 'sign', label: 'Ký số', render: () => <SignDesk /> },
  { id: 'verify', label: 'Xác minh', render: () => <VerifyDesk /> },
  { id: 'tokens', label: 'Thiết bị ký', render: () => <TokensDesk /> },
] as const;

export function App() {
  const [desk, setDesk] = useState<string>('overview');
  const current = desks.find((d) => d.id === desk) ?? desks[0];
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
      <main>{current.render()}</main>
    </div>
  );
}
