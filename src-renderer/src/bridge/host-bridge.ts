// Host-mode transport for `window.vanthu`: when the page is not inside Electron (no preload),
// it talks to the host-mode server over a loopback WebSocket, authenticating with the launch
// secret found in the URL fragment (#k=…). The fragment is removed from the address bar and the
// secret kept in sessionStorage so a reload of the same tab keeps working.

import { createVanthuApi, type Transport, type VanthuApi } from '../../../src-shared/ipc/client';
import type { ChannelName, EventName, IpcResult } from '../../../src-shared/ipc/contract';

const STORAGE_KEY = 'vanthu.hostSecret';

function takeSecret(): string | null {
  const m = /(?:^#|&)k=([A-Za-z0-9_-]+)/.exec(location.hash);
  if (m) {
    sessionStorage.setItem(STORAGE_KEY, m[1]);
    history.replaceState(null, '', location.pathname + location.search);
    return m[1];
  }
  return sessionStorage.getItem(STORAGE_KEY);
}

const bridgeError = (code: string, vi: string, en: string): IpcResult<never> => ({
  ok: false,
  error: { code, message_vi: vi, message_en: en },
});

export function connectHostBridge(): VanthuApi {
  const secret = takeSecret();
  let ws: WebSocket | null = null;
  let ready: Promise<WebSocket> | null = null;
  let nextId = 1;
  const pending = new Map<number, (r: IpcResult<unknown>) => void>();
  const listeners = new Map<EventName, Set<(p: unknown) => void>>();

  function open(): Promise<WebSocket> {
    if (ready) return ready;
    ready = new Promise((resolve, reject) => {
      if (!secret) {
        reject(new Error('no launch secret'));
        return;
      }
      const socket = new WebSocket(`ws://${location.host}/__vanthu/ws`);
      socket.onopen = () => socket.send(JSON.stringify({ type: 'auth', secret }));
      socket.onmessage = (ev) => {
        const msg = JSON.parse(String(ev.data));
        if (msg.type === 'ready') {
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
          settle(bridgeError('HOST_BRIDGE_CLOSED', 'Mất kết nối tới dịch vụ nền của ứng dụng.', 'Lost the connection to the app service.'));
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
        return bridgeError(
          'HOST_BRIDGE_UNAUTHORISED',
          'Không kết nối được dịch vụ nền: thiếu hoặc sai mã phiên. Hãy mở lại địa chỉ được in khi khởi động.',
          'Cannot reach the app service: launch secret missing or wrong. Open the URL printed at start-up again.',
        );
      }
      const id = nextId++;
      return new Promise<IpcResult<unknown>>((resolve) => {
        pending.set(id, resolve);
        socket.send(JSON.stringify({ type: 'invoke', id, channel, payload }));
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
