// The S3 file store against a real S3 protocol server on loopback: s3rver (npm, in-process, files in
// a temp folder) — the blob interface directly, and a gateway storing its files there end to end.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
// @ts-expect-error s3rver ships no types
import S3rver from 's3rver';
import { S3Blobs } from '../../src-server/files';
import { startTestGateway, mkIntent, draftMeta, sha256, type TestGateway } from './fixture';

let server: { run(): Promise<{ port: number }>; close(): Promise<void> };
let endpoint = '';
let dir = '';
const BUCKET = 'vanthu-files';
const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vanthu-s3-'));
  server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir, configureBuckets: [{ name: BUCKET }] });
  const { port } = await server.run();
  endpoint = `http://127.0.0.1:${port}`;
});
afterAll(async () => { await server?.close(); fs.rmSync(dir, { recursive: true, force: true }); });

const store = (prefix = randomUUID()) => new S3Blobs({ bucket: BUCKET, endpoint, credentials, prefix });

describe('S3 blob store (s3rver on 127.0.0.1)', () => {
  it('chains chunks, hashes and commits them, and prunes what no upload owns', async () => {
    const s = store();
    const bytes = randomBytes(70_000);
    const sha = sha256(bytes);
    await s.createPart('k1');
    await s.writePart('k1', 0, bytes.subarray(0, 30_000));
    await s.writePart('k1', 30_000, bytes.subarray(30_000, 60_000));
    await s.writePart('k1', 30_000, bytes.subarray(30_000, 60_000)); // a retry overwrites the same chunk
    await s.writePart('k1', 60_000, bytes.subarray(60_000));
    expect(await s.hashPart('k1', bytes.length)).toBe(sha);
    expect(await s.has(sha)).toBe(false);
    await s.commitPart('k1', sha, bytes.length);
    expect(await s.has(sha)).toBe(true);
    const back: Buffer[] = [];
    for await (const b of (await s.read(sha))!) back.push(b as Buffer);
    expect(Buffer.concat(back).equals(bytes)).toBe(true);
    await s.createPart('keep');
    await s.writePart('keep', 0, Buffer.from('x'));
    await s.writePart('junk', 0, Buffer.from('y'));
    // a part written after the cut-off may be an upload another node has just begun: kept
    await s.pruneParts((k) => k === 'keep', Date.now() - 60_000);
    expect(await s.hashPart('junk', 1)).toBe(sha256(Buffer.from('y')));
    await s.pruneParts((k) => k === 'keep', Date.now() + 1000);
    expect(await s.hashPart('keep', 1)).toBe(sha256(Buffer.from('x')));
    await expect(s.hashPart('junk', 1)).rejects.toThrow(/no chunk/);
    await s.remove(sha);
    expect(await s.read(sha)).toBeUndefined();
  });

  it('serves a gateway whose files live in the bucket: resumable upload, version, download, sweep', async () => {
    let clock = Date.now();
    const t: TestGateway = await startTestGateway({ files: { s3: { bucket: BUCKET, endpoint, credentials, prefix: randomUUID() } }, now: () => clock, sessionTtlMs: 400 * 86400_000 });
    try {
      const tok = await t.login('hd-giatan.chuyenvien');
      const bytes = randomBytes(200_000);
      const sha = sha256(bytes);
      await t.call(tok, 'POST', '/v1/uploads', { sha256: sha, size: bytes.length });
      await t.call(tok, 'PUT', `/v1/uploads/${sha}?offset=0`, bytes.subarray(0, 120_000));
      expect((await t.call(tok, 'POST', '/v1/uploads', { sha256: sha, size: bytes.length })).json.offset).toBe(120_000);
      await t.call(tok, 'PUT', `/v1/uploads/${sha}?offset=120000`, bytes.subarray(120_000));
      expect((await t.call(tok, 'POST', `/v1/uploads/${sha}/finalize`)).json.complete).toBe(true);
      const c = randomUUID();
      const docId = randomUUID();
      await t.call(tok, 'POST', '/v1/push', { clientId: c, intents: [
        mkIntent(c, { kind: 'create_draft', docId, meta: draftMeta() }),
        mkIntent(c, { kind: 'add_version', docId, sha256: sha, size: bytes.length, fileName: 'du-thao.pdf', versionKind: 'draft', parentSha256: null }),
      ] });
      const r = await fetch(`${t.url}/v1/files/${sha}`, { headers: { authorization: `Bearer ${tok}` } });
      expect(sha256(new Uint8Array(await r.arrayBuffer()))).toBe(sha);
      expect(await t.gw.files.verifyAll()).toEqual([]);
      // a wrong hash stores nothing
      const bad = randomBytes(10);
      const claimed = sha256(randomBytes(10));
      await t.call(tok, 'POST', '/v1/uploads', { sha256: claimed, size: 10 });
      await t.call(tok, 'PUT', `/v1/uploads/${claimed}?offset=0`, bad);
      expect((await t.call(tok, 'POST', `/v1/uploads/${claimed}/finalize`)).status).toBe(422);
      // an abandoned partial upload is swept
      const idle = sha256(randomBytes(50));
      await t.call(tok, 'POST', '/v1/uploads', { sha256: idle, size: 50 });
      await t.call(tok, 'PUT', `/v1/uploads/${idle}?offset=0`, randomBytes(20));
      clock += 49 * 3600_000;
      expect((await t.gw.sweep()).partialUploads).toBe(1);
      expect((await t.call(tok, 'GET', `/v1/files/${sha}`)).status).toBe(200);
    } finally { await t.close(); }
  });
});
