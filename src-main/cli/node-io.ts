// Node edges for the CLI: the all-or-nothing output writer (temp file in the target directory,
// then rename) and a no-echo password prompt. PINs and passwords are never logged.

import { copyFile, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { VanthuError } from '../../src-shared/errors';
import { readSecretFromTerminal } from '../services/terminal-secret';

/** Read a password from the terminal without echo. Rejects when stdin is not a TTY. */
export async function promptSecret(prompt: string): Promise<string> {
  const bytes = await readSecretFromTerminal(prompt, {
    notATerminal: () =>
      new VanthuError('P12_PASSWORD_MISSING', 'Chưa có mật khẩu PKCS#12 (đặt VANTHU_P12_PASSWORD).', 'No PKCS#12 password: set VANTHU_P12_PASSWORD or run in a terminal.'),
    cancelled: () => new VanthuError('CANCELLED', 'Đã hủy.', 'Cancelled.'),
  });
  const password = new TextDecoder().decode(bytes);
  bytes.fill(0);
  return password;
}

/**
 * Write `input ++ appended` to `outPath` atomically: copy to a temp file next to the target,
 * append, rename (atomic; no fsync, which would cost ~10 ms a file in batches). On failure the temp
 * file is removed and the target is untouched. Runs on the libuv thread pool, so a batch can parse
 * the next file meanwhile.
 */
export async function writeAppendedAsync(inputPath: string, expectedSize: number, appended: Uint8Array, outPath: string): Promise<void> {
  const tmp = join(dirname(outPath), `.${basename(outPath)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  try {
    await copyFile(inputPath, tmp);
    const fh = await open(tmp, 'r+');
    try {
      if ((await fh.stat()).size !== expectedSize)
        throw new VanthuError('INPUT_CHANGED', 'Tệp đầu vào đã thay đổi trong khi ký.', 'The input file changed while it was being signed.');
      let off = 0;
      while (off < appended.length) off += (await fh.write(appended, off, appended.length - off, expectedSize + off)).bytesWritten;
    } finally {
      await fh.close();
    }
    await rename(tmp, outPath);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}
