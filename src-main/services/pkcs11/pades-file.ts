// Binds the PAdES engine (src-shared/pades signPdf) to the batch API: one function that turns a
// whole PDF into its signed form (input ++ incremental update) with a given Signer.

import { BytesSource } from '../../../src-shared/pdf/bytesource';
import { defaultPadesServices, signPdf, type PadesServices, type SignPdfOptions } from '../../../src-shared/pades/index';
import type { Signer } from '../../../src-shared/sign/signer';

export function padesFileSigner(options: SignPdfOptions = {}, services: PadesServices = defaultPadesServices()) {
  return async (pdf: Uint8Array, signer: Signer): Promise<Uint8Array> => {
    const res = await signPdf(new BytesSource(pdf), signer, options, services);
    const out = new Uint8Array(pdf.length + res.appended.length);
    out.set(pdf, 0);
    out.set(res.appended, pdf.length);
    return out;
  };
}
