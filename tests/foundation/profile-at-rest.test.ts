// The client profile at rest (issue 11, item 4): with a permissive umask the profile folder, the
// host-mode key file, config.json, profile.json and the revocation cache are still user-only.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileKeyProtector } from '../../src-main/services/secrets/key-protector';
import { FileRevocationCache } from '../../src-main/services/verify/revocation-cache';
import { createServiceContext } from '../../src-main/services/context';
import { ProfileManager } from '../../src-main/services/profile/manager';

const mode = (p: string) => fs.statSync(p).mode & 0o777;

describe('the client profile at rest', () => {
  let saved: number;
  let root: string;
  beforeEach(() => {
    saved = process.umask(0o022);
    root = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'vanthu-rest-')), 'profile');
  });
  afterEach(() => {
    process.umask(saved);
    fs.rmSync(path.dirname(root), { recursive: true, force: true });
  });

  it('creates the profile folder, key file, config, choice and revocation cache user-only under umask 022', async () => {
    const ctx = createServiceContext({ runtime: 'host', profileDir: root });
    const m = new ProfileManager({ root, context: ctx, autoDemo: false });
    await m.start();
    await m.useServer({ gatewayUrl: 'https://vanban.example.gov.vn' });
    await new FileKeyProtector(root).wrap(Buffer.from('bí mật'));
    new FileRevocationCache(path.join(root, 'revocation-cache')).put('http://crl.example/ca.crl', new Uint8Array([1, 2, 3]), 'crl');
    expect(mode(root)).toBe(0o700);
    for (const f of ['host-master.key', 'config.json', 'profile.json']) expect(mode(path.join(root, f)), f).toBe(0o600);
    expect(mode(path.join(root, 'revocation-cache', 'crl'))).toBe(0o700);
    const cached = fs.readdirSync(path.join(root, 'revocation-cache', 'crl'));
    expect(cached).toHaveLength(1);
    expect(mode(path.join(root, 'revocation-cache', 'crl', cached[0]))).toBe(0o600);
    await m.close();
    await ctx.close();
  });

  it('tightens a key file and a profile folder that were left readable by others', async () => {
    fs.mkdirSync(root, { mode: 0o755 });
    fs.chmodSync(root, 0o755);
    fs.writeFileSync(path.join(root, 'profile.json'), JSON.stringify({ mode: 'real', since: new Date().toISOString() }), { mode: 0o644 });
    fs.writeFileSync(path.join(root, 'host-master.key'), Buffer.alloc(32, 7), { mode: 0o644 });
    const ctx = createServiceContext({ runtime: 'host', profileDir: root });
    const m = new ProfileManager({ root, context: ctx, autoDemo: false });
    await m.start();
    await new FileKeyProtector(root).wrap(Buffer.from('x'));
    expect(mode(root)).toBe(0o700);
    expect(mode(path.join(root, 'host-master.key'))).toBe(0o600);
    await m.close();
    await ctx.close();
  });
});
