// Entry point of the PKCS#11 worker process. Works as a child_process.fork child (Node IPC,
// 'advanced' serialization) and as an Electron utilityProcess (process.parentPort, whose
// 'message' events carry the payload in `.data`). Bundlers must emit this file as its own
// entry (e.g. out/main/pkcs11-worker.js) and keep `pkcs11js` external.

import { serveWorker } from './worker-core';
import type { MessagePortLike } from './protocol';

interface ElectronParentPort {
  postMessage(msg: unknown): void;
  on(event: 'message', listener: (e: { data: unknown }) => void): unknown;
}

const parentPort = (process as unknown as { parentPort?: ElectronParentPort }).parentPort;

let port: MessagePortLike;
if (parentPort) {
  port = { postMessage: (m) => parentPort.postMessage(m), on: (_e, fn) => parentPort.on('message', (ev) => fn(ev.data)) };
} else if (typeof process.send === 'function') {
  port = { postMessage: (m) => process.send!(m), on: (_e, fn) => process.on('message', fn) };
  process.on('disconnect', () => process.exit(0));
} else {
  throw new Error('pkcs11 worker must be started with an IPC channel (fork or utilityProcess)');
}
serveWorker(port);
