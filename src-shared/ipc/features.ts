// Contract schemas of the document features exposed to the renderer: signing (PKCS#12 or a
// USB token), verification reports and token management. Binary data crosses the boundary as
// base64 so the same contract works over Electron IPC and the host-mode JSON bridge.

import { z } from 'zod';
import { fileNameProblem } from '../domain/filename';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
export const base64 = (maxChars: number) => z.string().max(maxChars).regex(BASE64, 'must be base64');

/** About 100 MB of PDF, base64-encoded. */
export const PDF_B64_MAX = 140_000_000;
const IMAGE_B64_MAX = 14_000_000;

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
    signatureImageB64: base64(IMAGE_B64_MAX).optional(),
    sealImageB64: base64(IMAGE_B64_MAX).optional(),
    title: z.array(z.string().max(200)).max(6).optional(),
    fullName: z.string().max(200).optional(),
    documentNumber: z.string().max(100).optional(),
    copyForm: z.enum(['SAO Y', 'SAO LỤC', 'TRÍCH SAO']).optional(),
    copyingAgency: z.string().max(300).optional(),
  })
  .strict();

export const Credential = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('p12'), p12B64: base64(200_000), password: z.string().max(1024) }).strict(),
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
    credential: Credential,
  })
  .strict();

export const SignPdfRequest = SignOptions.extend({ name: FileName, dataB64: base64(PDF_B64_MAX) }).strict();

export const SignedFile = z.object({
  name: z.string(),
  signedB64: z.string(),
  fieldName: z.string(),
  level: z.string(),
  requestedLevel: z.string(),
  pending: z.array(z.string()),
  warnings: z.array(z.string()),
});

export const SignBatchRequest = SignOptions.extend({
  taskId: z.string().min(1).max(64),
  items: z.array(z.object({ name: FileName, dataB64: base64(PDF_B64_MAX) }).strict()).min(1).max(500),
}).strict();

const ErrorValue = z.object({ code: z.string(), message_vi: z.string(), message_en: z.string() });

export const SignBatchResponse = z.object({
  results: z.array(
    z.object({ name: z.string(), ok: z.boolean(), file: SignedFile.optional(), error: ErrorValue.optional() }),
  ),
});

// ---- verification report (mirror of src-shared/verify/report.ts, key fields checked) ----
const Finding = z.object({ code: z.string(), severity: z.enum(['error', 'warning', 'info']), message_vi: z.string(), message_en: z.string() });
const Indication = z.enum(['TOTAL_PASSED', 'INDETERMINATE', 'TOTAL_FAILED']);

export const SignatureReportSchema = z
  .object({
    field: z.string(),
    kind: z.enum(['signature', 'document-timestamp']),
    indication: Indication,
    subIndication: z.string().nullable(),
    integrity: z.enum(['intact', 'broken']),
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
  })
  .passthrough();

export const VerifyPdfRequest = z.object({ name: FileName, dataB64: base64(PDF_B64_MAX), offline: z.boolean().default(false) }).strict();

// ---- tokens ----
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
