// Signing one PDF file for `vanthu sign` (main thread and worker threads alike): the file is read
// through a FileSource (never loaded whole), signed by signPdf, and written as input ++ update to
// a temp file renamed into place (the copy starts when the file is opened). Never throws: the error
// goes into the result.

import { statSync } from 'node:fs';
import { toAppError, VanthuError, type AppError } from '../../src-shared/errors';
import { signPdf, type PadesLevel, type SignPdfOptions } from '../../src-shared/pades/sign';
import type { PadesServices } from '../../src-shared/pades/services';
import type { Signer } from '../../src-shared/sign/signer';
import { FileSource } from '../services/pdf-io/file-source';
import { beginAppendedOutput, type PendingOutput } from './node-io';

export interface FileResult {
  input: string;
  output?: string;
  ok: boolean;
  /** Not signed because the batch stopped (token removed, hung, locked) at or before this file. */
  unsigned?: boolean;
  fieldName?: string;
  level?: PadesLevel;
  requestedLevel?: PadesLevel;
  pending?: string[];
  warnings?: string[];
  error?: AppError;
}

/** Sign one file; never throws (the error goes into the result). */
export async function signOneFile(input: string, output: string, signer: Signer, opts: SignPdfOptions, services: PadesServices): Promise<FileResult> {
  let src: FileSource | undefined;
  let out: PendingOutput | undefined;
  try {
    try {
      if (!statSync(input).isFile()) throw new Error('not a file');
      src = FileSource.open(input);
    } catch {
      throw new VanthuError('FILE_UNREADABLE', `Không đọc được tệp: ${input}`, `Cannot read the file: ${input}`);
    }
    // the kernel copies the input next to the output while the file is parsed, hashed and signed
    out = beginAppendedOutput(input, output);
    const res = await signPdf(src, signer, opts, services);
    const pending = out;
    out = undefined;
    await pending.finish(src.length, res.appended);
    return { input, output, ok: true, fieldName: res.fieldName, level: res.level, requestedLevel: res.requestedLevel, pending: res.pending, warnings: res.warnings };
  } catch (e) {
    await out?.abort();
    return { input, ok: false, error: toAppError(e) };
  } finally {
    src?.close();
  }
}
