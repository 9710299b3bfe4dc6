// Worker-thread entry for verification when running from sources: loading verify-file.ts inside a
// worker tagged VERIFY_WORKER_TAG makes it serve jobs (see serveWorker there).
import './verify-file';
