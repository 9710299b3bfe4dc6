// Binds the PAdES engine to the batch API: one function that turns a whole PDF into its signed
// form (input ++ incremental update) with a given Signer — services/signing/sign-bytes.ts with
// the options fixed for the batch.

import type { PadesServices, SignPdfOptions } from '../../../src-shared/pades/index';
import type { Signer } from '../../../src-shared/sign/signer';
import { signPdfBytes } from '../signing/sign-bytes';

export function padesFileSigner(options: SignPdfOptions = {}, services?: PadesServices) {
  return async (pdf: Uint8Array, signer: Signer): Promise<Uint8Array> => (await signPdfBytes(pdf, signer, options, services)).bytes;
}
