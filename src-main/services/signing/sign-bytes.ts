// Sign a PDF held in memory: the PAdES engine (signPdf over a ByteSource) plus the concatenation
// output = input ++ incremental update. The one in-memory wrapper of signPdf, used by the IPC
// signing service (sign-documents.ts) and the token batch signer (pkcs11/pades-file.ts). The CLI
// signs files without loading them (FileSource) and appends on disk instead.

import { BytesSource } from '../../../src-shared/pdf/bytesource';
import { signPdf, type SignPdfOptions, type SignPdfResult } from '../../../src-shared/pades/sign';
import type { PadesServices } from '../../../src-shared/pades/services';
import type { Signer } from '../../../src-shared/sign/signer';
import { concatBytes } from '../../../src-shared/crypto/bytes';
import { nodePadesServices } from './node-services';

export async function signPdfBytes(pdf: Uint8Array, signer: Signer, options: SignPdfOptions = {}, services: PadesServices = nodePadesServices()): Promise<{ bytes: Uint8Array; result: SignPdfResult }> {
  const result = await signPdf(new BytesSource(pdf), signer, options, services);
  return { bytes: concatBytes(pdf, result.appended), result };
}
