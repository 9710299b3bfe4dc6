// Electron main process entry. Owns the window and the Electron-only pieces (protocol, session
// policy, safeStorage, IPC transport); everything else is the plain-Node services that host
// mode and the CLI share (src-main/services).

import { app, BrowserWindow, ipcMain, type IpcMainInvokeEvent } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { channelNames, EVENT_PREFIX, IPC_PREFIX } from '../../src-shared/ipc/contract';
import { createRouter } from '../services/ipc/router';
import { createHandlers } from '../services/handlers';
import { createServiceContext } from '../services/context';
import { prewarmVerifyWorker } from '../services/verify/worker-pool';
import { ProfileManager } from '../services/profile/manager';
import { gatewayOrigins } from '../services/csp';
import { applySessionPolicy, hardenWebContents, isTrustedSender, APP_ORIGIN } from './security';
import { registerSchemePrivileges, serveRenderer } from './protocol';
import { SafeStorageProtector } from './safe-storage-protector';
import { utilityProcessWorkerFactory } from './token-worker';

const here = path.dirname(fileURLToPath(import.meta.url));
// The verification worker is bundled beside this file; code-split chunks cannot find it alone.
process.env.VANTHU_VERIFY_WORKER ??= path.join(here, 'verify-worker.js');
const ownWindows = new Set<number>();
let mainWindow: BrowserWindow | null = null;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
  });
  registerSchemePrivileges();
  hardenWebContents();
  app.whenReady().then(start);
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}

async function start(): Promise<void> {
  applySessionPolicy();

  const context = createServiceContext({
    runtime: 'electron',
    profileDir: app.getPath('userData'),
    keys: new SafeStorageProtector(),
    tokenWorkerFactory: utilityProcessWorkerFactory(path.join(here, 'pkcs11-worker.js')),
  });
  const events = context.events;
  // A packaged install never starts the demo by itself; a source checkout does on an empty profile.
  const profiles = new ProfileManager({ root: app.getPath('userData'), context, autoDemo: !app.isPackaged });
  await profiles.start().catch((e: unknown) => console.warn(`[vanthu] profile start failed: ${(e as Error)?.message ?? e}`));
  serveRenderer(path.join(here, '../renderer'), () => gatewayOrigins(context.gatewayUrl));
  app.on('before-quit', () => void profiles.close().finally(() => context.close()));
  // the first document verified does not wait for the verifier to load in its worker
  void prewarmVerifyWorker();
  const router = createRouter(createHandlers(context), {
    warn: (msg, fields) => console.warn(`[vanthu] ${msg}`, fields ?? ''),
  });

  for (const channel of channelNames) {
    ipcMain.handle(IPC_PREFIX + channel, (event: IpcMainInvokeEvent, payload: unknown) =>
      router.dispatch(channel, payload, {
        trusted: isTrustedSender(event, ownWindows),
        origin: `webContents:${event.sender.id}`,
      }),
    );
  }
  events.onAny((event, payload) => {
    for (const w of BrowserWindow.getAllWindows()) {
      if (ownWindows.has(w.webContents.id)) w.webContents.send(EVENT_PREFIX + event, payload);
    }
  });

  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
}

function createWindow(): void {
  const win = new BrowserWindow({
    width: 1280,
    height: 860,
    title: 'Văn thư số',
    show: false,
    webPreferences: {
      preload: path.join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  ownWindows.add(win.webContents.id);
  const id = win.webContents.id;
  win.on('closed', () => ownWindows.delete(id));
  win.once('ready-to-show', () => win.show());
  const dev = process.env.ELECTRON_RENDERER_URL;
  if (dev && !app.isPackaged) win.loadURL(dev);
  else win.loadURL(`${APP_ORIGIN}/index.html`);
  mainWindow = win;
}
