// Contract schemas of the document features exposed to the renderer: signing (PKCS#12 or a
// USB token), verification reports and token management. Binary data crosses the boundary as
// bytes (Uint8Array): structured clone over Electron IPC, binary frames over the host-mode
// bridge (src-shared/ipc/frame.ts). The schemas check sizes, never the content's characters.

import { z } from 'zod';
import { fileNameProblem } from '../domain/filename';

/** Bytes of at most `max` length. */
export const bytes = (max: number) =>
  z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'must be bytes (Uint8Array)').refine((v) => v.byteLength <= max, `must be at most ${max} bytes`);

/** The largest PDF one request may carry (the host bridge's message limit is a little more). */
export const PDF_MAX_BYTES = 150 * 1024 * 1024;
const IMAGE_MAX_BYTES = 10 * 1024 * 1024;
const CERT_MAX_BYTES = 64 * 1024;

export const FileName = z.string().superRefine((s, ctx) => {
  const p = fileNameProblem(s);
  if (p) ctx.addIssue({ code: 'custom', message: `must be a plain file name: ${p.message_en} (${p.message_vi})`, params: { code: p.code } });
});

export const Levels = z.enum(['B-B', 'B-T', 'B-LT', 'B-LTA']);

const Rect = z.tuple([z.number(), z.number(), z.number().positive(), z.number().positive()]); // x, y, w, h (points)

export const VisibleRequest = z
  .object({
    kind: z.enum(['signer', 'organisation', 'attachment', 'copy']),
    pageIndex: z.number().int().min(0).max(100_000).optional(),
    rect: Rect.optional(),
    /** Organisation (phát hành): the seal's own box, x, y, w, h (default: over the signer's image, Decree 30). */
    sealRect: Rect.optional(),
    signatureImage: bytes(IMAGE_MAX_BYTES).optional(),
    sealImage: bytes(IMAGE_MAX_BYTES).optional(),
    title: z.array(z.string().max(200)).max(6).optional(),
    fullName: z.string().max(200).optional(),
    documentNumber: z.string().max(100).optional(),
    copyForm: z.enum(['SAO Y', 'SAO LỤC', 'TRÍCH SAO']).optional(),
    copyingAgency: z.string().max(300).optional(),
  })
  .strict();

export const Credential = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('p12'), p12: bytes(150_000), password: z.string().max(1024) }).strict(),
  z.object({ kind: z.literal('token'), tokenLabel: z.string().min(1).max(64), keyId: z.string().regex(/^[0-9a-fA-F]*$/).max(256).optional() }).strict(),
  /** A demo certificate kept in the demo profile (the key never crosses IPC). */
  z.object({ kind: z.literal('demo'), holder: z.enum(['clerk', 'leader', 'specialist', 'organisation']) }).strict(),
]);

export const SignOptions = z
  .object({
    level: Levels.default('B-B'),
    tsaUrl: z.string().url().max(2000).optional(),
    reason: z.string().max(500).optional(),
    location: z.string().max(500).optional(),
    visible: VisibleRequest.optional(),
    /** Sign into this existing empty signature field ("Ký vào ô này") instead of adding one. */
    intoField: z.string().min(1).max(200).optional(),
    credential: Credential,
  })
  .strict();

export const SignPdfRequest = SignOptions.extend({ name: FileName, data: bytes(PDF_MAX_BYTES) }).strict();

export const SignedFile = z.object({
  name: z.string(),
  signed: bytes(PDF_MAX_BYTES + 4 * 1024 * 1024),
  fieldName: z.string(),
  level: z.string(),
  requestedLevel: z.string(),
  pending: z.array(z.string()),
  warnings: z.array(z.string()),
});

/** The id of a document staged on the main side by sign.inspect (random, 128 bits, base64url). */
export const StagedId = z.string().regex(/^[A-Za-z0-9_-]{22,64}$/, 'must be a staged document id');

/** A SHA-256, in lower-case hex. */
export const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 in lower-case hex');

/**
 * A signed file kept on the main side (`sign.batch` with `returnSigned: 'staged'`), in the same
 * bounded staging area as the documents sign.inspect stages: its id, size and SHA-256 instead of
 * its bytes. The bytes are fetched by id (`sign.fetch`), and the SHA-256 checked after the fetch;
 * a signed file is not evicted to make room for another document (only its expiry after its last
 * use or `sign.release` drop it), so a desk that has not saved it yet cannot lose it to the caps.
 */
export const StagedSignedFile = SignedFile.omit({ signed: true }).extend({
  staged: z.object({
    id: StagedId,
    size: z.number().int().nonnegative(),
    sha256: Sha256Hex,
    expiresInMs: z.number().int().positive(),
  }),
});

/** One document of a batch: its bytes, or a staged copy's id (an unknown id: SIGN_STAGED_UNKNOWN). */
export const SignBatchItem = z.union([
  z.object({ name: FileName, data: bytes(PDF_MAX_BYTES) }).strict(),
  z.object({ name: FileName, staged: StagedId }).strict(),
]);

export const SignBatchRequest = SignOptions.extend({
  taskId: z.string().min(1).max(64),
  /** Each document by its bytes, or by the id of a copy staged on the main side (sign.inspect `stage`). */
  items: z.array(SignBatchItem).min(1).max(500),
  /**
   * Verify each signed file on the main side before answering (its report in the result): the
   * desk shows every signature verified at once, and the signed bytes need not travel back to be
   * verified (in host mode a browser uploads to loopback at ≈ 50 MB/s: 0.4 s for 20 MB).
   */
  verify: z.object({ offline: z.boolean() }).strict().optional(),
  /**
   * How each signed file comes back: 'bytes' (the default) in the answer, or 'staged': kept on the
   * main side and named by id, size and SHA-256 (StagedSignedFile), so the answer — and what the
   * desk shows — does not wait for the signed bytes to cross (20 MB to a browser page in host
   * mode); the desk fetches them by id afterwards (`sign.fetch`) and releases the id
   * (`sign.release`). A signed file the staging area has no room for comes back as bytes.
   */
  returnSigned: z.enum(['bytes', 'staged']).optional(),
}).strict();

const ErrorValue = z.object({ code: z.string(), message_vi: z.string(), message_en: z.string() });


// ---- verification report (mirror of src-shared/verify/report.ts, key fields checked) ----
const Finding = z.object({ code: z.string(), severity: z.enum(['error', 'warning', 'info']), message_vi: z.string(), message_en: z.string() });
const Indication = z.enum(['TOTAL_PASSED', 'INDETERMINATE', 'TOTAL_FAILED']);

export const SignatureReportSchema = z
  .object({
    field: z.string(),
    kind: z.enum(['signature', 'document-timestamp']),
    indication: Indication,
    subIndication: z.string().nullable(),
    integrity: z.enum(['intact', 'broken', 'unknown']),
    coversWholeRevision: z.boolean(),
    coversWholeDocument: z.boolean(),
    modificationsAfter: z.enum(['none', 'allowed', 'disallowed']),
    changesAfter: z.array(z.object({ revision: z.number(), rule: z.string(), verdict: z.string(), message_vi: z.string(), message_en: z.string() }).passthrough()),
    signer: z.object({ commonName: z.string().nullable(), subject: z.string(), issuer: z.string(), identifiers: z.array(z.string()) }).passthrough().nullable(),
    signingTime: z.object({ claimed: z.string().nullable(), proven: z.string().nullable() }).passthrough(),
    level: z.string(),
    findings: z.array(Finding),
    summary_vi: z.string(),
    summary_en: z.string(),
    // the visual check (renderings as PNG bytes, only for pages with a difference unless all were asked for)
    visual: z
      .object({
        status: z.enum(['passed', 'difference', 'timeout', 'unavailable', 'failed']),
        dpi: z.number(),
        pages: z.array(z.object({ page: z.number(), diffPixels: z.number(), signedPng: bytes(IMAGE_MAX_BYTES).optional(), currentPng: bytes(IMAGE_MAX_BYTES).optional() }).passthrough()),
      })
      .passthrough()
      .optional(),
    // for the signature panel: the certificates (their DER in the document's certificateDers), the widget, revocation's time
    certificates: z
      .array(
        z.object({
          subject: z.string(), issuer: z.string(), commonName: z.string().nullable(), identifiers: z.array(z.string()), serialNumber: z.string(),
          notBefore: z.string(), notAfter: z.string(), keyUsage: z.array(z.string()), sha1: z.string(), sha256: z.string(), derIndex: z.number().int().min(0),
        }).passthrough(),
      )
      .max(10)
      .optional(),
    widget: z.object({ page: z.number().int().min(0), rect: z.tuple([z.number(), z.number(), z.number(), z.number()]) }).nullable().optional(),
    revocation: z.object({ status: z.enum(['good', 'revoked', 'unknown', 'not-checked']), source: z.string().nullable(), checkedAt: z.string().nullable().optional() }).passthrough().optional(),
    docMdpPermission: z.number().nullable().optional(),
    byteRange: z.array(z.number()).nullable().optional(),
    revision: z.number().optional(),
  })
  .passthrough();

export const DocumentReportSchema = z
  .object({
    file: z.string(),
    verdict: Indication,
    signatures: z.array(SignatureReportSchema),
    revisions: z.number(),
    validationTime: z.string(),
    error: ErrorValue.optional(),
    findings: z.array(Finding),
    summary_vi: z.string(),
    summary_en: z.string(),
    dss: z.object({ present: z.boolean(), revision: z.number(), certs: z.number(), crls: z.number(), ocsps: z.number() }).optional(),
    // DER of the certificates the signatures describe (signatures[].certificates[].derIndex)
    certificateDers: z.array(bytes(CERT_MAX_BYTES)).max(2000).optional(),
  })
  .passthrough();


export const SignBatchResponse = z.object({
  results: z.array(
    z.object({
      name: z.string(), ok: z.boolean(),
      /** The signed file: its bytes, or (returnSigned 'staged') its staged copy's id, size and SHA-256. */
      file: z.union([SignedFile, StagedSignedFile]).optional(),
      error: ErrorValue.optional(),
      /** The signed file's verification report, when the request asked for it. */
      report: DocumentReportSchema.optional(),
    }),
  ),
});

export const VerifyPdfRequest = z.object({
  name: FileName, data: bytes(PDF_MAX_BYTES), offline: z.boolean().default(false),
  /**
   * 'all': render the pages every later update may have affected, for every signature, and keep
   * both renderings of each page pair (the desk's "So sánh" asks for this on demand); by default
   * only pages changed in ways that can alter them are rendered, and PNGs kept only where they differ.
   */
  renderings: z.enum(['differences', 'all']).optional(),
}).strict();

// ---- tokens ----
export const PinStateSchema = z.object({ remaining: z.enum(['many', 'low', 'final', 'locked']), toBeChanged: z.boolean() });
const CertWarning = z.object({ code: z.string(), message_vi: z.string(), message_en: z.string() });
export const TokenList = z.object({
  modules: z.array(z.object({ path: z.string(), vendor: z.string().optional(), loaded: z.boolean(), reason: z.string().optional() })),
  tokens: z.array(
    z.object({
      label: z.string(),
      manufacturer: z.string(),
      model: z.string(),
      serial: z.string(),
      module: z.string(),
      pinState: z.string(),
      /** The PIN's state from the token flags: remaining tries (CKF_USER_PIN_COUNT_LOW → low, FINAL_TRY → final, LOCKED → locked). */
      pin: PinStateSchema,
      protectedAuthPath: z.boolean(),
      loggedIn: z.boolean(),
      certificates: z.array(
        z.object({
          keyId: z.string(),
          subjectCN: z.string().nullable(),
          subjectO: z.string().nullable(),
          issuerCN: z.string().nullable(),
          serialNumber: z.string(),
          notBefore: z.string(),
          notAfter: z.string(),
          validity: z.string(),
          signingCapable: z.boolean(),
          identifiers: z.object({ mst: z.string().optional(), cmnd: z.string().optional(), cccd: z.string().optional() }),
          warnings: z.array(CertWarning),
        }),
      ),
    }),
  ),
});
export const TokenLoginRequest = z.object({ tokenLabel: z.string().min(1).max(64), pin: z.string().max(64).optional() }).strict();
