// The workflow event model: every step of a document's handling is one appended event with who,
// when and why. Three streams share the shape: a document's handling (`in.*`, `out.*`, `track.*`,
// and the gateway's `sys.*`), a work file (`file.*`) and a delegation (`delegation.*`); `docId`
// names the stream. State, timeline, deadlines and statistics are all derived from these events.
import { z } from 'zod';
import { DOC_TYPE_CODES } from '../domain/doctypes';
import { DO_KHAN, DO_MAT } from '../domain/levels';
import { isoDate, safeFileName, sha256Hex } from '../domain/schemas';
import { actor, party, WF_ROLES } from './roles';

/** A point in time (ISO 8601 with offset or Z). */
export const instant = z.string().max(40).refine((s) => /^\d{4}-\d{2}-\d{2}T/.test(s) && !Number.isNaN(Date.parse(s)), 'ISO 8601 time');
/** A deadline: a calendar date (end of that day, Vietnam time) or an exact time. */
export const deadline = z.union([isoDate, instant]);
const text = (max: number) => z.string().max(max);
/** A reason or result that must say something. */
const required = (max: number) => z.string().max(max).refine((s) => s.trim().length > 0, 'required');

export const fileRef = z.object({ sha256: sha256Hex, size: z.number().int().nonnegative(), fileName: safeFileName });
export type FileRef = z.infer<typeof fileRef>;
/** A new version of the document's file, on top of `parentSha256` (null for the first). */
export const versionRef = fileRef.extend({ parentSha256: sha256Hex.nullable() });
export type VersionRef = z.infer<typeof versionRef>;

const base = {
  id: z.string().min(1).max(64),
  docId: z.string().min(1).max(64),
  actor,
  at: instant,
  note: text(2000).default(''),
  /** The last event of this stream the author had seen when taking the step (offline conflict rules). */
  basis: z.string().max(64).nullable().default(null),
};

/** Metadata read off an incoming document (Decree 30 incoming register, Phụ lục VI). */
export const incomingMeta = z.object({
  typeCode: z.enum(DOC_TYPE_CODES),
  subject: z.string().min(1).max(500), // trích yếu
  senderName: text(300), // tác giả / nơi gửi
  senderOrgId: text(100).optional(),
  senderCodeNotation: text(100).default(''), // số/ký hiệu of the sender
  senderIssuedDate: isoDate.optional(), // ngày văn bản
  doMat: z.enum(DO_MAT).default('thuong'),
  doKhan: z.enum(DO_KHAN).default('thuong'),
  pageAmount: z.number().int().min(0).max(100000).optional(),
  dueDate: isoDate.optional(), // DueDate asked by the sender
});

export const outgoingMeta = z.object({
  typeCode: z.enum(DOC_TYPE_CODES),
  subject: z.string().min(1).max(500),
  doMat: z.enum(DO_MAT).default('thuong'),
  doKhan: z.enum(DO_KHAN).default('thuong'),
  unitAbbr: text(16).optional(),
});

export const receivedSource = z.discriminatedUnion('via', [
  z.object({ via: z.literal('unit'), fromOrgId: z.string().min(1).max(100), fromDocId: z.string().max(64) }),
  z.object({ via: z.literal('axis'), messageId: z.string().min(1).max(200), fromOrganId: z.string().max(100) }),
  z.object({ via: z.literal('paper'), scan: fileRef.optional() }),
]);

export const routeStep = z.object({ userId: z.string().min(1).max(100), role: z.enum(['truong_phong', 'pho_phong', 'lanh_dao']), unitId: text(100).optional() });
export type RouteStep = z.infer<typeof routeStep>;
export const REGISTERS = ['normal', 'confidential'] as const;
export const CONSULT_ANSWERS = ['dong_y', 'khong_dong_y', 'y_kien_khac'] as const;
export const CONSULT_ANSWER_LABEL = { dong_y: 'Đồng ý', khong_dong_y: 'Không đồng ý', y_kien_khac: 'Ý kiến khác' } as const;
export const REMINDER_LEVELS = ['nhac_nho', 'phe_binh', 'kiem_diem'] as const;

const ev = <K extends string, S extends z.ZodRawShape>(kind: K, shape: S) => z.object({ ...base, kind: z.literal(kind), ...shape });

// ── Incoming (văn bản đến) ──
export const inReceived = ev('in.received', { source: receivedSource, meta: incomingMeta, files: z.array(fileRef).max(50).default([]) });
export const inRegistered = ev('in.registered', {
  register: z.enum(REGISTERS), soDen: z.number().int().positive(), ngayDen: isoDate, year: z.number().int().min(2000).max(2200),
  /** Decree 30 register columns the clerk corrects while registering (tác giả, số/ký hiệu, ngày, trích yếu…). */
  fields: incomingMeta.partial().default({}),
});
export const inSubmitted = ev('in.submitted', { to: z.object({ kind: z.literal('user'), id: z.string().min(1).max(100), unitId: text(100).optional() }) });
export const inDirected = ev('in.directed', { text: required(4000) }); // bút phê
export const inAssigned = ev('in.assigned', {
  lead: party, // chủ trì (exactly one)
  assisting: z.array(party).max(100).default([]), // phối hợp
  forInfo: z.array(party).max(200).default([]), // nhận để biết
  deadline: deadline.optional(), // hạn xử lý
});
export const inForwarded = ev('in.forwarded', { to: party });
export const inReturned = ev('in.returned', { reason: required(2000) });
export const inRecalled = ev('in.recalled', { reason: text(2000).default('') });
export const inProcessingNote = ev('in.processing_note', { text: required(8000), attachments: z.array(fileRef).max(50).default([]) });
export const inCompleted = ev('in.completed', { result: required(8000), attachments: z.array(fileRef).max(50).default([]) });

// ── Outgoing (văn bản đi) ──
export const outDraftCreated = ev('out.draft_created', { meta: outgoingMeta });
export const outVersionAdded = ev('out.version_added', { version: versionRef });
export const outConsultationRequested = ev('out.consultation_requested', {
  consultationId: z.string().min(1).max(64), participants: z.array(party).min(1).max(100), deadline: deadline.optional(),
});
export const outConsultationAnswered = ev('out.consultation_answered', {
  consultationId: z.string().min(1).max(64), answer: z.enum(CONSULT_ANSWERS), text: text(8000).default(''),
});
export const outSubmitted = ev('out.submitted', { route: z.array(routeStep).min(1).max(10) });
export const outApproved = ev('out.approved', {
  /** The head version the approver read. */
  versionSha256: sha256Hex,
  /** The ký duyệt signature (a new version on top of `versionSha256`); required at the last step. */
  signature: versionRef.optional(),
});
export const outReturned = ev('out.returned', { reason: required(2000) });
export const outNumbered = ev('out.numbered', {
  register: z.enum(REGISTERS), so: z.number().int().positive(), kyHieu: z.string().min(1).max(100), year: z.number().int().min(2000).max(2200),
  /** Taken from the local counter while offline: the gateway confirms or renumbers it. */
  provisional: z.boolean().default(false),
});
export const outIssued = ev('out.issued', {
  /** The organisation's signature (ký phát hành) on top of the approved version. */
  signature: versionRef,
  /** The số printed in the signature stamp. */
  stampedSo: z.number().int().positive(),
});
export const outSent = ev('out.sent', { recipientOrgIds: z.array(z.string().min(1).max(100)).max(500).default([]), externalRecipients: z.array(text(300)).max(500).default([]) });
export const outWithdrawn = ev('out.withdrawn', { reason: required(2000) }); // thu hồi
export const outCorrected = ev('out.corrected', { reason: required(2000), correctionDocId: text(64).optional() }); // đính chính

// ── Follow-up (theo dõi) ──
export const trackReminded = ev('track.reminded', { to: z.array(party).min(1).max(100), level: z.enum(REMINDER_LEVELS).default('nhac_nho'), text: text(2000).default('') });
export const trackExtensionRequested = ev('track.extension_requested', { requestId: z.string().min(1).max(64), newDeadline: deadline, reason: required(2000) });
export const trackExtensionDecided = ev('track.extension_decided', {
  requestId: z.string().min(1).max(64), approved: z.boolean(), reason: text(2000).default(''),
  /** The deadline granted (defaults to the one asked for). */
  grantedDeadline: deadline.optional(),
});

// ── Gateway-made (authoritative side only) ──
export const sysRenumbered = ev('sys.renumbered', { fromSo: z.number().int().positive(), toSo: z.number().int().positive(), kyHieu: z.string().min(1).max(100), rule: text(200) });

export const docEventBase = z.discriminatedUnion('kind', [
  inReceived, inRegistered, inSubmitted, inDirected, inAssigned, inForwarded, inReturned, inRecalled, inProcessingNote, inCompleted,
  outDraftCreated, outVersionAdded, outConsultationRequested, outConsultationAnswered, outSubmitted, outApproved, outReturned,
  outNumbered, outIssued, outSent, outWithdrawn, outCorrected,
  trackReminded, trackExtensionRequested, trackExtensionDecided, sysRenumbered,
]);
/** An offline step the gateway could not apply as taken: kept whole, with the rule that decided. */
export const sysConflictRecorded = ev('sys.conflict_recorded', {
  original: docEventBase, code: z.string().max(64), rule: z.string().max(200),
  /** Who must be shown the conflict. */
  concerned: z.array(z.string().max(100)).max(200).default([]),
});

export const docEvent = z.discriminatedUnion('kind', [...docEventBase.options, sysConflictRecorded]);
export type DocEvent = z.infer<typeof docEvent>;
export type DocEventInput = z.input<typeof docEvent>;
export type DocEventKind = DocEvent['kind'];
export type EventOf<K extends DocEventKind> = Extract<DocEvent, { kind: K }>;

// ── Work files (hồ sơ công việc) ──
export const fileOpened = ev('file.opened', { title: z.string().min(1).max(500), code: text(100).default(''), unitId: text(100).default('') });
export const fileDocumentAdded = ev('file.document_added', { documentId: z.string().min(1).max(64) });
export const fileDocumentRemoved = ev('file.document_removed', { documentId: z.string().min(1).max(64), reason: text(2000).default('') });
export const fileClosed = ev('file.closed', {});
export const workFileEvent = z.discriminatedUnion('kind', [fileOpened, fileDocumentAdded, fileDocumentRemoved, fileClosed]);
export type WorkFileEvent = z.infer<typeof workFileEvent>;

// ── Delegation (ủy quyền) ──
export const delegationGranted = ev('delegation.granted', {
  fromUserId: z.string().min(1).max(100), fromUnitId: text(100).default(''), role: z.enum(WF_ROLES),
  toUserId: z.string().min(1).max(100), validFrom: instant, validUntil: instant,
});
export const delegationRevoked = ev('delegation.revoked', {});
export const delegationEvent = z.discriminatedUnion('kind', [delegationGranted, delegationRevoked]);
export type DelegationEvent = z.infer<typeof delegationEvent>;
