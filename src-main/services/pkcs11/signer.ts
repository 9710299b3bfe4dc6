// The Signer of src-shared/sign/signer.ts backed by a key on a PKCS#11 token: the PAdES engine
// hands over the signed-attributes DER and gets the signature value back (ECDSA already DER).
// One login serves every signature made through this signer; close() logs out.

import type { HashAlgorithm, KeyDescription, SignatureScheme, Signer } from '../../../src-shared/sign/signer';
import { VanthuError } from '../../../src-shared/errors';
import { tokenNotFoundError } from './errors';
import { schemesFor } from './mechanisms';
import type { SlotRef } from './protocol';
import type { TokenCertificate, TokenService } from './service';

export interface TokenSignerOptions {
  service: TokenService;
  /** Module path (optional when the label is unique across loaded modules). */
  module?: string;
  tokenLabel: string;
  /** Hex CKA_ID of the key/certificate pair, or the certificate DER; default: the first signing-capable certificate. */
  keyId?: string;
  certificate?: Uint8Array;
  /**
   * Supplies the PIN when a login is needed (UTF-8 bytes, zero-filled after use), or null for a
   * PIN pad. Omit when the caller logs in through the service itself.
   */
  pin?: () => Promise<Uint8Array | null> | Uint8Array | null;
  /** Log out on close() (default true). */
  logoutOnClose?: boolean;
}

export interface TokenSigner extends Signer {
  readonly token: SlotRef & { label: string };
  readonly keyId: string;
  readonly certificateInfo: TokenCertificate['info'];
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Issuer-first chain from the other certificates stored on the token (matching by DN). */
function chainFrom(cert: TokenCertificate, all: TokenCertificate[]): Uint8Array[] {
  const chain: Uint8Array[] = [];
  let cur = cert;
  for (let i = 0; i < 8; i++) {
    if (cur.info.issuer.dn === cur.info.subject.dn) break;
    const next = all.find((c) => c !== cur && c.info.subject.dn === cur.info.issuer.dn && !chain.includes(c.der));
    if (!next) break;
    chain.push(next.der);
    cur = next;
  }
  return chain;
}

export async function createTokenSigner(opts: TokenSignerOptions): Promise<TokenSigner> {
  const { service } = opts;
  const token = await service.findToken(opts.tokenLabel, opts.module);
  const ref: SlotRef = { module: token.module, slot: token.slot };
  const certs = await service.listCertificates(ref);
  const wantedId = opts.keyId?.toLowerCase().replace(/^0x/, '').replace(/[^0-9a-f]/g, '');
  const cert = opts.certificate
    ? certs.find((c) => sameBytes(c.der, opts.certificate!))
    : wantedId !== undefined
      ? certs.find((c) => c.keyId === wantedId)
      : certs.find((c) => c.privateKey !== 'absent' && c.info.signingCapable && !c.info.isCa);
  if (!cert) throw tokenNotFoundError(opts.keyId ? `key id ${opts.keyId} on "${opts.tokenLabel}"` : `certificate on "${opts.tokenLabel}"`);
  const key: KeyDescription = cert.info.key;
  const schemes = schemesFor(key.type, await service.mechanisms(ref));
  const chain = chainFrom(cert, certs);

  let loggingIn: Promise<void> | null = null;
  const ensureLogin = async () => {
    if (service.isLoggedIn(ref)) return;
    if (!opts.pin) {
      throw new VanthuError('TOKEN_NOT_LOGGED_IN', 'Chưa đăng nhập thiết bị ký số (cần nhập mã PIN).', 'Not logged in to the token (PIN required).');
    }
    // Concurrent signatures share one PIN request and one login.
    loggingIn ??= (async () => {
      const pin = await opts.pin!();
      try { await service.login(ref, pin); } finally { pin?.fill(0); }
    })().finally(() => { loggingIn = null; });
    await loggingIn;
  };

  return {
    token: { ...ref, label: token.label },
    keyId: cert.keyId,
    certificateInfo: cert.info,
    certificate: cert.der,
    chain,
    key,
    schemes,
    async sign(data: Uint8Array, hash: HashAlgorithm, scheme: SignatureScheme): Promise<Uint8Array> {
      await ensureLogin();
      return service.sign(ref, cert.keyId, key.type, data, hash, scheme);
    },
    async close() {
      if (opts.logoutOnClose !== false && service.isLoggedIn(ref)) await service.logout(ref);
    },
  };
}
