// Public API of PAdES signing (see sign.ts for the flow):
//   signPdf(src: ByteSource, signer: Signer, options: SignPdfOptions, services: PadesServices)
//       → { appended, fieldName, level, requestedLevel, pending, byteRange, warnings }
//   extendPdf(src, 'B-LT' | 'B-LTA', tsaUrl, services) → { appended, level, pending, warnings }
//   documentTimestamp(src, tsaUrl, services)
//   defaultPadesServices({ net, digest, collectValidationData }) wires src-shared/cms.
// Output is always input ++ appended (incremental updates only).
export { signPdf, extendPdf, documentTimestamp, LEVELS, type PadesLevel, type Pending, type SignPdfOptions, type SignPdfResult, type ExtendResult, type VisibleSignature } from './sign';
export { type PadesServices, type ValidationData, type CmsInput, isOfflineError } from './services';
export { defaultPadesServices, type DefaultServicesOptions } from './default-services';
export { webCryptoDigest, type DigestProvider, type IncrementalHash } from './digest';
export { addSignatureField, uniqueFieldName, type FieldOptions, type AddedField } from './field';
export { addDss } from './dss';
export { certificatesOfCms } from './cms-certs';
