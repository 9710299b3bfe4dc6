// Reads a PIN for the command line: VANTHU_PIN when set, else a prompt on the terminal without
// echo. Returns UTF-8 bytes the caller zero-fills after use; never prints or logs the PIN.

import { VanthuError } from '../../../src-shared/errors';

export async function readPinFromTerminal(prompt = 'PIN: ', env: NodeJS.ProcessEnv = process.env): Promise<Uint8Array> {
  if (env.VANTHU_PIN !== undefined) return new Uint8Array(Buffer.from(env.VANTHU_PIN, 'utf8'));
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    throw new VanthuError('TOKEN_PIN_REQUIRED', 'Cần mã PIN: đặt biến môi trường VANTHU_PIN hoặc chạy trong cửa sổ dòng lệnh.',
      'A PIN is required: set VANTHU_PIN or run in a terminal.');
  }
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  const bytes: number[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        for (const b of chunk) {
          if (b === 0x0d || b === 0x0a) { stdin.off('data', onData); resolve(); return; }
          if (b === 0x03) { stdin.off('data', onData); reject(new VanthuError('TOKEN_CANCELLED', 'Đã hủy nhập mã PIN.', 'PIN entry cancelled.')); return; }
          if (b === 0x7f || b === 0x08) bytes.pop(); else bytes.push(b);
        }
        chunk.fill(0);
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    process.stderr.write('\n');
  }
  const out = new Uint8Array(bytes);
  bytes.fill(0);
  return out;
}
