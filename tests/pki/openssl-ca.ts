// Test helper: drives the real `openssl ca -gencrl` and `openssl ocsp` (responder mode) over a
// CA from tests/helpers/pki.ts, with an index file we write, and a loopback HTTP server that
// serves the CRLs and answers OCSP POSTs through openssl (plus a /hang route that never answers).
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { TestEntity } from '../helpers/pki';

function indexTime(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
}
const serialOf = (e: TestEntity) => {
  const h = e.serialHex.toUpperCase();
  return h.length % 2 ? '0' + h : h;
};

export class OpensslCa {
  readonly dir: string;
  constructor(root: string, readonly ca: TestEntity) {
    this.dir = join(root, 'ca-' + ca.name);
    mkdirSync(this.dir, { recursive: true });
    writeFileSync(join(this.dir, 'index.txt'), '');
    writeFileSync(join(this.dir, 'crlnumber'), '01\n');
    writeFileSync(join(this.dir, 'openssl.cnf'), [
      '[ ca ]', 'default_ca = CA_default', '[ CA_default ]', `database = ${join(this.dir, 'index.txt')}`,
      `crlnumber = ${join(this.dir, 'crlnumber')}`, 'default_md = sha256', 'default_crl_days = 30',
      'crl_extensions = crl_ext', '[ crl_ext ]', 'authorityKeyIdentifier = keyid:always', '',
    ].join('\n'));
  }
  addValid(e: TestEntity): void {
    appendFileSync(join(this.dir, 'index.txt'), `V\t${indexTime(new Date(Date.now() + 3 * 365 * 86400_000))}\t\t${serialOf(e)}\tunknown\t/CN=${e.name}\n`);
  }
  revoke(e: TestEntity, at: Date, reason = 'keyCompromise'): void {
    appendFileSync(join(this.dir, 'index.txt'), `R\t${indexTime(new Date(Date.now() + 3 * 365 * 86400_000))}\t${indexTime(at)},${reason}\t${serialOf(e)}\tunknown\t/CN=${e.name}\n`);
  }
  gencrl(): Uint8Array {
    const pem = join(this.dir, 'crl.pem');
    execFileSync('openssl', ['ca', '-gencrl', '-config', join(this.dir, 'openssl.cnf'), '-keyfile', this.ca.keyPemPath, '-cert', this.ca.pemPath, '-out', pem], { stdio: ['ignore', 'ignore', 'pipe'] });
    return new Uint8Array(execFileSync('openssl', ['crl', '-in', pem, '-outform', 'DER']));
  }
  /** Answer a DER OCSP request as responder `signer` (the CA itself or a delegated responder). */
  respond(req: Uint8Array, signer: TestEntity, ndays?: number, noCerts = false): Uint8Array {
    const reqPath = join(this.dir, `req-${process.hrtime.bigint()}.der`);
    const respPath = reqPath.replace('req-', 'resp-');
    writeFileSync(reqPath, req);
    const args = ['ocsp', '-index', join(this.dir, 'index.txt'), '-CA', this.ca.pemPath, '-rsigner', signer.pemPath, '-rkey', signer.keyPemPath, '-reqin', reqPath, '-respout', respPath];
    if (ndays !== undefined) args.push('-ndays', String(ndays));
    if (noCerts) args.push('-resp_no_certs');
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    return new Uint8Array(readFileSync(respPath));
  }
}

export interface RevocationServer {
  url: string;
  crls: Map<string, () => Uint8Array>;
  ocsp?: (req: Uint8Array) => Uint8Array;
  requests: string[];
  close(): Promise<void>;
}

/** Loopback server: GET /crl/<name> → crls.get(name)(), POST /ocsp → ocsp(req), /hang never answers. */
export async function startRevocationServer(): Promise<RevocationServer> {
  const hanging: http.ServerResponse[] = [];
  const state: RevocationServer = { url: '', crls: new Map(), requests: [], close: async () => {} };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.requests.push(`${req.method} ${req.url}`);
      try {
        if (req.url?.startsWith('/hang')) { hanging.push(res); return; }
        if (req.method === 'GET' && req.url?.startsWith('/crl/')) {
          const f = state.crls.get(req.url.slice(5));
          if (!f) { res.writeHead(404).end(); return; }
          res.writeHead(200, { 'content-type': 'application/pkix-crl' }).end(Buffer.from(f()));
          return;
        }
        if (req.method === 'POST' && req.url === '/ocsp' && state.ocsp) {
          res.writeHead(200, { 'content-type': 'application/ocsp-response' }).end(Buffer.from(state.ocsp(new Uint8Array(Buffer.concat(chunks)))));
          return;
        }
        res.writeHead(404).end();
      } catch {
        res.writeHead(500).end();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () => new Promise<void>((r) => { for (const h of hanging) h.destroy(); server.close(() => r()); });
  return state;
}
