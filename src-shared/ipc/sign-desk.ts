// Contract schemas of the sign desk beyond signing itself: what the desk needs to know about a
// document before it is signed (page boxes for placing a visible signature, the existing signature
// fields for "Ký vào ô này", the Decree 30 position proposed for each kind), cancelling a batch,
// and staging: a document inspected with `stage: true` stays on the main side (in memory, in a
// bounded area: a byte cap, a count cap, an expiry after its last use) under an id `sign.batch`
// items may name instead of carrying the bytes again, until the desk releases it (`sign.release`);
// signed files kept there too (`sign.batch` returnSigned 'staged'), fetched by id (`sign.fetch`).

import { z } from 'zod';
import { bytes, PDF_MAX_BYTES, StagedId } from './features';
import type { AppError } from '../errors';

export { StagedId };

const Rect4 = z.tuple([z.number(), z.number(), z.number(), z.number()]); // x1, y1, x2, y2 (points)

/** The typed error of a `sign.batch` item naming a staged id the main side no longer holds (released,
 * expired, evicted by the cap, or never staged): the desk sends the document's bytes instead. */
export const STAGED_UNKNOWN = 'SIGN_STAGED_UNKNOWN';

export const SignInspectRequest = z.object({
  data: bytes(PDF_MAX_BYTES),
  /** Keep the bytes on the main side for `sign.batch` (the answer's `staged`), so they cross once. */
  stage: z.boolean().optional(),
}).strict();

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
  /** When asked to stage (and the document fits the staging area): its id, size and time to live. */
  staged: z.object({ id: StagedId, size: z.number().int().nonnegative(), expiresInMs: z.number().int().positive() }).optional(),
});

/** Drop a staged document (the desk let go of the file); `released` is false when it was not held. */
export const SignReleaseRequest = z.object({ id: StagedId }).strict();
export const SignReleaseResponse = z.object({ released: z.boolean() });

/** The bytes of a staged document (a signed file sign.batch kept): an unknown id is SIGN_STAGED_UNKNOWN.
 * The copy stays held (its expiry renewed) until released, so a fetch can be made again. */
export const SignFetchRequest = z.object({ id: StagedId }).strict();
export const SignFetchResponse = z.object({ data: bytes(PDF_MAX_BYTES + 4 * 1024 * 1024) });

/** The typed error of a fetched signed file whose SHA-256 or size is not the one sign.batch gave. */
export const SIGNED_MISMATCH = 'SIGN_FETCHED_MISMATCH';
/** The typed error of a signed file that could not be saved as the document's next version. */
export const SIGNED_SAVE_FAILED = 'SIGN_SAVE_FAILED';

/**
 * What the sign desk says about a signed file it fetches by id and saves, in both languages (the
 * desk picks one at run time), with the typed errors it may show.
 */
export const signedCopyMessages = {
  mismatch: (): AppError => ({
    code: SIGNED_MISMATCH,
    message_vi: 'Bản đã ký nhận về không khớp mã băm SHA-256 của bản vừa ký: chưa dùng bản này.',
    message_en: 'The signed file received does not match the SHA-256 of the file just signed: it was not used.',
  }),
  saveFailed: (cause: { message_vi: string; message_en: string }): AppError => ({
    code: SIGNED_SAVE_FAILED,
    message_vi: `Không lưu được bản đã ký thành phiên bản mới (đã thử lại): ${cause.message_vi}. Bản đã ký vẫn được giữ, hãy thử lưu lại.`,
    message_en: `The signed file could not be saved as the next version (tried again): ${cause.message_en}. It is still kept: try saving again.`,
  }),
  saving: { message_vi: 'Đang lưu bản đã ký thành phiên bản mới…', message_en: 'Saving the signed file as the next version…' },
  saved: { message_vi: 'Đã lưu thành phiên bản mới.', message_en: 'Saved as the next version.' },
  retry: { message_vi: 'Lưu lại', message_en: 'Save again' },
  fetching: { message_vi: 'Đang lấy bản đã ký…', message_en: 'Getting the signed file…' },
} as const;

export const SignCancelRequest = z.object({ taskId: z.string().min(1).max(64) }).strict();
export const SignCancelResponse = z.object({ cancelled: z.boolean() });
