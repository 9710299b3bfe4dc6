// Opening a PDF for verification: the file descriptor, a random-access FileSource over it and the
// parsed reader, plus the digests its signatures will need (ranges from each /ByteRange, algorithm
// guessed from the CMS). Light on purpose (no CMS or PKI code): the command line opens the file and
// starts hashing on its helper thread before the rest of the verifier is loaded.

import { closeSync, fstatSync, openSync } from 'node:fs';
import { PdfReader } from '../../../src-shared/pdf/reader';
import type { DigestName } from '../../../src-shared/verify/algorithms';
import { digestAlgorithmHint } from '../../../src-shared/verify/digest-hint';
import { finding } from '../../../src-shared/verify/messages';
import type { DocumentReport } from '../../../src-shared/verify/report';
import { FileSource } from '../pdf-io/file-source';
import { failedReport } from './jobs';

export interface OpenedPdf {
  fd: number;
  src: FileSource;
  /** The parsed document, or null when it does not parse (verifyPdf then reports why). */
  reader: PdfReader | null;
}

/** Open `file` read-only; a report instead when it cannot be opened or is not a regular file. */
export function openPdf(file: string): OpenedPdf | { failed: DocumentReport } {
  let fd: number;
  try {
    fd = openSync(file, 'r');
    if (!fstatSync(fd).isFile()) {
      closeSync(fd);
      throw new Error('not a regular file');
    }
  } catch (e) {
    const f = finding('DOC_UNPARSEABLE', 'error', { detail: e instanceof Error ? e.message : String(e) });
    return { failed: failedReport(file, 'VERIFY_FILE_UNREADABLE', f.message_vi, f.message_en) };
  }
  return { fd, src: new FileSource(fd), reader: null };
}

export function closePdf(pdf: OpenedPdf): void {
  pdf.src.close();
  try {
    closeSync(pdf.fd);
  } catch {
    /* already closed */
  }
}

/** Parse the document (the reader verifyPdf will use); null when it does not parse. */
export function readPdf(pdf: OpenedPdf): PdfReader | null {
  try {
    pdf.reader = PdfReader.open(pdf.src, { allowEncrypted: true });
  } catch {
    pdf.reader = null;
  }
  return pdf.reader;
}

/** The digests the signatures will ask for, as far as can be told without checking anything. */
export function plannedDigests(pdf: OpenedPdf): Array<{ alg: DigestName; ranges: Array<[number, number]> }> {
  const out: Array<{ alg: DigestName; ranges: Array<[number, number]> }> = [];
  if (!pdf.reader) return out;
  try {
    for (const f of pdf.reader.signatureFields()) {
      const br = f.byteRange;
      if (!br || br.length !== 4 || !f.contents || br.some((x) => !Number.isSafeInteger(x) || x < 0)) continue;
      if (br[0] !== 0 || br[1] + br[3] <= 0 || br[2] + br[3] > pdf.src.length) continue;
      out.push({ alg: digestAlgorithmHint(f.contents) ?? 'SHA-256', ranges: [[br[0], br[1]], [br[2], br[3]]] });
    }
  } catch {
    /* verifyPdf reports whatever is wrong */
  }
  return out;
}
