// Runs the PKCS#11 worker in an Electron utilityProcess (a Node process outside the main
// process), so a hung or crashing token driver can never freeze the window. The token service's
// client kills and restarts it on timeout or crash.

import { utilityProcess } from 'electron';
import type { WorkerFactory } from '../services/pkcs11/index';

export function utilityProcessWorkerFactory(entry: string): WorkerFactory {
  return () => {
    const child = utilityProcess.fork(entry, [], { serviceName: 'Văn thư số — PKCS#11', stdio: 'ignore' });
    return {
      postMessage: (m) => child.postMessage(m),
      onMessage: (fn) => {
        child.on('message', fn);
      },
      onExit: (fn) => {
        child.on('exit', (code) => fn(`exit code ${code}`));
      },
      kill: () => {
        child.kill();
      },
    };
  };
}
