// Signing documents for the UI (IPC `sign.pdf` / `sign.batch`): one credential session — a
// PKCS#12 file or a token the person has already unlocked — serves the whole batch; each file is
// signed on its own (a bad file does not stop the others) and progress is reported per file.

import * as pkijs from 'pkijs';
import * as asn1js from 'asn1js';
import { BytesSource } from '../../../src-shared/pdf/bytesource';
import { signPdf, type PadesLevel } from '../../../src-shared/pades/sign';
import { defaultPadesServices } from '../../../src-shared/pades/default-services';
import type { PadesServices } from '../../../src-shared/pades/services';
import type { Signer } from '../../../src-shared/sign/signer';
import { toAppError, VanthuError, type AppError } from '../../../src-shared/errors';
import { nodeDigest } from '../../cli/node-io';
import { createNodeNet } from '../net/http';
import { openPkcs12 } from '../p12/index';
import { createTokenSigner, batchStopping, type TokenService } from '../pkcs11/index';
import { visibleSignature, type VisibleChoice } from './visible';

export type Credential =
  | { kind: 'p12'; p12: Uint8Array; password: string }
  | { kind: 'token'; tokenLabel: string; keyId?: string };

export interface SignRequest {
  level: PadesLevel;
  tsaUrl?: string;
  reason?: string;
  location?: string;
  visible?: VisibleChoice;
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

let nodeServices: PadesServices | null = null;
export function nodePadesServices(): PadesServices {
  nodeServices ??= defaultPadesServices({ net: createNodeNet(), digest: nodeDigest });
  return nodeServices;
}

/** Common name of the signer certificate (for the visible name line). */
export function signerName(signer: Signer): string | null {
  try {
    const asn = asn1js.fromBER(signer.certificate.slice().buffer);
    const cert = new pkijs.Certificate({ schema: asn.result });
    const cn = cert.subject.typesAndValues.find((tv) => tv.type === '2.5.4.3');
    return cn ? String((cn.value.valueBlock as { value?: string }).value ?? '') : null;
  } catch {
    return null;
  }
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

export async function signDocuments(
  items: { name: string; bytes: Uint8Array }[],
  req: SignRequest,
  deps: { tokens: () => TokenService; services?: PadesServices; onProgress?: (done: number, total: number, item: string, ok: boolean) => void },
): Promise<SignItemResult[]> {
  const signer = await openSigner(req.credential, deps.tokens);
  const services = deps.services ?? nodePadesServices();
  const results: SignItemResult[] = [];
  try {
    const name = signerName(signer);
    for (const item of items) {
      try {
        const src = new BytesSource(item.bytes);
        const signingTime = new Date();
        const visible = req.visible ? visibleSignature(req.visible, src, name, signingTime) : undefined;
        const res = await signPdf(src, signer, { level: req.level, tsaUrl: req.tsaUrl, reason: req.reason, location: req.location, signingTime, visible }, services);
        const out = new Uint8Array(item.bytes.length + res.appended.length);
        out.set(item.bytes, 0);
        out.set(res.appended, item.bytes.length);
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
