// Host-mode transport for `window.vanthu`: when the page is not inside Electron (no preload),
// it talks to the host-mode server over a loopback WebSocket. The launcher gives the page a
// single-use code in the URL fragment (#c=…); the page removes it from the address bar and
// offers it as a WebSocket subprotocol; the server answers with a session token for this tab,
// kept in sessionStorage so a reload of the same tab reconnects. A used or wrong code is refused
// before any socket opens (src-main/host/server.ts).

import { createVanthuApi, type Transport, type VanthuApi } from '../../../src-shared/ipc/client';
import type { ChannelName, EventName, IpcResult } from '../../../src-shared/ipc/contract';
import { decodeFrame, encodeFrame, hasBytes } from '../../../src-shared/ipc/frame';
import { i18n } from '../../i18n';

const SESSION_KEY = 'vanthu.hostSession';
const PROTOCOL = 'vanthu.v1';

/** The code from the address (removed from it at once), or null. */
function takeCode(): string | null {
  const m = /(?:^#|&)c=([A-Za-z0-9_-]+)/.exec(location.hash);
  if (!m) return null;
  history.replaceState(null, '', location.pathname + location.search);
  return m[1];
}

/** A typed error of the bridge, its message in both languages from the shell's catalogs. */
const bridgeError = (code: string, key: string): IpcResult<never> => {
  const t = i18n();
  return { ok: false, error: { code, message_vi: t.getFixedT('vi', 'shell')(key), message_en: t.getFixedT('en', 'shell')(key) } };
};

export function connectHostBridge(): VanthuApi {
  let code = takeCode();
  let ws: WebSocket | null = null;
  let ready: Promise<WebSocket> | null = null;
  let nextId = 1;
  const pending = new Map<number, (r: IpcResult<unknown>) => void>();
  const listeners = new Map<EventName, Set<(p: unknown) => void>>();

  function open(): Promise<WebSocket> {
    if (ready) return ready;
    ready = new Promise((resolve, reject) => {
      const session = sessionStorage.getItem(SESSION_KEY);
      const credential = code ? `c.${code}` : session ? `s.${session}` : null;
      if (!credential) {
        reject(new Error('no launch code'));
        return;
      }
      code = null; // single use: a failed attempt cannot be repeated with it
      const socket = new WebSocket(`ws://${location.host}/__vanthu/ws`, [PROTOCOL, credential]);
      socket.binaryType = 'arraybuffer';
      socket.onmessage = (ev) => {
        // documents come back as binary frames (MessagePack), everything else as JSON text
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        const msg = (typeof ev.data === 'string' ? JSON.parse(ev.data) : decodeFrame(new Uint8Array(ev.data as ArrayBuffer))) as any;
        if (msg.type === 'ready') {
          if (typeof msg.session === 'string') sessionStorage.setItem(SESSION_KEY, msg.session);
          ws = socket;
          resolve(socket);
        } else if (msg.type === 'result') {
          pending.get(msg.id)?.(msg.result);
          pending.delete(msg.id);
        } else if (msg.type === 'event') {
          listeners.get(msg.event)?.forEach((l) => l(msg.payload));
        }
      };
      socket.onclose = () => {
        ws = null;
        ready = null;
        for (const [, settle] of pending) {
          settle(bridgeError('HOST_BRIDGE_CLOSED', 'bridge.closed'));
        }
        pending.clear();
        reject(new Error('closed'));
      };
    });
    ready.catch(() => undefined);
    return ready;
  }

  const transport: Transport = {
    async invoke(channel: ChannelName, payload: unknown) {
      let socket: WebSocket;
      try {
        socket = ws ?? (await open());
      } catch {
        return bridgeError('HOST_BRIDGE_UNAUTHORISED', 'bridge.unauthorised');
      }
      const id = nextId++;
      return new Promise<IpcResult<unknown>>((resolve) => {
        pending.set(id, resolve);
        const msg = { type: 'invoke', id, channel, payload };
        socket.send(hasBytes(payload) ? encodeFrame(msg) : JSON.stringify(msg));
      });
    },
    subscribe(event, listener) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener);
      listeners.set(event, set);
      void open().catch(() => undefined);
      return () => set.delete(listener);
    },
  };
  return createVanthuApi(transport);
}
