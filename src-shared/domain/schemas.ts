// Zod schemas of the Decree 30 document metadata (Phụ lục VI tags in brackets), shared by the
// client store, the sync protocol and the gateway.
import { z } from 'zod';
import { DOC_TYPE_CODES } from './doctypes';
import { DO_KHAN, DO_MAT, DOC_STATUSES, ROLES } from './levels';
import { fileNameProblem } from './filename';

/** Calendar date as YYYY-MM-DD. */
export const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
export const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'sha256 hex');
export const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'uuid');

/** A file name as the user sees it, checked by the one shared rule (see ./filename). */
export const safeFileName = z.string().superRefine((s, ctx) => {
  const p = fileNameProblem(s);
  if (p) ctx.addIssue({ code: 'custom', message: `${p.message_en} (${p.message_vi})`, params: { code: p.code } });
});

export const signerInfo = z.object({
  fullName: z.string().max(200), // SignerInfo/FullName
  position: z.string().max(200), // SignerInfo/Position (chức vụ)
  authority: z.enum(['', 'TM.', 'Q.', 'KT.', 'TL.', 'TUQ.']).default(''),
});

/** Metadata the author edits; số / ký hiệu / ngày ban hành are assigned by the gateway at issue. */
export const documentMeta = z.object({
  direction: z.enum(['out', 'in']).default('out'),
  typeCode: z.enum(DOC_TYPE_CODES), // tên loại
  subject: z.string().min(1).max(500), // trích yếu (Subject ≤ 500)
  organName: z.string().max(300).default(''), // cơ quan ban hành (OrganName)
  unitAbbr: z.string().max(16).optional(), // đơn vị soạn thảo (for Công văn ký hiệu)
  signer: signerInfo.optional(), // người ký, chức vụ
  doMat: z.enum(DO_MAT).default('thuong'),
  doKhan: z.enum(DO_KHAN).default('thuong'),
  recipients: z.array(z.string().max(300)).max(200).default([]), // nơi nhận (To)
  recipientOrgIds: z.array(z.string().max(64)).max(200).default([]), // recipients inside the system
  dueDate: isoDate.optional(), // hạn xử lý (DueDate)
  pageAmount: z.number().int().min(0).max(100000).optional(), // số trang
  // For incoming paper documents registered by the clerk:
  senderName: z.string().max(300).optional(), // tác giả / nơi gửi
  senderCodeNotation: z.string().max(100).optional(), // số/ký hiệu of the sender
  senderIssuedDate: isoDate.optional(),
});
export type DocumentMeta = z.infer<typeof documentMeta>;
export type DocumentMetaInput = z.input<typeof documentMeta>;

/** Values the gateway assigns. */
export const issueInfo = z.object({
  so: z.number().int().positive(), // CodeNumber
  kyHieu: z.string(), // CodeNotation
  soKyHieu: z.string(),
  issuedDate: isoDate, // IssuedDate (ngày ban hành)
  register: z.enum(['normal', 'confidential']),
  year: z.number().int(),
});
export type IssueInfo = z.infer<typeof issueInfo>;

export const incomingInfo = z.object({
  soDen: z.number().int().positive(), // ArrivalNumber
  ngayDen: isoDate, // ArrivalDate
  register: z.enum(['normal', 'confidential']),
  year: z.number().int(),
});
export type IncomingInfo = z.infer<typeof incomingInfo>;

export const versionInfo = z.object({
  no: z.number().int().positive(),
  sha256: sha256Hex,
  size: z.number().int().nonnegative(),
  fileName: safeFileName,
  kind: z.enum(['draft', 'signature']),
  parentSha256: sha256Hex.nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
});
export type VersionInfo = z.infer<typeof versionInfo>;

export const documentSnapshot = z.object({
  id: uuid,
  ownerOrgId: z.string(),
  status: z.enum(DOC_STATUSES),
  meta: documentMeta,
  issue: issueInfo.nullable(),
  incoming: incomingInfo.nullable(),
  versions: z.array(versionInfo),
  readBy: z.array(z.string()),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type DocumentSnapshot = z.infer<typeof documentSnapshot>;

export const role = z.enum(ROLES);
