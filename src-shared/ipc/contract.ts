// The one typed IPC contract between the renderer and the main-process services.
// Every channel names a zod request schema and a zod response schema; every push event names
// a zod payload schema. The Electron main side, the host-mode bridge and the preload/bridge
// clients are all generated from this table, so a channel cannot exist on one side only.

import { z } from 'zod';
import { DEMO_ROLES } from '../domain/demo';
import {
  bytes,
  DocumentReportSchema,
  SignBatchRequest,
  SignBatchResponse,
  SignedFile,
  SignPdfRequest,
  TokenList,
  TokenLoginRequest,
  VerifyPdfRequest,
} from './features';
import {
  SignCancelRequest, SignCancelResponse, SignFetchRequest, SignFetchResponse, SignInspectRequest, SignInspectResponse, SignReleaseRequest, SignReleaseResponse,
} from './sign-desk';
import { AddTrustedRootRequest, RemoveTrustedRootRequest, SettingsPatch, SettingsState } from './settings';

export const AppErrorSchema = z.object({
  code: z.string(),
  message_vi: z.string(),
  message_en: z.string(),
});

/** What every invoke answers: a value or a typed error, never a thrown exception. */
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: z.infer<typeof AppErrorSchema> };

const Empty = z.object({}).strict();

export const AppInfo = z.object({
  name: z.string(),
  productName: z.string(),
  version: z.string(),
  runtime: z.enum(['electron', 'host']),
  platform: z.string(),
  versions: z.object({ node: z.string(), electron: z.string().nullable(), chrome: z.string().nullable() }),
});

const Notice = AppErrorSchema;

/** Which profile the desk works in: none chosen yet (first run), the demo province, or a real one. */
export const ProfileState = z.object({
  mode: z.enum(['new', 'demo', 'real']),
  /** Whether "Dùng thử" may be offered (machine policy can forbid it). */
  demoAllowed: z.boolean(),
  /** Things the person should be told once (a rebuilt demo, another port chosen…). */
  notices: z.array(Notice),
  /** The provincial server of a real profile; `locked` when the machine-wide configuration fixes it. */
  server: z.object({ url: z.string().nullable(), locked: z.boolean() }),
  demo: z
    .object({
      /** Changes when the demo data is rebuilt or reset: local stores are keyed on it. */
      generation: z.string(),
      gatewayUrl: z.string(),
      unitName: z.string(),
      /** Demo-only sign-in password of every demo user (shown on the demo desk). */
      password: z.string(),
      users: z.array(z.object({ role: z.enum(DEMO_ROLES), username: z.string(), fullName: z.string(), title: z.string() })),
      token: z.object({ label: z.string(), pin: z.string(), holder: z.enum(DEMO_ROLES) }).nullable(),
      /** Where each sample's signer image goes, by the SHA-256 of its current version. */
      signatureBoxes: z.record(z.string(), z.object({ page: z.number().int(), rect: z.tuple([z.number(), z.number(), z.number(), z.number()]) })),
    })
    .nullable(),
});

/** Request/response pairs, by channel name ("namespace.method"). */
export const channels = {
  'app.info': { request: Empty, response: AppInfo },
  'app.echo': {
    // A diagnostic round trip: proves payload validation on both directions.
    request: z.object({ text: z.string().max(10_000) }).strict(),
    response: z.object({ text: z.string(), receivedAt: z.string() }),
  },
  'app.lock': { request: Empty, response: z.object({ locked: z.boolean() }) },
  'secrets.wrapKey': {
    request: z.object({ key: bytes(4096) }).strict(),
    response: z.object({ wrapped: bytes(8192), protection: z.enum(['os', 'file']) }),
  },
  'secrets.unwrapKey': {
    request: z.object({ wrapped: bytes(8192) }).strict(),
    response: z.object({ key: bytes(4096) }),
  },
  'profile.state': { request: Empty, response: ProfileState },
  /** Enter the demo profile ("Dùng thử"), making it if needed. */
  'profile.startDemo': { request: Empty, response: ProfileState },
  /** "Làm lại dữ liệu mẫu": the demo made afresh. */
  'profile.resetDemo': { request: Empty, response: ProfileState },
  /** "Kết nối máy chủ thật": leave the demo for the first-run screen. */
  'profile.leaveDemo': { request: Empty, response: ProfileState },
  /** First run of a real profile: the province's server (unless fixed by the machine), or offline for now. */
  'profile.useServer': {
    request: z.object({ gatewayUrl: z.string().url().max(2000).optional(), offline: z.boolean().optional() }).strict(),
    response: ProfileState,
  },
  /** The settings desk: the active profile's own settings, each with whether the machine (or the demo) fixes it. */
  'settings.get': { request: Empty, response: SettingsState },
  'settings.set': { request: SettingsPatch, response: SettingsState },
  'settings.addTrustedRoot': { request: AddTrustedRootRequest, response: SettingsState },
  'settings.removeTrustedRoot': { request: RemoveTrustedRootRequest, response: SettingsState },
  'settings.clearRevocationCache': { request: Empty, response: SettingsState },
  'sign.pdf': { request: SignPdfRequest, response: SignedFile },
  'sign.batch': { request: SignBatchRequest, response: SignBatchResponse },
  /** Page boxes, signature fields and the Decree 30 positions of a document about to be signed. */
  'sign.inspect': { request: SignInspectRequest, response: SignInspectResponse },
  /** Drop a staged document (by `sign.inspect` `stage: true`, or a signed file `sign.batch` kept): the desk is done with it. */
  'sign.release': { request: SignReleaseRequest, response: SignReleaseResponse },
  /** The bytes of a signed file `sign.batch` kept on the main side (`returnSigned: 'staged'`), by its id. */
  'sign.fetch': { request: SignFetchRequest, response: SignFetchResponse },
  /** Stop a running `sign.batch` before its next document (the ones not started are reported cancelled). */
  'sign.cancel': { request: SignCancelRequest, response: SignCancelResponse },
  'verify.pdf': { request: VerifyPdfRequest, response: DocumentReportSchema },
  'tokens.list': { request: Empty, response: TokenList },
  'tokens.login': { request: TokenLoginRequest, response: z.object({ loggedIn: z.boolean() }) },
  'tokens.logout': {
    request: z.object({ tokenLabel: z.string().max(64).optional() }).strict(),
    response: z.object({ loggedOut: z.number().int() }),
  },
} as const;

/** Push events from main to renderer. */
export const events = {
  'progress': z.object({
    taskId: z.string(),
    done: z.number().int().nonnegative(),
    total: z.number().int().nonnegative(),
    item: z.string().optional(),
    status: z.enum(['running', 'ok', 'failed', 'cancelled']).optional(),
  }),
  'token.inserted': z.object({ slotId: z.string(), label: z.string() }),
  'token.removed': z.object({ slotId: z.string(), label: z.string().optional() }),
  'sync.state': z.object({
    state: z.enum(['idle', 'syncing', 'offline', 'error']),
    pending: z.number().int().nonnegative(),
    message: z.string().optional(),
  }),
} as const;

export type Channels = typeof channels;
export type ChannelName = keyof Channels;
export type Req<C extends ChannelName> = z.input<Channels[C]['request']>;
export type Res<C extends ChannelName> = z.output<Channels[C]['response']>;
export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

export const channelNames = Object.keys(channels) as ChannelName[];
export const eventNames = Object.keys(events) as EventName[];

/** Electron IPC channel ids are prefixed so nothing else on ipcMain can be reached by accident. */
export const IPC_PREFIX = 'vanthu:';
export const EVENT_PREFIX = 'vanthu-event:';

export function isChannelName(v: unknown): v is ChannelName {
  return typeof v === 'string' && Object.prototype.hasOwnProperty.call(channels, v);
}
