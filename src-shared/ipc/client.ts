// Builds the `window.vanthu` surface from the contract, over any transport that can invoke a
// channel and subscribe to events. The Electron preload, the host-mode bridge script and the
// Playwright test binding all call this one function, so the renderer sees the same API everywhere.

import {
  channelNames,
  eventNames,
  type ChannelName,
  type EventName,
  type EventPayload,
  type IpcResult,
  type Req,
  type Res,
} from './contract';

export interface Transport {
  invoke(channel: ChannelName, payload: unknown): Promise<IpcResult<unknown>>;
  subscribe(event: EventName, listener: (payload: unknown) => void): () => void;
}

/** A failed call: carries the typed error from the main side. */
export class IpcCallError extends Error {
  constructor(
    readonly code: string,
    readonly message_vi: string,
    readonly message_en: string,
  ) {
    super(message_en);
    this.name = 'IpcCallError';
  }
}

type SplitChannel<C extends string> = C extends `${infer NS}.${infer M}` ? [NS, M] : never;
type Namespaces = SplitChannel<ChannelName>[0];
type MethodsOf<NS extends string> = {
  [C in ChannelName as SplitChannel<C>[0] extends NS ? SplitChannel<C>[1] : never]: (
    req?: Req<C>,
  ) => Promise<Res<C>>;
};

export type VanthuApi = { [NS in Namespaces]: MethodsOf<NS> } & {
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  /** Raw call returning the result object instead of throwing (for UIs that show typed errors). */
  call<C extends ChannelName>(channel: C, req?: Req<C>): Promise<IpcResult<Res<C>>>;
};

export function createVanthuApi(transport: Transport): VanthuApi {
  const api: Record<string, unknown> = {};
  for (const channel of channelNames) {
    const [ns, method] = channel.split('.') as [string, string];
    const target = (api[ns] ??= {}) as Record<string, unknown>;
    target[method] = async (req?: unknown) => {
      const r = await transport.invoke(channel, req ?? {});
      if (r.ok) return r.value;
      throw new IpcCallError(r.error.code, r.error.message_vi, r.error.message_en);
    };
  }
  api.call = (channel: ChannelName, req?: unknown) => transport.invoke(channel, req ?? {});
  api.on = (event: EventName, listener: (p: unknown) => void) => {
    if (!eventNames.includes(event)) throw new Error(`unknown event ${String(event)}`);
    return transport.subscribe(event, listener);
  };
  return Object.freeze(api) as unknown as VanthuApi;
}
