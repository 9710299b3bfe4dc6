// Thiết bị ký (tokens): which PKCS#11 drivers loaded, which tokens are plugged in (live: insert and
// remove events, and a slow poll for drivers that report none), their certificates (signing-capable
// first, with warnings), the PIN's remaining-tries state, and unlocking with the PIN — the PIN goes
// straight to the token service and is cleared from the form — or on the reader's own PIN pad.

import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Badge, Button, Input, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow } from '@fluentui/react-components';
import { vanthu } from '../../shell/vanthu';
import { pick } from '../../i18n';
import { PinState } from '../../components/pin-dialog/PinDialog';
import type { Res } from '../../../src-shared/ipc/contract';

type Tokens = Res<'tokens.list'>;

/** Re-read the token list this often as well as on insert/remove events (SoftHSM and some drivers never report events). */
export const TOKEN_POLL_MS = 3000;

/** The token list, live. */
export function useTokens(onError?: (e: string) => void): { tokens: Tokens | null; refresh: () => void } {
  const [tokens, setTokens] = useState<Tokens | null>(null);
  const refresh = useCallback(() => {
    void vanthu.call('tokens.list', {}).then((r) => {
      if (r.ok) setTokens(r.value);
      else {
        setTokens((t) => t ?? { modules: [], tokens: [] });
        onError?.(pick(r.error));
      }
    });
  }, [onError]);
  useEffect(() => {
    refresh();
    const off1 = vanthu.on('token.inserted', refresh);
    const off2 = vanthu.on('token.removed', refresh);
    const timer = setInterval(refresh, TOKEN_POLL_MS);
    return () => {
      off1();
      off2();
      clearInterval(timer);
    };
  }, [refresh]);
  return { tokens, refresh };
}

export function TokensDesk() {
  const { t } = useTranslation('tokens');
  const [message, setMessage] = useState<string | null>(null);
  const { tokens, refresh } = useTokens(setMessage);
  // One PIN box per token, cleared as soon as the PIN has been handed to the token service.
  const [pins, setPins] = useState<Record<string, string>>({});

  async function login(label: string, pinPad = false) {
    setMessage(null);
    const pin = pinPad ? undefined : (pins[label] ?? '');
    setPins((p) => ({ ...p, [label]: '' }));
    const r = await vanthu.call('tokens.login', { tokenLabel: label, pin });
    setMessage(r.ok ? t('unlocked', { label }) : pick(r.error));
    refresh();
  }

  return (
    <section className="card" aria-labelledby="tokens-title" data-testid="tokens-desk" data-loaded={tokens ? "yes" : "no"}>
      <h2 id="tokens-title">{t('title')}</h2>
      {message && <p role="status">{message}</p>}
      {tokens && tokens.tokens.length === 0 && <p>{t('none')}</p>}
      {tokens?.tokens.map((tk) => (
        <div key={`${tk.module}:${tk.label}`} className="card">
          <h3>
            {tk.label} <small>{t('device', { manufacturer: tk.manufacturer, model: tk.model, serial: tk.serial })}</small>{' '}
            <Badge appearance="tint" color={tk.loggedIn ? 'success' : 'informative'}>{tk.loggedIn ? t('stateUnlocked') : t('stateLocked')}</Badge>
          </h3>
          <PinState remaining={tk.pin.remaining} toBeChanged={tk.pin.toBeChanged} />
          {!tk.loggedIn && !tk.protectedAuthPath && tk.pin.remaining !== 'locked' && (
            <p>
              <Input aria-label={t('pinLabel', { label: tk.label })} type="password" autoComplete="off" value={pins[tk.label] ?? ''}
                onChange={(_, d) => setPins((p) => ({ ...p, [tk.label]: d.value }))} />{' '}
              <Button appearance="primary" onClick={() => login(tk.label)}>{t('enterPin')}</Button>
            </p>
          )}
          {tk.protectedAuthPath && !tk.loggedIn && (
            <Button appearance="primary" onClick={() => login(tk.label, true)}>{t('unlockPad')}</Button>
          )}
          {tk.loggedIn && <Button onClick={async () => { await vanthu.call('tokens.logout', { tokenLabel: tk.label }); refresh(); }}>{t('lock')}</Button>}
          <Table aria-label={t('certificates', { label: tk.label })} size="small">
            <TableHeader>
              <TableRow>
                <TableHeaderCell>{t('col.subject')}</TableHeaderCell>
                <TableHeaderCell>{t('col.organisation')}</TableHeaderCell>
                <TableHeaderCell>{t('col.identifiers')}</TableHeaderCell>
                <TableHeaderCell>{t('col.validity')}</TableHeaderCell>
                <TableHeaderCell>{t('col.warnings')}</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {tk.certificates.map((c) => (
                <TableRow key={c.keyId}>
                  <TableCell>{c.subjectCN}</TableCell>
                  <TableCell>{c.subjectO}</TableCell>
                  <TableCell>{[c.identifiers.mst && `MST ${c.identifiers.mst}`, c.identifiers.cccd && `CCCD ${c.identifiers.cccd}`, c.identifiers.cmnd && `CMND ${c.identifiers.cmnd}`].filter(Boolean).join(', ')}</TableCell>
                  <TableCell>{t('validity', { from: c.notBefore.slice(0, 10), to: c.notAfter.slice(0, 10) })}</TableCell>
                  <TableCell>{c.warnings.map((w) => pick(w)).join('; ')}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      ))}
      {tokens && (
        <details>
          <summary>{t('modules', { count: tokens.modules.filter((m) => m.loaded).length })}</summary>
          <ul>
            {tokens.modules.map((m) => (
              <li key={m.path}>{m.loaded ? t('moduleLoaded', { path: m.path }) : t('moduleFailed', { path: m.path, reason: m.reason ?? '—' })}</li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
