// A throw-away PostgreSQL cluster for the tests: initdb + pg_ctl in a temporary folder, listening on
// 127.0.0.1 only at a free port (and a socket in that folder), durability switched off for speed.
// As root, initdb refuses to run, so the cluster then belongs to the `postgres` OS user (Debian's
// package creates it) or, failing that, `nobody`. Used as the vitest globalSetup of the "postgres"
// project (one cluster for the run; tests make a database each) and directly by tests that stop and
// start a cluster of their own.
import { execFileSync, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface Cluster { dir: string; port: number; url: string; bin: string; uid?: number; gid?: number; durable?: boolean }

export function pgBin(): string {
  for (const v of ['17', '16', '15']) { const d = `/usr/lib/postgresql/${v}/bin`; if (fs.existsSync(path.join(d, 'initdb'))) return d; }
  try { return execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim(); } catch { /* fall through */ }
  throw new Error('PostgreSQL not found (apt-get install -y postgresql; scripts/system-packages.mjs lists it)');
}

function owner(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  for (const name of ['postgres', 'nobody']) {
    try {
      const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
      return { uid, gid };
    } catch { /* next */ }
  }
  throw new Error('running as root and no unprivileged user (postgres, nobody) to own the test cluster');
}

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = net.createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => res(p)); });
  });
}

function run(c: Pick<Cluster, 'bin' | 'uid' | 'gid'>, tool: string, args: string[], opts: SpawnSyncOptions = {}): void {
  const r = spawnSync(path.join(c.bin, tool), args, { uid: c.uid, gid: c.gid, encoding: 'utf8', cwd: os.tmpdir(), ...opts });
  if (r.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed (${r.status}): ${r.stderr || r.stdout}`);
}

/** `durable`: keep fsync and synchronous commit (for tests that stop the server and expect their data back). */
export async function startCluster(o: { durable?: boolean } = {}): Promise<Cluster> {
  const bin = pgBin();
  const who = owner();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vanthu-pg-'));
  if (who.uid !== undefined) fs.chownSync(dir, who.uid, who.gid!);
  fs.chmodSync(dir, 0o700);
  const c: Cluster = { dir, port: await freePort(), url: '', bin, ...who, durable: o.durable };
  run(c, 'initdb', ['-D', path.join(dir, 'data'), '-A', 'trust', '-U', 'vanthu', '-E', 'UTF8', '--locale=C', '--no-sync']);
  startServer(c);
  c.url = `postgres://vanthu@127.0.0.1:${c.port}/postgres`;
  return c;
}

/** (Re)start the server of an initialised cluster on its port. */
export function startServer(c: Cluster): void {
  const o = [
    `-c listen_addresses=127.0.0.1 -p ${c.port} -c unix_socket_directories=${c.dir}`,
    c.durable ? '' : '-c fsync=off -c synchronous_commit=off -c full_page_writes=off',
    '-c max_connections=400 -c shared_buffers=64MB',
  ].join(' ');
  run(c, 'pg_ctl', ['-D', path.join(c.dir, 'data'), '-o', o, '-l', path.join(c.dir, 'log'), '-w', '-t', '60', 'start']);
}

/** Stop the server (fast: sessions are cut, as when a database host goes away). */
export function stopServer(c: Cluster): void {
  run(c, 'pg_ctl', ['-D', path.join(c.dir, 'data'), '-m', 'immediate', '-w', 'stop']);
}

export function removeCluster(c: Cluster): void {
  try { stopServer(c); } catch { /* already stopped */ }
  fs.rmSync(c.dir, { recursive: true, force: true });
}

// vitest globalSetup: one cluster for the project's run, its URL exported to the test workers.
export default async function setup({ provide }: { provide?: (k: string, v: unknown) => void } = {}) {
  const c = await startCluster();
  process.env.VANTHU_TEST_PG_URL = c.url;
  provide?.('pgUrl', c.url);
  return () => removeCluster(c);
}
