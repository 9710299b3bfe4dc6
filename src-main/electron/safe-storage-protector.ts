// KeyProtector backed by Electron's safeStorage (DPAPI on Windows, Keychain on macOS,
// libsecret/kwallet on Linux). Refuses to work with Linux's plaintext "basic_text" backend.

import { safeStorage } from 'electron';
import { VanthuError } from '../../src-shared/errors';
import type { KeyProtector } from '../services/secrets/key-protector';

export class SafeStorageProtector implements KeyProtector {
  readonly protection = 'os' as const;

  private check(): void {
    const backend = process.platform === 'linux' ? safeStorage.getSelectedStorageBackend?.() : 'os';
    if (!safeStorage.isEncryptionAvailable() || backend === 'basic_text') {
      throw new VanthuError(
        'SECRETS_OS_UNAVAILABLE',
        'Hệ điều hành không cung cấp kho khóa an toàn (keyring); không thể mã hóa văn bản mật.',
        'The operating system offers no secure keyring; confidential documents cannot be encrypted.',
      );
    }
  }

  async wrap(plain: Buffer): Promise<Buffer> {
    this.check();
    return safeStorage.encryptString(plain.toString('base64'));
  }

  async unwrap(wrapped: Buffer): Promise<Buffer> {
    this.check();
    return Buffer.from(safeStorage.decryptString(wrapped), 'base64');
  }
}
