// The main-side IPC router: the single place where a channel call from the renderer is checked
// (trusted sender, known channel, valid payload), handed to its service, and answered as a typed
// result. Plain Node: Electron's ipcMain and the host-mode WebSocket bridge both call `dispatch`.

import {
  channels,
  isChannelName,
  type ChannelName,
  type IpcResult,
  type Req,
  type Res,
} from '../../../src-shared/ipc/contract';
import { toAppError, VanthuError, type AppError } from '../../../src-shared/errors';

export type Handler<C extends ChannelName> = (req: Req<C>, ctx: CallContext) => Promise<Res<C>> | Res<C>;
export type Handlers = { [C in ChannelName]: Handler<C> };

/** Who is calling, as established by the transport (Electron frame check or host secret). */
export interface CallContext {
  trusted: boolean;
  /** A short description for logs: never payload contents. */
  origin: string;
}

export interface RouterLog {
  warn(msg: string, fields?: Record<string, unknown>): void;
}

export const ipcErrors = {
  forbidden: (): AppError => ({
    code: 'IPC_FORBIDDEN_SENDER',
    message_vi: 'Yêu cầu bị từ chối: nguồn gửi không được tin cậy.',
    message_en: 'Request refused: the sender is not trusted.',
  }),
  unknownChannel: (ch: string): AppError => ({
    code: 'IPC_UNKNOWN_CHANNEL',
    message_vi: `Kênh IPC không tồn tại: ${ch.slice(0, 64)}`,
    message_en: `Unknown IPC channel: ${ch.slice(0, 64)}`,
  }),
  invalidPayload: (ch: string, issues: string): AppError => ({
    code: 'IPC_INVALID_PAYLOAD',
    message_vi: `Dữ liệu gửi tới kênh ${ch} không hợp lệ: ${issues}`,
    message_en: `Invalid payload for channel ${ch}: ${issues}`,
  }),
  invalidResponse: (ch: string): AppError => ({
    code: 'IPC_INVALID_RESPONSE',
    message_vi: `Dịch vụ trả về dữ liệu không đúng hợp đồng trên kênh ${ch}.`,
    message_en: `The service answered channel ${ch} with data that breaks the contract.`,
  }),
};

function describeIssues(issues: { path: PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 5)
    .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

export function createRouter(handlers: Handlers, log?: RouterLog) {
  async function dispatch(channel: unknown, payload: unknown, ctx: CallContext): Promise<IpcResult<unknown>> {
    if (!ctx.trusted) {
      log?.warn('ipc: untrusted sender refused', { origin: ctx.origin });
      return { ok: false, error: ipcErrors.forbidden() };
    }
    if (!isChannelName(channel)) return { ok: false, error: ipcErrors.unknownChannel(String(channel)) };
    const spec = channels[channel];
    const parsed = spec.request.safeParse(payload ?? {});
    if (!parsed.success) {
      return { ok: false, error: ipcErrors.invalidPayload(channel, describeIssues(parsed.error.issues)) };
    }
    try {
      const handler = handlers[channel] as Handler<ChannelName>;
      const value = await handler(parsed.data as never, ctx);
      const checked = spec.response.safeParse(value);
      if (!checked.success) {
        log?.warn('ipc: handler broke the response contract', { channel });
        return { ok: false, error: ipcErrors.invalidResponse(channel) };
      }
      return { ok: true, value: checked.data };
    } catch (e) {
      if (!(e instanceof VanthuError)) log?.warn('ipc: handler failed', { channel, error: String((e as Error)?.message ?? e) });
      return { ok: false, error: toAppError(e) };
    }
  }
  return { dispatch };
}
export type Router = ReturnType<typeof createRouter>;
