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

/** An output being prepared next to its target: see beginAppendedOutput. */
export interface PendingOutput {
  /** Check the copy has `expectedSize` bytes, append `appended`, rename into place. */
  finish(expectedSize: number, appended: Uint8Array): Promise<void>;
  /** Remove the temp file (the target is untouched). */
  abort(): Promise<void>;
}

/**
 * Start writing `input ++ appended` to `outPath` before `appended` is known: the input is copied
 * to a temp file next to the target now (by the kernel, on the libuv thread pool, while the caller
 * parses, hashes and signs), then `finish` appends and renames (atomic; no fsync, which would
 * cost ~10 ms a file in batches). On failure, or with `abort`, the temp file is removed and the
 * target is untouched.
 */
export function beginAppendedOutput(inputPath: string, outPath: string): PendingOutput {
  const tmp = join(dirname(outPath), `.${basename(outPath)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  const copied = copyFile(inputPath, tmp);
  copied.catch(() => undefined); // observed by finish/abort
  const remove = () => unlink(tmp).catch(() => undefined);
  return {
    async finish(expectedSize, appended) {
      try {
        await copied;
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
        await remove();
        throw e;
      }
    },
    async abort() {
      await copied.catch(() => undefined);
      await remove();
    },
  };
}

/** Write `input ++ appended` to `outPath` atomically (beginAppendedOutput, then finish at once). */
export async function writeAppendedAsync(inputPath: string, expectedSize: number, appended: Uint8Array, outPath: string): Promise<void> {
  await beginAppendedOutput(inputPath, outPath).finish(expectedSize, appended);
}
