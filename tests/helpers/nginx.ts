// nginx (Debian's package) as the load balancer in front of several gateway nodes, for tests and
// bench/gateway.ts: a private prefix directory with its own configuration, pid, logs and temp
// paths, listening on 127.0.0.1 only (a free port), run in the foreground as a child process so
// it never outlives the test. Upstreams are round-robin; a node that refuses the connection, fails
// or times out is skipped for the request (proxy_next_upstream, also for POST: every gateway write
// is idempotent — intents carry their id and sequence, upload chunks their offset) and marked down
// for a few seconds (max_fails/fail_timeout), as a production set-up would do.

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => fs.existsSync(p)) ?? 'nginx';

export interface Nginx {
  url: string;
  port: number;
  /** Replace the upstream list (nginx reloads with SIGHUP, no request dropped). */
  setUpstreams(ports: number[]): Promise<void>;
  /** The access log's lines (see parseAccessLine). */
  accessLog(): string[];
  /** The access log, parsed. */
  accesses(): Access[];
  /** The error log's lines (an upstream that failed mid-request is named there). */
  errorLog(): string[];
  close(): Promise<void>;
}

/** One access-log line: when (ms), every upstream tried in order with its status, the final status. */
export interface Access { at: number; upstreams: string[]; upstreamStatus: string[]; status: number; method: string; url: string; line: string }

export function parseAccessLine(line: string): Access | null {
  const m = /^(\d+\.\d+) "([^"]*)" "([^"]*)" (\d+) "(\S+) (\S+)[^"]*" /.exec(line);
  if (!m) return null;
  // Several upstreams tried: "a, b"; a jump to another upstream group: "a, b : c".
  const list = (v: string) => v.split(/\s*,\s*|\s+:\s+/).map((x) => x.trim()).filter((x) => x && x !== '-');
  return { at: Math.round(Number(m[1]) * 1000), upstreams: list(m[2]), upstreamStatus: list(m[3]), status: Number(m[4]), method: m[5], url: m[6], line };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function config(dir: string, port: number, upstreams: number[]): string {
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  return `
${asRoot ? 'user root root;' : ''}
worker_processes 1;
daemon off;
master_process on;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  log_format combined_upstream '$msec "$upstream_addr" "$upstream_status" $status "$request" $request_time';
  access_log ${dir}/access.log combined_upstream;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  client_max_body_size 64m;
  upstream gateway {
${upstreams.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=3s;`).join('\n')}
    keepalive 64;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://gateway;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_next_upstream error timeout http_502 http_503 non_idempotent;
      proxy_next_upstream_tries 3;
      proxy_connect_timeout 1s;
      proxy_read_timeout 30s;
      proxy_request_buffering on;
      proxy_buffering off;
    }
  }
}
`;
}

async function waitListening(port: number, child: ChildProcess, errorLog: string, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited (${child.exitCode}): ${readOr(errorLog)}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => { s.destroy(); resolve(true); });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`nginx did not listen on 127.0.0.1:${port}: ${readOr(errorLog)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function readOr(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim().slice(-2000);
  } catch {
    return '';
  }
}

/** Start nginx on 127.0.0.1 in front of the given upstream ports (all on 127.0.0.1). */
export async function startNginx(dir: string, upstreams: number[]): Promise<Nginx> {
  fs.mkdirSync(dir, { recursive: true });
  for (const d of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) fs.mkdirSync(path.join(dir, d), { recursive: true });
  const port = await freePort();
  const conf = path.join(dir, 'nginx.conf');
  fs.writeFileSync(conf, config(dir, port, upstreams));
  const errorLog = path.join(dir, 'error.log');
  // -e: the error log before the configuration is read (else /var/log/nginx, not ours)
  const child = spawn(NGINX, ['-p', dir, '-c', conf, '-e', errorLog], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  try {
    await waitListening(port, child, errorLog);
  } catch (e) {
    child.kill('SIGKILL');
    throw new Error(`${(e as Error).message} ${stderr}`);
  }
  const nginx: Nginx = {
    url: `http://127.0.0.1:${port}`,
    port,
    async setUpstreams(ports) {
      fs.writeFileSync(conf, config(dir, port, ports));
      child.kill('SIGHUP');
      await new Promise((r) => setTimeout(r, 300));
    },
    accessLog() {
      try {
        return fs.readFileSync(path.join(dir, 'access.log'), 'utf8').split('\n').filter(Boolean);
      } catch {
        return [];
      }
    },
    accesses() {
      return nginx.accessLog().map(parseAccessLine).filter((a): a is Access => a !== null);
    },
    errorLog() {
      try {
        return fs.readFileSync(errorLog, 'utf8').split('\n').filter(Boolean);
      } catch {
        return [];
      }
    },
    async close() {
      if (child.exitCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGQUIT');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(t);
    },
  };
  return nginx;
}
