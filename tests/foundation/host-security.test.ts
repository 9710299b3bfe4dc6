// Host mode against a hostile local user and hostile frames (issue 11, items 1 and 2):
// - a second local user (uid nobody, started with runuser) reads every command line it can and
//   tries every token-like string it finds, and the launch page file, against the bridge: nothing
//   gets in; the launcher prints no code when it opens the browser itself;
// - malformed WebSocket frames (a 2^40-byte length, RSV1 set, an unmasked frame) and a 17 MiB
//   message end only their own socket: host mode keeps serving; idle connections are closed.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/browser';
import { repoRoot, startHost, type TestHost } from '../helpers/host';
import { decodeFrame, encodeFrame } from '../../src-shared/ipc/frame';

const codeOf = (url: string) => 'c.' + /#c=([A-Za-z0-9_-]+)/.exec(url)![1];

/** One app.info round trip over a fresh page credential: proves the bridge still serves. */
async function appInfo(host: TestHost): Promise<string> {
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}/__vanthu/ws`, ['vanthu.v1', codeOf(host.newLaunchUrl())], { origin: host.origin });
  try {
    return await new Promise<string>((resolve, reject) => {
      ws.on('error', reject);
      ws.on('message', (d) => {
        const m = JSON.parse(String(d));
        if (m.type === 'ready') ws.send(JSON.stringify({ type: 'invoke', id: 1, channel: 'app.info', payload: {} }));
        if (m.type === 'result') resolve(m.result.value.runtime);
      });
    });
  } finally {
    ws.close();
  }
}

/** A raw TCP connection that completed the WebSocket handshake with a valid code. */
async function rawBridge(host: TestHost): Promise<net.Socket> {
  const sock = net.connect(host.port, '127.0.0.1');
  await new Promise((r) => sock.once('connect', r));
  const key = randomBytes(16).toString('base64');
  sock.write(
    `GET /__vanthu/ws HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nOrigin: ${host.origin}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: vanthu.v1, ${codeOf(host.newLaunchUrl())}\r\n\r\n`,
  );
  const head = await new Promise<string>((resolve) => sock.once('data', (d) => resolve(d.toString('latin1'))));
  expect(head).toMatch(/^HTTP\/1\.1 101/);
  const accept = createHash('sha1').update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
  expect(head).toContain(accept);
  return sock;
}

function frame(payload: Buffer, o: { opcode?: number; rsv1?: boolean; mask?: boolean; fakeLength?: bigint } = {}): Buffer {
  const b0 = 0x80 | (o.rsv1 ? 0x40 : 0) | (o.opcode ?? 1);
  const mask = o.mask ?? true;
  const len = o.fakeLength ?? BigInt(payload.length);
  let head: Buffer;
  if (len < 126n) head = Buffer.from([b0, (mask ? 0x80 : 0) | Number(len)]);
  else if (len < 65536n) head = Buffer.from([b0, (mask ? 0x80 : 0) | 126, Number(len) >> 8, Number(len) & 0xff]);
  else {
    head = Buffer.alloc(10);
    head[0] = b0;
    head[1] = (mask ? 0x80 : 0) | 127;
    head.writeBigUInt64BE(len, 2);
  }
  if (!mask) return Buffer.concat([head, payload]);
  const key = randomBytes(4);
  const body = Buffer.from(payload.map((c, i) => c ^ key[i % 4]));
  return Buffer.concat([head, key, body]);
}

const ended = (sock: net.Socket) => new Promise<void>((r) => { if (sock.destroyed) r(); else sock.once('close', () => r()); });

describe('host-mode bridge against hostile frames', () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startHost();
  });
  afterAll(async () => {
    await host?.close();
  });

  it('survives a frame declaring 2^40 bytes, a frame with RSV1 set and an unmasked frame, each ending only its socket', async () => {
    for (const bad of [
      frame(Buffer.from('{}'), { fakeLength: 2n ** 40n }),
      frame(Buffer.from('{"type":"invoke"}'), { rsv1: true }),
      frame(Buffer.from('{"type":"invoke","id":1,"channel":"app.info","payload":{}}'), { mask: false }),
      frame(Buffer.from('x'), { opcode: 0x3 }), // reserved opcode
    ]) {
      const sock = await rawBridge(host);
      sock.on('error', () => undefined);
      sock.write(bad);
      await ended(sock);
      expect(await appInfo(host)).toBe('host');
    }
  });

  it('accepts an authenticated 17 MiB message (above the old 16 MiB limit) and answers it with a typed error', async () => {
    const big = JSON.stringify({ type: 'invoke', id: 7, channel: 'app.echo', payload: { text: 'a'.repeat(17 * 1024 * 1024) } });
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/__vanthu/ws`, ['vanthu.v1', codeOf(host.newLaunchUrl())], { origin: host.origin });
    const result = await new Promise<{ ok: boolean; error?: { code: string } }>((resolve, reject) => {
      ws.on('error', reject);
      ws.on('message', (d) => {
        const m = JSON.parse(String(d));
        if (m.type === 'ready') ws.send(big);
        if (m.type === 'result') resolve(m.result);
      });
    });
    ws.close();
    expect(result).toMatchObject({ ok: false, error: { code: 'IPC_INVALID_PAYLOAD' } });
    expect(await appInfo(host)).toBe('host');
  });

  it('carries a 100 MB PDF as one binary frame of its own size (not base64) and answers it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vanthu-binary-'));
    const file = path.join(dir, 'big.pdf');
    spawnSync('python3', [path.join(repoRoot, '../shared/tools/mkpdf.py'), file, '100', '100'], { stdio: 'ignore' });
    const data = new Uint8Array(fs.readFileSync(file));
    expect(data.length).toBeGreaterThan(99 * 1000 * 1000);
    const request = encodeFrame({ type: 'invoke', id: 9, channel: 'verify.pdf', payload: { name: 'big.pdf', data, offline: true } });
    // the PDF's bytes plus a small envelope: no 4/3 growth
    expect(request.length).toBeLessThan(data.length + 1024);
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/__vanthu/ws`, ['vanthu.v1', codeOf(host.newLaunchUrl())], { origin: host.origin });
    const result = await new Promise<{ ok: boolean; value?: { signatures: unknown[]; fileName?: string }; error?: unknown }>((resolve, reject) => {
      ws.on('error', reject);
      ws.on('message', (d, isBinary) => {
        const m = (isBinary ? decodeFrame(new Uint8Array(d as Buffer)) : JSON.parse(String(d))) as { type: string; result?: never };
        if (m.type === 'ready') ws.send(request, { binary: true });
        if (m.type === 'result') resolve(m.result!);
      });
    });
    ws.close();
    fs.rmSync(dir, { recursive: true, force: true });
    expect(result.error).toBeUndefined();
    expect(result.ok).toBe(true);
    expect(result.value!.signatures).toEqual([]);
    // JSON with the PDF in it is refused by the contract: bytes are bytes, never strings
    const ws2 = new WebSocket(`ws://127.0.0.1:${host.port}/__vanthu/ws`, ['vanthu.v1', codeOf(host.newLaunchUrl())], { origin: host.origin });
    const refused = await new Promise<{ ok: boolean; error?: { code: string } }>((resolve, reject) => {
      ws2.on('error', reject);
      ws2.on('message', (d) => {
        const m = JSON.parse(String(d));
        if (m.type === 'ready') ws2.send(JSON.stringify({ type: 'invoke', id: 3, channel: 'verify.pdf', payload: { name: 'a.pdf', data: Buffer.from('%PDF-1.7').toString('base64') } }));
        if (m.type === 'result') resolve(m.result);
      });
    });
    ws2.close();
    expect(refused).toMatchObject({ ok: false, error: { code: 'IPC_INVALID_PAYLOAD' } });
  }, 60_000);

  it('opens no socket for an upgrade without a code, and closes idle connections that never send a request', async () => {
    const idle: net.Socket[] = [];
    for (let i = 0; i < 40; i++) {
      const s = net.connect(host.port, '127.0.0.1');
      s.on('error', () => undefined);
      idle.push(s);
    }
    await Promise.all(idle.map((s) => new Promise((r) => s.once('connect', r))));
    // an upgrade that offers no code is answered 401 at once, without a WebSocket
    const raw = net.connect(host.port, '127.0.0.1');
    await new Promise((r) => raw.once('connect', r));
    raw.write(`GET /__vanthu/ws HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nOrigin: ${host.origin}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: vanthu.v1\r\n\r\n`);
    const answer = await new Promise<string>((r) => raw.once('data', (d) => r(d.toString('latin1'))));
    expect(answer).toMatch(/^HTTP\/1\.1 401/);
    await ended(raw);
    expect(host.bridgeSockets).toBe(0);
    // the idle ones are closed by the server's header timeout
    await Promise.all(idle.map(ended));
    expect(idle.every((s) => s.destroyed)).toBe(true);
    expect(await appInfo(host)).toBe('host');
  }, 30_000);
});

describe('host mode against another local user', () => {
  let browser: Browser;
  let child: ChildProcess | null = null;
  let tmp: string;
  beforeAll(async () => {
    browser = await launchChromium();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vanthu-hostile-'));
    fs.chmodSync(tmp, 0o755);
  });
  afterAll(async () => {
    child?.kill('SIGTERM');
    await browser?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('gives nobody (another uid) nothing that opens the bridge: not the command lines, not the launch page, not stdout', async () => {
    // The launcher opens "the browser" itself (a display is claimed); the stand-in browser records
    // its command line, as /proc shows it to everyone, and stays running like a browser would.
    const fakeBrowser = path.join(tmp, 'browser.sh');
    fs.writeFileSync(fakeBrowser, `#!/bin/sh\necho "$@" > ${tmp}/browser-args.txt\nexec sleep 120\n`, { mode: 0o755 });
    const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vanthu-hostile-profile-'));
    child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'src-main', 'host', 'main.ts')], {
      cwd: repoRoot,
      env: { ...process.env, DISPLAY: ':99', VANTHU_BROWSER: fakeBrowser, VANTHU_PROFILE_DIR: profileDir, VANTHU_NO_BROWSER: '', CI: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    await expect.poll(() => fs.existsSync(path.join(tmp, 'browser-args.txt')) && /serving on 127\.0\.0\.1:(\d+)/.test(out), { timeout: 60_000 }).toBe(true);
    const port = Number(/serving on 127\.0\.0\.1:(\d+)/.exec(out)![1]);
    expect(out).not.toMatch(/#c=|#k=|VANTHU_HOST_URL/); // nothing to copy from the launcher's output

    const args = fs.readFileSync(path.join(tmp, 'browser-args.txt'), 'utf8');
    const launchFile = /--app=file:\/\/(\S+)/.exec(args)![1];
    expect(args).not.toMatch(/#c=/);
    expect(fs.statSync(launchFile).mode & 0o777).toBe(0o600);
    const url = /url=([^"]+)"/.exec(fs.readFileSync(launchFile, 'utf8'))![1];

    // nobody scans the machine while the page is not open yet, then again after it is
    const probe = path.join(tmp, 'probe.mjs');
    fs.writeFileSync(probe, PROBE, { mode: 0o644 });
    const runProbe = () => {
      const r = spawnSync('runuser', ['-u', 'nobody', '--', process.execPath, probe, String(port), launchFile], { encoding: 'utf8', timeout: 60_000 });
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as { candidates: number; accepted: string[]; launchFileReadable: boolean; statuses: number[] };
    };
    const before = runProbe();
    expect(before.launchFileReadable).toBe(false);
    expect(before.accepted).toEqual([]);
    expect(before.candidates).toBeGreaterThan(0); // it did find token-like strings (e.g. other processes' arguments) and tried them
    expect(new Set(before.statuses)).toEqual(new Set([401]));

    // The real user's page opens the launch URL and works; the launch page is gone.
    const page = await browser.newPage();
    await page.goto(url);
    await page.getByTestId('demo-banner').waitFor({ timeout: 30_000 });
    expect(fs.existsSync(launchFile)).toBe(false);

    const after = runProbe();
    expect(after.accepted).toEqual([]);
    // even someone who somehow saw the URL cannot use it a second time
    const second = await browser.newPage();
    await second.goto(url);
    await second.getByRole('alert').waitFor();
    expect(await second.getByRole('alert').innerText()).toMatch(/đã được dùng/);
    await page.close();
    await second.close();
    child.kill('SIGTERM');
    fs.rmSync(profileDir, { recursive: true, force: true });
  }, 120_000);
});

// Runs as nobody: reads every /proc/<pid>/cmdline it may, takes every token-like string in them,
// and offers each as a launch code and as a session to the bridge; tries the launch page file.
const PROBE = `
import fs from 'node:fs';
import http from 'node:http';
const [port, launchFile] = process.argv.slice(2);
const found = new Set();
for (const pid of fs.readdirSync('/proc').filter((p) => /^\\d+$/.test(p))) {
  for (const f of ['cmdline', 'environ']) {
    try { for (const m of fs.readFileSync('/proc/' + pid + '/' + f, 'latin1').matchAll(/[A-Za-z0-9_-]{20,}/g)) found.add(m[0]); } catch {}
  }
}
let launchFileReadable = true;
try { fs.readFileSync(launchFile); } catch { launchFileReadable = false; }
const tryOne = (protocols) => new Promise((resolve) => {
  const req = http.request({ host: '127.0.0.1', port, path: '/__vanthu/ws', headers: {
    Host: '127.0.0.1:' + port, Origin: 'http://127.0.0.1:' + port, Upgrade: 'websocket', Connection: 'Upgrade',
    'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Protocol': protocols } });
  req.on('upgrade', (res, socket) => { socket.destroy(); resolve(101); });
  req.on('response', (res) => { res.resume(); resolve(res.statusCode); });
  req.on('error', () => resolve(0));
  req.end();
});
const accepted = [];
const statuses = [];
const candidates = [...found].slice(0, 400);
for (const c of candidates) {
  for (const p of ['vanthu.v1, c.' + c, 'vanthu.v1, s.' + c]) {
    const s = await tryOne(p);
    statuses.push(s);
    if (s === 101) accepted.push(p);
  }
}
statuses.push(await tryOne('vanthu.v1'));
process.stdout.write(JSON.stringify({ candidates: candidates.length, accepted, launchFileReadable, statuses }));
`;
