// Preload (sandboxed, context-isolated): exposes `window.vanthu` — typed methods generated from
// the IPC contract — and nothing else. ipcRenderer itself never reaches the page.

import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { createVanthuApi } from '../../src-shared/ipc/client';
import { EVENT_PREFIX, IPC_PREFIX, type IpcResult } from '../../src-shared/ipc/contract';

const api = createVanthuApi({
  invoke: (channel, payload) => ipcRenderer.invoke(IPC_PREFIX + channel, payload) as Promise<IpcResult<unknown>>,
  subscribe: (event, listener) => {
    const wrapped = (_e: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(EVENT_PREFIX + event, wrapped);
    return () => ipcRenderer.off(EVENT_PREFIX + event, wrapped);
  },
});

contextBridge.exposeInMainWorld('vanthu', api);
