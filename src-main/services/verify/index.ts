// Verification service: verify PDF files against configured trust anchors (see verify-file.ts).
export { verifyFile, verifyFiles, verifyJob, type VerifyFileOptions } from './verify-file';
export { loadTrustAnchors, certificatesInFile } from './trust';
export { FileRevocationCache } from './revocation-cache';
export type { DocumentReport, SignatureReport, Indication, SubIndication } from '../../../src-shared/verify/report';
