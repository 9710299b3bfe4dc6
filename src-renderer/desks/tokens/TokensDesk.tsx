// Thiết bị ký (tokens): which PKCS#11 drivers loaded, which tokens are plugged in, their
// certificates (signing-capable first, with warnings), and unlocking with the PIN — the PIN goes
// straight to the token service and is cleared from the form.

import { useCallback, useEffect, useState } from 'react';
import { vanthu } from '../../shell/vanthu';
import { describeError } from '../../components/files';
import type { Res } from '../../../src-shared/ipc/contract';

type Tokens = Res<'tokens.list'>;

export function TokensDesk() {
  const [tokens, setTokens] = useState<Tokens | null>(null);
  // One PIN box per token, cleared as soon as the PIN has been handed to the token service.
  const [pins, setPins] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);

  const refresh = useCallback(() => {
    vanthu.tokens
      .list()
      .then(setTokens)
      .catch((e) => setMessage(describeError(e)));
  }, []);

  useEffect(() => {
    refresh();
    const off1 = vanthu.on('token.inserted', refresh);
    const off2 = vanthu.on('token.removed', refresh);
    return () => {
      off1();
      off2();
    };
  }, [refresh]);

  async function login(label: string, pinPad = false) {
    setMessage(null);
    try {
      await vanthu.tokens.login({ tokenLabel: label, pin: pinPad ? undefined : (pins[label] ?? '') });
      setMessage(`Đã mở khóa ${label}.`);
      refresh();
    } catch (e) {
      setMessage(describeError(e));
    } finally {
      setPins((p) => ({ ...p, [label]: '' }));
    }
  }

  return (
    <section className="card" aria-labelledby="tokens-title">
      <h2 id="tokens-title">Thiết bị ký số (USB token)</h2>
      {message && <p role="status">{message}</p>}
      {tokens && tokens.tokens.length === 0 && <p>Chưa thấy thiết bị ký nào. Hãy cắm USB token và cài trình điều khiển của nhà cung cấp.</p>}
      {tokens?.tokens.map((t) => (
        <div key={`${t.module}:${t.label}`} className="card">
          <h3>
            {t.label} <small>{t.manufacturer} {t.model} — số sê-ri {t.serial}</small>
          </h3>
          {!t.loggedIn && !t.protectedAuthPath && (
            <p>
              <input aria-label={`PIN ${t.label}`} type="password" autoComplete="off" value={pins[t.label] ?? ''} onChange={(e) => setPins((p) => ({ ...p, [t.label]: e.target.value }))} />{' '}
              <button className="primary" onClick={() => login(t.label)}>
                Nhập PIN
              </button>
            </p>
          )}
          {t.protectedAuthPath && !t.loggedIn && (
            <button className="primary" onClick={() => login(t.label, true)}>
              Mở khóa bằng bàn phím của thiết bị
            </button>
          )}
          <table>
            <thead>
              <tr>
                <th>Chủ thể</th>
                <th>Đơn vị</th>
                <th>Định danh</th>
                <th>Hiệu lực</th>
                <th>Cảnh báo</th>
              </tr>
            </thead>
            <tbody>
              {t.certificates.map((c) => (
                <tr key={c.keyId}>
                  <td>{c.subjectCN}</td>
                  <td>{c.subjectO}</td>
                  <td>{[c.identifiers.mst && `MST ${c.identifiers.mst}`, c.identifiers.cccd && `CCCD ${c.identifiers.cccd}`, c.identifiers.cmnd && `CMND ${c.identifiers.cmnd}`].filter(Boolean).join(', ')}</td>
                  <td>
                    {c.notBefore.slice(0, 10)} → {c.notAfter.slice(0, 10)}
                  </td>
                  <td>{c.warnings.map((w) => w.message_vi).join('; ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
      {tokens && (
        <details>
          <summary>Trình điều khiển PKCS#11 ({tokens.modules.filter((m) => m.loaded).length} đã nạp)</summary>
          <ul>
            {tokens.modules.map((m) => (
              <li key={m.path}>
                {m.path}: {m.loaded ? 'đã nạp' : `không nạp được (${m.reason ?? '—'})`}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
