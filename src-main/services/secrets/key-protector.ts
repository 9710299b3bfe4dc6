// Protection of small secrets (e.g. the key that encrypts confidential documents at rest).
// In Electron the OS protects them (safeStorage: DPAPI, Keychain, libsecret) — see
// src-main/electron/safe-storage-protector.ts. Host mode has no OS keystore binding, so it falls
// back to a 256-bit key file readable only by the user (mode 0600) in the profile directory and
// AES-256-GCM: weaker (anyone who can read the user's files can unwrap), and documented as such.

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { VanthuError } from '../../../src-shared/errors';

export interface KeyProtector {
  readonly protection: 'os' | 'file';
  wrap(plain: Buffer): Promise<Buffer>;
  unwrap(wrapped: Buffer): Promise<Buffer>;
}

const MAGIC = Buffer.from('VTK1');

export class FileKeyProtector implements KeyProtector {
  readonly protection = 'file' as const;
  private key: Buffer | null = null;
  constructor(private readonly profileDir: string) {}

  private masterKey(): Buffer {
    if (this.key) return this.key;
    const file = path.join(this.profileDir, 'host-master.key');
    fs.mkdirSync(this.profileDir, { recursive: true, mode: 0o700 });
    try {
      const k = fs.readFileSync(file);
      if ((fs.statSync(file).mode & 0o077) !== 0) fs.chmodSync(file, 0o600); // an older or copied file
      if (k.length !== 32) throw new VanthuError('SECRETS_KEYFILE_CORRUPT', 'Tệp khóa bảo vệ bị hỏng.', 'The protection key file is corrupt.');
      this.key = k;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      const k = randomBytes(32);
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, k, { mode: 0o600 });
      fs.renameSync(tmp, file);
      this.key = k;
    }
    return this.key;
  }

  async wrap(plain: Buffer): Promise<Buffer> {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.masterKey(), iv);
    const body = Buffer.concat([c.update(plain), c.final()]);
    return Buffer.concat([MAGIC, iv, c.getAuthTag(), body]);
  }

  async unwrap(wrapped: Buffer): Promise<Buffer> {
    if (wrapped.length < 32 || !wrapped.subarray(0, 4).equals(MAGIC)) {
      throw new VanthuError('SECRETS_BAD_BLOB', 'Dữ liệu khóa đã bọc không hợp lệ.', 'The wrapped key is not valid.');
    }
    const iv = wrapped.subarray(4, 16);
    const tag = wrapped.subarray(16, 32);
    const d = createDecipheriv('aes-256-gcm', this.masterKey(), iv);
    d.setAuthTag(tag);
    try {
      return Buffer.concat([d.update(wrapped.subarray(32)), d.final()]);
    } catch {
      throw new VanthuError('SECRETS_UNWRAP_FAILED', 'Không mở được khóa: dữ liệu bị sửa hoặc khác hồ sơ.', 'Cannot unwrap the key: data altered or from another profile.');
    }
  }
}
