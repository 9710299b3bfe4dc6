// The Electron security baseline applied to every web contents: navigation, new windows,
// <webview>, permissions, and the sender check used by every IPC handler.
// docs/security.md maps each item of Electron's security checklist to this file and its peers.

import { app, session, type IpcMainInvokeEvent, type WebContents } from 'electron';

export const APP_SCHEME = 'app';
export const APP_ORIGIN = 'app://vanthu';

/** Origins our renderer may be served from: the app protocol, or electron-vite's dev server. */
export function trustedOrigins(): string[] {
  const dev = process.env.ELECTRON_RENDERER_URL;
  return dev && !app.isPackaged ? [APP_ORIGIN, new URL(dev).origin] : [APP_ORIGIN];
}

export function applySessionPolicy(): void {
  const ses = session.defaultSession;
  // Deny every permission (camera, notifications, geolocation, HID, serial…) by default.
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler?.(() => false);
  // No downloads initiated by web content.
  ses.on('will-download', (event) => event.preventDefault());
}

export function hardenWebContents(): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (event, url) => {
      if (!trustedOrigins().includes(safeOrigin(url))) event.preventDefault();
    });
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '';
  }
}

/**
 * An IPC call is trusted only from our window's main frame, loaded from our origin.
 * Sub-frames, other windows and pages that navigated elsewhere are refused.
 */
export function isTrustedSender(event: IpcMainInvokeEvent, ownWebContentsIds: Set<number>): boolean {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  if (!ownWebContentsIds.has(event.sender.id)) return false;
  // app:// is a standard scheme registered below, so URL parsing yields a proper origin.
  return trustedOrigins().includes(safeOrigin(frame.url));
}
