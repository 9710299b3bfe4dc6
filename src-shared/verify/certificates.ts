// Certificate details for the desk's certificate viewer: names (with the Vietnamese identifiers
// MST/CCCD/CMND), serial, validity, key, key usage, fingerprints and the DER itself, for the
// signer (or TSA) and each certificate of the path built to a trust anchor. The DER goes to a pool
// shared by the document's signatures (one signer's chain is carried once).

import type { CryptoProvider } from '../crypto/provider';
import { certificateFromDer } from '../cms/signed-data';
import { parseCertShared } from '../pki/cert';
import { toHex } from './algorithms';
import { signerIdentity } from './identity';
import type { CertificateDetail } from './report';

const KU_NAMES = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly'];

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The DER of the certificates described so far in one document, and their details (each made once). */
export class CertificatePool {
  readonly ders: Uint8Array[] = [];
  private readonly details = new Map<number, Promise<CertificateDetail | null>>();
  index(der: Uint8Array): number {
    const i = this.ders.findIndex((x) => sameBytes(x, der));
    if (i >= 0) return i;
    this.ders.push(der.slice());
    return this.ders.length - 1;
  }
  detail(der: Uint8Array, crypto: CryptoProvider): Promise<CertificateDetail | null> {
    const i = this.index(der);
    let d = this.details.get(i);
    if (!d) {
      d = certificateDetail(der, crypto, i);
      this.details.set(i, d);
    }
    return d;
  }
}

/** Details of one certificate, or null when it cannot be read. */
export async function certificateDetail(der: Uint8Array, crypto: CryptoProvider, derIndex: number): Promise<CertificateDetail | null> {
  try {
    const id = signerIdentity(certificateFromDer(der)) // the one parse the CMS reader shares;
    let keyUsage: string[] = [];
    let extendedKeyUsage: string[] = [];
    let isCa = false;
    let selfSigned = id.subject === id.issuer;
    try {
      const p = parseCertShared(der);
      keyUsage = (p.keyUsage ?? []).map((on, i) => (on ? KU_NAMES[i] : null)).filter((x): x is string => !!x);
      extendedKeyUsage = p.extKeyUsage ?? [];
      isCa = !!p.basicConstraints?.ca;
      selfSigned = sameBytes(p.issuer.der, p.subject.der);
    } catch {
      /* the PKI parser refuses it: names and validity from pkijs still show */
    }
    const [sha1, sha256] = await Promise.all([crypto.digest('SHA-1', der), crypto.digest('SHA-256', der)]);
    return {
      subject: id.subject, issuer: id.issuer, commonName: id.commonName, organization: id.organization, identifiers: id.identifiers,
      email: id.email, serialNumber: id.serialNumber, notBefore: id.notBefore, notAfter: id.notAfter, keyAlgorithm: id.keyAlgorithm,
      keyBits: id.keyBits, keyUsage, extendedKeyUsage, isCa, selfSigned, sha1: toHex(sha1), sha256: toHex(sha256), derIndex,
    };
  } catch {
    return null;
  }
}

/** The signer first, then the chain (which starts with the signer when it was built). */
export async function certificateDetails(leaf: Uint8Array | null, chain: Uint8Array[] | undefined, crypto: CryptoProvider, pool: CertificatePool): Promise<CertificateDetail[]> {
  const list: Uint8Array[] = [];
  for (const d of [...(leaf ? [leaf] : []), ...(chain ?? [])]) if (!list.some((x) => sameBytes(x, d))) list.push(d);
  const out: CertificateDetail[] = [];
  for (const d of list.slice(0, 10)) {
    const c = await pool.detail(d, crypto);
    if (c) out.push(c);
  }
  return out;
}
