// Batch signing with one login: files are signed one after another; each output is written to a
// temporary file next to it and renamed into place, so no partial file ever exists. When the
// token goes away (removed, driver hung or crashed, PIN locked, session lost) the batch stops:
// files already signed are kept and reported, the rest are reported unsigned.

import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type AppError, toAppError } from '../../../src-shared/errors';
import type { Signer } from '../../../src-shared/sign/signer';

export interface BatchFile { input: string; output: string }

export interface BatchOptions {
  signer: Signer;
  /** Sign one document (the PAdES engine's signPdf bound to its options). */
  signFile: (pdf: Uint8Array, signer: Signer, file: BatchFile) => Promise<Uint8Array>;
  /** Stop before the next file when aborted. */
  signal?: AbortSignal;
}

export interface BatchProgress {
  index: number;
  total: number;
  file: BatchFile;
  status: 'signing' | 'signed' | 'failed' | 'stopped';
  error?: AppError;
}

export interface BatchResult {
  signed: BatchFile[];
  /** Files that failed on their own (e.g. unreadable PDF); the batch went on. */
  failed: { file: BatchFile; error: AppError }[];
  /** Files not attempted because the batch stopped. */
  unsigned: BatchFile[];
  /** Why the batch stopped early, if it did. */
  stopped?: AppError;
}

/** Errors after which no further file can be signed with this token session. */
const STOPPING = new Set(['TOKEN_REMOVED', 'TOKEN_TIMEOUT', 'TOKEN_DRIVER_CRASHED', 'TOKEN_PIN_LOCKED', 'TOKEN_NOT_LOGGED_IN', 'TOKEN_CANCELLED']);

/** True for error codes after which a batch must stop (token gone, hung, locked, logged out). */
export function batchStopping(code: string): boolean {
  return STOPPING.has(code);
}

async function writeAtomically(target: string, bytes: Uint8Array): Promise<void> {
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.part`);
  try {
    await writeFile(tmp, bytes, { flag: 'wx' });
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

export async function signBatch(
  files: BatchFile[],
  options: BatchOptions,
  onProgress?: (p: BatchProgress) => void,
): Promise<BatchResult> {
  const result: BatchResult = { signed: [], failed: [], unsigned: [] };
  const total = files.length;
  for (let i = 0; i < files.length; i++) {
    const file = files[i];
    if (options.signal?.aborted) {
      result.stopped = { code: 'BATCH_CANCELLED', message_vi: 'Người dùng đã dừng ký hàng loạt.', message_en: 'Batch signing was stopped by the user.' };
      result.unsigned.push(...files.slice(i));
      break;
    }
    onProgress?.({ index: i, total, file, status: 'signing' });
    try {
      const input = new Uint8Array(await readFile(file.input));
      const signed = await options.signFile(input, options.signer, file);
      await writeAtomically(file.output, signed);
      result.signed.push(file);
      onProgress?.({ index: i, total, file, status: 'signed' });
    } catch (e) {
      const err = toAppError(e);
      if (STOPPING.has(err.code)) {
        result.stopped = err;
        result.unsigned.push(...files.slice(i));
        onProgress?.({ index: i, total, file, status: 'stopped', error: err });
        break;
      }
      result.failed.push({ file, error: err });
      onProgress?.({ index: i, total, file, status: 'failed', error: err });
    }
  }
  return result;
}
