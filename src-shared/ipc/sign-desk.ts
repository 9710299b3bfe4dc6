// Contract schemas of the sign desk beyond signing itself: what the desk needs to know about a
// document before it is signed (page boxes for placing a visible signature, the existing signature
// fields for "Ký vào ô này", the Decree 30 position proposed for each kind) and cancelling a batch.

import { z } from 'zod';
import { bytes, PDF_MAX_BYTES } from './features';

const Rect4 = z.tuple([z.number(), z.number(), z.number(), z.number()]); // x1, y1, x2, y2 (points)

export const SignInspectRequest = z.object({ data: bytes(PDF_MAX_BYTES) }).strict();

export const SignInspectResponse = z.object({
  /** Per page: the box shown (CropBox, else MediaBox) and /Rotate. */
  pages: z.array(z.object({ box: Rect4, rotate: z.number().int() })),
  /** Signature fields of the document, empty or signed, with their widget's page and rectangle. */
  fields: z.array(z.object({ name: z.string(), signed: z.boolean(), pageIndex: z.number().int().nullable(), rect: Rect4 })),
  /** Where Decree 30 puts each kind of visible signature on this document (page space). */
  proposed: z.object({
    signer: z.object({ pageIndex: z.number().int(), rect: Rect4 }),
    /** The last visible signature the seal goes over (null: none yet, the seal needs a box). */
    organisation: z.object({ pageIndex: z.number().int(), rect: Rect4, signerRect: Rect4 }).nullable(),
    /** Top right of page 1 (attachment and copy), sized for the default lines. */
    text: z.object({ pageIndex: z.literal(0), rect: Rect4 }),
  }),
});

export const SignCancelRequest = z.object({ taskId: z.string().min(1).max(64) }).strict();
export const SignCancelResponse = z.object({ cancelled: z.boolean() });
