// Browser connectivity for the sync engine: navigator.onLine and the online event. (onLine only
// says a network exists; reaching the gateway is still learnt from requests and backoff.)
import type { Connectivity } from '../../src-shared/sync/engine';

export const browserConnectivity: Connectivity = {
  isOnline: () => (typeof navigator === 'undefined' ? true : navigator.onLine !== false),
  waitOnline: (signal) => new Promise<void>((resolve) => {
    const done = () => { window.removeEventListener('online', done); signal.removeEventListener('abort', done); resolve(); };
    window.addEventListener('online', done);
    signal.addEventListener('abort', done);
  }),
};
