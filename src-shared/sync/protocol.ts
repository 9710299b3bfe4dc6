// Wire protocol between the client sync engine and the provincial gateway: zod schemas for every
// request and response body. Both sides validate with these, and /openapi.json is generated from them.
import { z } from 'zod';
import { documentMeta, documentSnapshot, sha256Hex, uuid, role, safeFileName } from '../domain/schemas';

export const API_PREFIX = '/v1';
/** Largest chunk the gateway accepts in one append. */
export const MAX_CHUNK_BYTES = 4 * 1024 * 1024;
/** Largest file the gateway accepts. */
export const MAX_FILE_BYTES = 200 * 1024 * 1024;
/** Largest JSON body. */
export const MAX_JSON_BYTES = 1024 * 1024;
export const MAX_INTENTS_PER_PUSH = 100;

export const errorBody = z.object({
  error: z.object({
    code: z.string(),
    message_vi: z.string(),
    message_en: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});
export type ErrorBody = z.infer<typeof errorBody>;

export const loginRequest = z.object({ username: z.string().min(1).max(100), password: z.string().min(1).max(200) });
export const userInfo = z.object({
  id: z.string(), username: z.string(), fullName: z.string(), role,
  orgId: z.string(), orgName: z.string(), orgAbbr: z.string(),
});
export type UserInfo = z.infer<typeof userInfo>;
export const loginResponse = z.object({ token: z.string(), expiresAt: z.string(), user: userInfo });
export type LoginResponse = z.infer<typeof loginResponse>;

export const orgInfo = z.object({ id: z.string(), parentId: z.string().nullable(), name: z.string(), abbr: z.string(), kind: z.string() });
export const orgsResponse = z.object({ orgs: z.array(orgInfo) });

const intentBase = { id: uuid, seq: z.number().int().positive(), createdAt: z.string().max(40), docId: uuid };

export const intent = z.discriminatedUnion('kind', [
  z.object({ ...intentBase, kind: z.literal('create_draft'), meta: documentMeta }),
  z.object({
    ...intentBase, kind: z.literal('add_version'),
    sha256: sha256Hex, size: z.number().int().nonnegative(), fileName: safeFileName,
    versionKind: z.enum(['draft', 'signature']),
    /** The head version the client worked on; null for the first version. */
    parentSha256: sha256Hex.nullable(),
  }),
  z.object({ ...intentBase, kind: z.literal('submit') }),
  z.object({ ...intentBase, kind: z.literal('change_status'), status: z.enum(['approved', 'returned', 'issued', 'archived']) }),
  /** Register an incoming document: one delivered through the system (meta omitted) or a paper one. */
  z.object({ ...intentBase, kind: z.literal('register_incoming'), meta: documentMeta.optional() }),
  z.object({ ...intentBase, kind: z.literal('mark_read') }),
]);
export type Intent = z.infer<typeof intent>;
export type IntentKind = Intent['kind'];
type DistributiveOmit<T, K extends keyof any> = T extends unknown ? Omit<T, K> : never;
/** An intent before the outbox gives it id, seq and createdAt. */
export type IntentDraft = DistributiveOmit<Intent, 'id' | 'seq' | 'createdAt'>;

export const pushRequest = z.object({ clientId: uuid, intents: z.array(intent).min(1).max(MAX_INTENTS_PER_PUSH) });
export type PushRequest = z.infer<typeof pushRequest>;

export const intentResult = z.object({
  id: uuid,
  seq: z.number().int(),
  outcome: z.enum(['applied', 'duplicate', 'rejected']),
  error: errorBody.shape.error.optional(),
  /** Server-assigned values, e.g. số / ký hiệu at issue, version number. */
  result: z.record(z.string(), z.unknown()).optional(),
});
export type IntentResult = z.infer<typeof intentResult>;
export const pushResponse = z.object({
  results: z.array(intentResult),
  /** Set when the batch stopped at a sequence gap: the next seq the gateway expects from this client. */
  expectedSeq: z.number().int().optional(),
});
export type PushResponse = z.infer<typeof pushResponse>;

export const changesResponse = z.object({
  changes: z.array(documentSnapshot),
  cursor: z.number().int().nonnegative(),
  hasMore: z.boolean(),
});
export type ChangesResponse = z.infer<typeof changesResponse>;

export const uploadStart = z.object({ sha256: sha256Hex, size: z.number().int().nonnegative().max(MAX_FILE_BYTES) });
export const uploadState = z.object({ sha256: sha256Hex, size: z.number().int(), offset: z.number().int(), complete: z.boolean() });
export type UploadState = z.infer<typeof uploadState>;

export const revokeRequest = z.object({ userId: z.string() });
