// The renderer's handle on the main-process services: the preload's `window.vanthu` inside
// Electron (or a test's injected binding), otherwise the host-mode WebSocket bridge.

import type { VanthuApi } from '../../src-shared/ipc/client';
import { connectHostBridge } from './bridge/host-bridge';

declare global {
  interface Window {
    vanthu?: VanthuApi;
  }
}

export const vanthu: VanthuApi = window.vanthu ?? connectHostBridge();
