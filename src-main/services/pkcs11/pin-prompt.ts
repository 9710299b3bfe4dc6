// Reads a PIN for the command line: VANTHU_PIN when set, else a prompt on the terminal without
// echo. Returns UTF-8 bytes the caller zero-fills after use; never prints or logs the PIN.

import { VanthuError } from '../../../src-shared/errors';
import { readSecretFromTerminal } from '../terminal-secret';

export async function readPinFromTerminal(prompt = 'PIN: ', env: NodeJS.ProcessEnv = process.env): Promise<Uint8Array> {
  if (env.VANTHU_PIN !== undefined) return new Uint8Array(Buffer.from(env.VANTHU_PIN, 'utf8'));
  return readSecretFromTerminal(prompt, {
    notATerminal: () =>
      new VanthuError('TOKEN_PIN_REQUIRED', 'Cần mã PIN: đặt biến môi trường VANTHU_PIN hoặc chạy trong cửa sổ dòng lệnh.',
        'A PIN is required: set VANTHU_PIN or run in a terminal.'),
    cancelled: () => new VanthuError('TOKEN_CANCELLED', 'Đã hủy nhập mã PIN.', 'PIN entry cancelled.'),
  });
}
