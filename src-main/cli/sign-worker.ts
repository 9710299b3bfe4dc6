// Worker thread of `vanthu sign` for large PKCS#12 batches (a second core signs too). It opens its
// own signer from the key file bytes and password the main thread already checked, then asks for
// files one at a time (a few in flight) and posts each result back; the main thread keeps the
// order, the output and the summary. Protocol (structured clone):
//   worker → main: {type:'ready'} | {type:'failed', error} | {type:'want'} | {type:'result', index, result} | {type:'done'}
//   main → worker: {type:'file', index, input, output} | {type:'end'}   (one reply per 'want')

import { parentPort, workerData } from 'node:worker_threads';
import { toAppError } from '../../src-shared/errors';
import type { SignPdfOptions } from '../../src-shared/pades/sign';
import { openPkcs12 } from '../services/p12/index';
import { nodePadesServices } from '../services/signing/node-services';
import { signOneFile } from './sign-file';

export interface SignWorkerData {
  p12: Uint8Array;
  password: string;
  options: SignPdfOptions;
  concurrency: number;
}

export type ToWorker = { type: 'file'; index: number; input: string; output: string } | { type: 'end' };

async function main(): Promise<void> {
  const port = parentPort!;
  const data = workerData as SignWorkerData;
  let signer;
  try {
    signer = await openPkcs12(data.p12, data.password);
  } catch (e) {
    port.postMessage({ type: 'failed', error: toAppError(e) });
    port.close();
    return;
  } finally {
    data.p12.fill(0);
  }
  const replies: ((m: ToWorker) => void)[] = [];
  port.on('message', (m: ToWorker) => replies.shift()?.(m));
  const ask = () =>
    new Promise<ToWorker>((resolve) => {
      replies.push(resolve);
      port.postMessage({ type: 'want' });
    });
  port.postMessage({ type: 'ready' });
  const services = nodePadesServices();
  const loop = async () => {
    for (let m = await ask(); m.type === 'file'; m = await ask()) {
      const result = await signOneFile(m.input, m.output, signer, data.options, services);
      port.postMessage({ type: 'result', index: m.index, result });
    }
  };
  try {
    await Promise.all(Array.from({ length: data.concurrency }, loop));
  } finally {
    await signer.close().catch(() => undefined);
  }
  port.postMessage({ type: 'done' });
  port.close();
}

void main();
