// The signer interface: the one seam between the PAdES engine and whatever holds the private key
// (a PKCS#12 file, a PKCS#11 USB token in its own process, a remote signing service).
// The engine hands over the bytes to be signed (the DER of the CMS signed attributes) and gets
// back the signature value, already in the form CMS wants (ECDSA as a DER SEQUENCE{r,s}).

export type HashAlgorithm = 'SHA-256' | 'SHA-384' | 'SHA-512';

/** How the signature value is computed. */
export type SignatureScheme =
  | { kind: 'rsa-pkcs1v15' }
  | { kind: 'rsa-pss'; saltLength?: number } // salt length defaults to the hash length
  | { kind: 'ecdsa' };

export interface KeyDescription {
  type: 'rsa' | 'ec';
  /** RSA modulus length in bits, or EC field size in bits (256 for P-256). */
  bits: number;
  /** For EC keys: 'P-256' | 'P-384' | 'P-521'. */
  namedCurve?: string;
}

export interface Signer {
  /** DER of the signer certificate. */
  readonly certificate: Uint8Array;
  /** DER of the other certificates of the chain known to the signer (issuer first), may be empty. */
  readonly chain: Uint8Array[];
  readonly key: KeyDescription;
  /** Schemes this key/token can produce, preferred first. */
  readonly schemes: SignatureScheme['kind'][];
  /**
   * Sign `data` (the whole message, not a digest): the signer hashes it with `hash`
   * (or lets the token hash it) and returns the signature value.
   */
  sign(data: Uint8Array, hash: HashAlgorithm, scheme: SignatureScheme): Promise<Uint8Array>;
  /** Release the session (log out of a token, wipe key material). Idempotent. */
  close(): Promise<void>;
}
