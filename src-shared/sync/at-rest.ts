// Encryption at rest of confidential documents' files: AES-256-GCM (WebCrypto) with a data key
// that is stored only wrapped by a KeyProtector (Electron safeStorage through IPC; host mode's
// weaker 0600 key file — see docs/sync.md).
import { VanthuError } from '../errors';
import type { VanthuDb } from './localdb';

/** Wraps and unwraps the data key; the renderer implements it over IPC `secrets.wrapKey/unwrapKey`. */
export interface KeyProtector {
  wrapKey(raw: Uint8Array): Promise<Uint8Array>;
  unwrapKey(wrapped: Uint8Array): Promise<Uint8Array>;
}

const subtle = () => globalThis.crypto.subtle;
const WRAPPED_KEY = 'atRest.wrappedKey';

export class AtRestCipher {
  private constructor(private key: CryptoKey) {}

  /** Load the profile's data key, creating and wrapping a new one on first use. */
  static async open(db: VanthuDb, protector: KeyProtector): Promise<AtRestCipher> {
    const row = await db.kv.get(WRAPPED_KEY);
    let raw: Uint8Array;
    if (row) {
      try { raw = await protector.unwrapKey(row.v as Uint8Array); }
      catch {
        throw new VanthuError('AT_REST_KEY_UNAVAILABLE', 'Không mở được khóa mã hóa văn bản mật trên máy này.',
          'The key that encrypts confidential documents cannot be unwrapped on this machine.');
      }
    } else {
      raw = globalThis.crypto.getRandomValues(new Uint8Array(32));
      await db.kv.put({ k: WRAPPED_KEY, v: await protector.wrapKey(raw) });
    }
    const key = await subtle().importKey('raw', raw as BufferSource, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
    raw.fill(0);
    return new AtRestCipher(key);
  }

  async encrypt(plain: Uint8Array, aad: string): Promise<{ data: Uint8Array; iv: Uint8Array }> {
    const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
    const ct = await subtle().encrypt({ name: 'AES-GCM', iv: iv as BufferSource, additionalData: new TextEncoder().encode(aad) }, this.key, plain as BufferSource);
    return { data: new Uint8Array(ct), iv };
  }

  async decrypt(data: Uint8Array, iv: Uint8Array, aad: string): Promise<Uint8Array> {
    try {
      return new Uint8Array(await subtle().decrypt({ name: 'AES-GCM', iv: iv as BufferSource, additionalData: new TextEncoder().encode(aad) }, this.key, data as BufferSource));
    } catch {
      throw new VanthuError('AT_REST_DECRYPT_FAILED', 'Không giải mã được tệp văn bản mật (dữ liệu hỏng hoặc sai khóa).', 'Cannot decrypt the confidential file (corrupt data or wrong key).');
    }
  }
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const d = new Uint8Array(await subtle().digest('SHA-256', bytes as BufferSource));
  let s = '';
  for (const b of d) s += b.toString(16).padStart(2, '0');
  return s;
}
