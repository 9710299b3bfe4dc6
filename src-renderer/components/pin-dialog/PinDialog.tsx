// The PIN dialog of a USB token: the PIN goes straight to the token service (tokens.login) and is
// cleared from the form whatever the answer; it is never logged, stored or sent anywhere else.
// It shows the token's remaining-tries state from its flags (CKF_USER_PIN_COUNT_LOW → few tries
// left, CKF_USER_PIN_FINAL_TRY → last try, CKF_USER_PIN_LOCKED → locked: no PIN is sent), and
// for a reader with its own PIN pad (CKF_PROTECTED_AUTHENTICATION_PATH) no PIN field at all: the
// person types the PIN on the reader and the desk logs in with a null PIN.

import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import {
  Button, Dialog, DialogActions, DialogBody, DialogContent, DialogSurface, DialogTitle, Field, Input,
  MessageBar, MessageBarBody, Spinner,
} from '@fluentui/react-components';
import { vanthu } from '../../shell/vanthu';
import { pick } from '../../i18n';
import type { Res } from '../../../src-shared/ipc/contract';

export type TokenInfo = Res<'tokens.list'>['tokens'][number];
export type PinRemaining = TokenInfo['pin']['remaining'];

/** The remaining-tries line of a token (null when nothing is worth saying). */
export function PinState({ remaining, toBeChanged }: { remaining: PinRemaining; toBeChanged?: boolean }) {
  const { t } = useTranslation('pin');
  if (remaining === 'many' && !toBeChanged) return null;
  const intent = remaining === 'locked' ? 'error' : remaining === 'many' ? 'info' : 'warning';
  return (
    <MessageBar intent={intent} data-testid="pin-state" data-remaining={remaining}>
      <MessageBarBody>
        {remaining !== 'many' && t(`remaining.${remaining}`)}
        {toBeChanged && ` ${t('toBeChanged')}`}
      </MessageBarBody>
    </MessageBar>
  );
}

export interface PinDialogProps {
  token: TokenInfo;
  /** Logged in: the caller goes on (signs). */
  onUnlocked(): void;
  onCancel(): void;
}

export function PinDialog({ token, onUnlocked, onCancel }: PinDialogProps) {
  const { t } = useTranslation('pin');
  const [pin, setPin] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // the flags are read again after each failure (a wrong PIN may bring the last try or the lock)
  const [state, setState] = useState(token.pin);
  const input = useRef<HTMLInputElement>(null);
  const pad = token.protectedAuthPath;
  const locked = state.remaining === 'locked';

  useEffect(() => () => setPin(''), []);

  async function submit(e?: FormEvent) {
    e?.preventDefault();
    if (busy || locked) return;
    setBusy(true);
    setError(null);
    // the PIN leaves the form here, once
    const given = pad ? undefined : pin;
    setPin('');
    const r = await vanthu.call('tokens.login', { tokenLabel: token.label, pin: given });
    setBusy(false);
    if (r.ok) {
      onUnlocked();
      return;
    }
    setError(pick(r.error));
    const list = await vanthu.call('tokens.list', {});
    const now = list.ok ? list.value.tokens.find((x) => x.label === token.label) : undefined;
    if (now) setState(now.pin);
    input.current?.focus();
  }

  return (
    <Dialog open modalType="alert" onOpenChange={(_, d) => { if (!d.open) onCancel(); }}>
      <DialogSurface data-testid="pin-dialog" aria-describedby="pin-dialog-token">
        <form onSubmit={submit}>
          <DialogBody>
            <DialogTitle>{t('title')}</DialogTitle>
            <DialogContent>
              <p id="pin-dialog-token">{t('token', { label: token.label, manufacturer: token.manufacturer, serial: token.serial })}</p>
              <PinState remaining={state.remaining} toBeChanged={state.toBeChanged} />
              {error && (
                <MessageBar intent="error" role="alert" data-testid="pin-error">
                  <MessageBarBody>{error}</MessageBarBody>
                </MessageBar>
              )}
              {pad ? (
                <p data-testid="pin-pad">{busy ? t('padWaiting') : t('pad')}</p>
              ) : (
                !locked && (
                  <Field label={t('label')} hint={t('hint')}>
                    <Input ref={input} type="password" autoComplete="off" autoFocus value={pin} disabled={busy}
                      onChange={(_, d) => setPin(d.value)} data-testid="pin-input" />
                  </Field>
                )
              )}
              {busy && <Spinner size="tiny" label={t('checking')} />}
            </DialogContent>
            <DialogActions>
              <Button appearance="primary" type="submit" disabled={busy || locked || (!pad && pin.length === 0)} data-testid="pin-submit">
                {pad ? t('padContinue') : t('submit')}
              </Button>
              <Button appearance="secondary" onClick={onCancel} disabled={busy}>{t('cancel')}</Button>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}
