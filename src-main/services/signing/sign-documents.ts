// Signing documents for the UI (IPC `sign.pdf` / `sign.batch`): one credential session — a
// PKCS#12 file or a token the person has already unlocked — serves the whole batch; each file is
// signed on its own (a bad file does not stop the others) and progress is reported per file.

import type { PadesLevel, VisibleSignature } from '../../../src-shared/pades/sign';
import type { PadesServices } from '../../../src-shared/pades/services';
import type { Signer } from '../../../src-shared/sign/signer';
import { toAppError, VanthuError, type AppError } from '../../../src-shared/errors';
import { openPkcs12 } from '../p12/index';
import { createTokenSigner, batchStopping, type TokenService } from '../pkcs11/index';
import { signPdfBytes } from './sign-bytes';
import { visibleSignature, type VisibleChoice } from './visible';

export { nodePadesServices } from './node-services';

export type Credential =
  | { kind: 'p12'; p12: Uint8Array; password: string }
  | { kind: 'token'; tokenLabel: string; keyId?: string };

export interface SignRequest {
  level: PadesLevel;
  tsaUrl?: string;
  reason?: string;
  location?: string;
  visible?: VisibleChoice;
  /** Sign into this existing empty signature field of each document ("Ký vào ô này"). */
  intoField?: string;
  credential: Credential;
}

export interface SignedDocument {
  name: string;
  bytes: Uint8Array;
  fieldName: string;
  level: string;
  requestedLevel: string;
  pending: string[];
  warnings: string[];
}

export interface SignItemResult {
  name: string;
  ok: boolean;
  file?: SignedDocument;
  error?: AppError;
}

async function openSigner(c: Credential, tokens: () => TokenService): Promise<Signer> {
  if (c.kind === 'p12') return openPkcs12(c.p12, c.password);
  const service = tokens();
  const token = await service.findToken(c.tokenLabel);
  if (!service.isLoggedIn(token)) {
    throw new VanthuError(
      'TOKEN_NOT_LOGGED_IN',
      `Thiết bị ký "${c.tokenLabel}" chưa được mở khóa: hãy nhập PIN ở mục Thiết bị ký.`,
      `Token "${c.tokenLabel}" is locked: enter its PIN on the Tokens desk first.`,
    );
  }
  return createTokenSigner({ service, tokenLabel: c.tokenLabel, keyId: c.keyId, logoutOnClose: false });
}

export const cancelledError = () =>
  new VanthuError('SIGN_CANCELLED', 'Đã hủy: văn bản này chưa được ký.', 'Cancelled: this document was not signed.');

export async function signDocuments(
  items: { name: string; bytes: Uint8Array }[],
  req: SignRequest,
  deps: {
    tokens: () => TokenService;
    services?: PadesServices;
    onProgress?: (done: number, total: number, item: string, ok: boolean) => void;
    /** Asked before each document: true stops the batch there (the rest are reported SIGN_CANCELLED). */
    isCancelled?: () => boolean;
  },
): Promise<SignItemResult[]> {
  const signer = await openSigner(req.credential, deps.tokens);
  const results: SignItemResult[] = [];
  try {
    // the same appearance for every file (the document-dependent parts are filled by signPdf);
    // built inside the loop so an incomplete choice fails each item, as any other per-file error
    let visible: VisibleSignature | undefined;
    for (const item of items) {
      // cancelled: stop before this document; what was signed is complete, nothing is half-done
      if (deps.isCancelled?.()) {
        for (const rest of items.slice(results.length)) results.push({ name: rest.name, ok: false, error: toAppError(cancelledError()) });
        break;
      }
      try {
        if (req.visible) visible ??= visibleSignature(req.visible, signer, { intoField: !!req.intoField });
        const options = { level: req.level, tsaUrl: req.tsaUrl, reason: req.reason, location: req.location, signingTime: new Date(), visible, intoField: req.intoField };
        const { bytes: out, result: res } = await signPdfBytes(item.bytes, signer, options, deps.services);
        results.push({
          name: item.name,
          ok: true,
          file: { name: item.name.replace(/\.pdf$/i, '') + '.signed.pdf', bytes: out, fieldName: res.fieldName, level: res.level, requestedLevel: res.requestedLevel, pending: [...res.pending], warnings: res.warnings },
        });
      } catch (e) {
        results.push({ name: item.name, ok: false, error: toAppError(e) });
        // A token that went away ends the batch: the rest are reported unsigned.
        if (e instanceof VanthuError && batchStopping(e.code)) {
          for (const rest of items.slice(results.length)) results.push({ name: rest.name, ok: false, error: toAppError(e) });
          break;
        }
      }
      deps.onProgress?.(results.length, items.length, item.name, results[results.length - 1].ok);
    }
  } finally {
    if (req.credential.kind === 'p12') await signer.close();
  }
  return results;
}
