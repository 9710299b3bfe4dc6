// Public surface of the PKCS#11 token service (host mode, CLI, Electron main).

import { readPinFromTerminal } from './pin-prompt';
import { TokenService, type TokenServiceOptions } from './service';
import { createTokenSigner, type TokenSigner } from './signer';

export { TokenService } from './service';
export type { TokenServiceOptions, TokenSummary, TokenCertificate, ModuleStatus } from './service';
export { createTokenSigner } from './signer';
export type { TokenSigner, TokenSignerOptions } from './signer';
export { signBatch, batchStopping } from './batch';
export type { BatchFile, BatchOptions, BatchProgress, BatchResult } from './batch';
export { WorkerClient, forkWorkerFactory, resolveWorkerEntry } from './client';
export type { WorkerChannel, WorkerFactory } from './client';
export { discoverModules } from './modules';
export { certificateInfo } from './certinfo';
export type { CertificateInfo } from './certinfo';
export { pinStateFromFlags, loginFailureError } from './errors';
export type { PinState } from './errors';
export { serveWorker } from './worker-core';
export type { MessagePortLike, SlotRef } from './protocol';
export { readPinFromTerminal } from './pin-prompt';

export interface CliSignerOptions {
  pkcs11Module?: string;
  tokenLabel: string;
  /** Hex CKA_ID; default: the first signing-capable certificate on the token. */
  keyId?: string;
  /** PIN bytes; default: VANTHU_PIN or a prompt without echo. Zero-filled after use. */
  pin?: Uint8Array;
  service?: TokenServiceOptions;
}

/**
 * For `vanthu sign --pkcs11-module PATH --token-label L --key-id HEX`: a Signer on the token,
 * logged in once. signer.close() logs out and stops the worker process.
 */
export async function signerFromCliOptions(o: CliSignerOptions): Promise<TokenSigner> {
  const service = new TokenService({
    modules: o.pkcs11Module ? [o.pkcs11Module] : undefined,
    builtinModules: o.pkcs11Module ? false : undefined,
    idleLogoutMs: 0,
    ...o.service,
  });
  try {
    const signer = await createTokenSigner({
      service, module: o.pkcs11Module, tokenLabel: o.tokenLabel, keyId: o.keyId,
      pin: async () => o.pin ?? (await readPinFromTerminal(`PIN (${o.tokenLabel}): `)),
    });
    // Log in now so a wrong PIN is reported before any file is touched.
    if (!service.isLoggedIn(signer.token)) {
      const pin = o.pin ?? (await readPinFromTerminal(`PIN (${o.tokenLabel}): `));
      try { await service.login(signer.token, pin); } finally { pin.fill(0); }
    }
    const close = signer.close.bind(signer);
    return Object.assign(signer, { close: async () => { await close(); await service.close(); } });
  } catch (e) {
    await service.close();
    throw e;
  }
}
export { padesFileSigner } from './pades-file';
