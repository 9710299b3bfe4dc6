// Verification service: verify PDF files against configured trust anchors (see verify-file.ts).
export { verifyFile, verifyFiles, verifyJob, jobsFor, failedReport, type VerifyFileOptions, type WorkerJob } from './verify-file';
export { Watchdog } from './watchdog';
export { openPdf, readPdf, closePdf, plannedDigests, type OpenedPdf } from './open-pdf';
export { loadTrustAnchors, certificatesInFile } from './trust';
export { FileRevocationCache } from './revocation-cache';
export type { DocumentReport, SignatureReport, Indication, SubIndication } from '../../../src-shared/verify/report';
