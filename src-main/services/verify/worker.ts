// Worker-thread entry for verification: receives WorkerJob messages, answers DocumentReports.
import { parentPort } from 'node:worker_threads';
import { verifyJob, type WorkerJob } from './verify-file';

parentPort?.on('message', (job: WorkerJob) => {
  verifyJob(job).then((r) => parentPort!.postMessage(r));
});
parentPort?.postMessage({ ready: true });
