// The verifier reads CMS SignedData with the one reader in src-shared/cms/signed-data.ts
// (certificate cache, PDF /Contents zero padding); this name stays for existing imports.
export { derOf, readSignedData as parseSignedData } from '../cms/signed-data';
