// First run of a real install: the province's server address (fixed and shown locked when the
// machine-wide configuration names one), sign-in, a check of the token drivers found on this
// machine, "Làm việc ngoại tuyến" (work offline for now: always possible) and, where the machine
// allows it, "Dùng thử" (the demo province). Signing in itself happens on the documents desk's
// sign-in card once the server is chosen, with the address prefilled.
import { useEffect, useState, type FormEvent } from 'react';
import { vanthu } from '../../shell/vanthu';
import { describeError } from '../../components/files';
import type { Res } from '../../../src-shared/ipc/contract';
import type { ProfileHandle, ProfileState } from '../../shell/profile';

type Tokens = Res<'tokens.list'>;

export function FirstRun(p: { state: ProfileState; profile: ProfileHandle; onDone(serverUrl: string | null): void }) {
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
    await p.profile.useServer({ offline: true });
    p.onDone(null);
  };

  const loaded = tokens?.modules.filter((m) => m.loaded) ?? [];
  return (
    <section className="card first-run" data-testid="first-run" aria-labelledby="first-run-title">
      <h2 id="first-run-title">Bắt đầu sử dụng Văn thư số</h2>
      <form onSubmit={connect}>
        <label htmlFor="fr-server">Địa chỉ máy chủ của tỉnh</label>
        <input id="fr-server" type="url" required value={url} readOnly={locked} aria-readonly={locked}
          placeholder="https://vanban.example.gov.vn" onChange={(e) => setUrl(e.target.value)} />
        {locked && <p className="hint" data-testid="server-locked">Địa chỉ do bộ phận CNTT cấu hình cho máy này, không sửa được.</p>}
        <p><button className="primary" type="submit" disabled={p.profile.busy}>Kết nối và đăng nhập</button></p>
      </form>
      {error && <p role="alert" className="error">{error}</p>}

      <h3>Thiết bị ký số (USB token)</h3>
      {tokenError && <p className="error">{tokenError}</p>}
      {!tokens && !tokenError && <p>Đang dò trình điều khiển thiết bị ký…</p>}
      {tokens && (
        <div data-testid="token-check">
          <p>
            {loaded.length > 0
              ? `Tìm thấy ${loaded.length} trình điều khiển; ${tokens.tokens.length} thiết bị ký đang cắm.`
              : 'Chưa tìm thấy trình điều khiển thiết bị ký nào trên máy này. Hãy cài phần mềm của nhà cung cấp chứng thư số (VNPT-CA, Viettel-CA, Ban Cơ yếu…), rồi cắm thiết bị.'}
          </p>
          <ul>
            {tokens.modules.map((m) => (
              <li key={m.path}>
                <code>{m.path}</code> {m.vendor ? `(${m.vendor})` : ''}: {m.loaded ? 'đã nạp' : `không nạp được${m.reason ? ` — ${m.reason}` : ''}`}
              </li>
            ))}
          </ul>
        </div>
      )}

      <h3>Hoặc</h3>
      <p>
        <button onClick={() => void offline()} disabled={p.profile.busy} data-testid="work-offline">Làm việc ngoại tuyến</button>{' '}
        <span className="hint">Ký, xác minh và soạn văn bản không cần mạng; kết nối máy chủ sau.</span>
      </p>
      {p.state.demoAllowed && (
        <p>
          <button onClick={() => void p.profile.startDemo()} disabled={p.profile.busy} data-testid="start-demo">
            {p.profile.busy ? 'Đang tạo tỉnh mẫu…' : 'Dùng thử'}
          </button>{' '}
          <span className="hint">Một tỉnh mẫu với văn bản và chứng thư số dùng thử, không cần máy chủ hay thiết bị ký.</span>
        </p>
      )}
    </section>
  );
}
