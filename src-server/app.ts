// The provincial sync gateway: a Fastify app over the database (SQLite embedded, or PostgreSQL
// shared by several nodes; src-server/db) and the file store (a folder or S3; src-server/files).
// A node keeps no state of its own: sessions, rate-limit windows, upload state and the change feed
// are in the database, bytes in the shared store, so any node can answer any request. Every route except
// login, health and /openapi.json requires a bearer session; every document and file access is
// checked against the caller's organisation. startGateway() binds 127.0.0.1 by default.
// Rate limits: each request is authenticated first (onRequest), then counted per user, or per
// client address when it carries no valid session; logins are limited per client address and,
// for failed attempts, per username. Behind a reverse proxy set trustProxy so the client address
// comes from X-Forwarded-For.
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import path from 'node:path';
import type { z } from 'zod';
import { openDatabase, isUnavailable, type GatewayDb } from './db';
import { FileStore, FolderBlobs, S3Blobs, privateDir, type BlobStore, type S3Options, type UploadLimits } from './files';
import { Windows, WindowCounter, rateLimitStore } from './limits';
import { registerOps } from './http/ops';
import { LOG_REDACT } from './log';
import { Documents } from './documents';
import { authenticate, login, logout, revokeUserSessions, isInSubtree, type AuthUser } from './auth';
import { E, HttpError } from './errors';
import { buildOpenApi } from './openapi';
import {
  API_PREFIX, MAX_CHUNK_BYTES, MAX_JSON_BYTES, loginRequest, pushRequest, uploadStart, revokeRequest,
} from '../src-shared/sync/protocol';

export interface GatewayOptions {
  /** Node-local folder: the SQLite database (when no databaseUrl) and, by default, the file store. */
  dataDir: string;
  /** postgres://… to use PostgreSQL (shared by all nodes); absent: SQLite in dataDir/gateway.sqlite. */
  databaseUrl?: string;
  /** PostgreSQL pool: connections per node, requests allowed to wait, and how long (defaults 10, 200, 5 s). */
  pool?: { max?: number; queueMax?: number; acquireTimeoutMs?: number };
  /** The shared file store: a folder (default: dataDir) or S3-compatible object storage. */
  files?: { dir?: string } | { s3: S3Options } | { blobs: BlobStore };
  host?: string;
  port?: number;
  sessionTtlMs?: number;
  /** Requests per minute per authenticated user, or per client address without a valid session (default 600). */
  rateLimitPerMinute?: number;
  /** Login attempts per minute per client address, right or wrong (default 300, so one office keeps working). */
  loginRateLimitPerMinute?: number;
  /** Failed logins of one username that lock it for the rest of `loginLockMs` (default 10). */
  loginFailuresPerUser?: number;
  /** Window of `loginFailuresPerUser`, from the first failure (default 15 min). */
  loginLockMs?: number;
  /** Fastify's trustProxy: true, a hop count, or the proxies' addresses. Default false: X-Forwarded-For is ignored. */
  trustProxy?: boolean | number | string | string[];
  /** Quotas on unfinished uploads and the sweep's ages (defaults in DEFAULT_UPLOAD_LIMITS). */
  uploadLimits?: Partial<UploadLimits>;
  /** How often sweep() runs by itself, on an unref'd timer; 0 = never (default 1 h, so short-lived test gateways never see it). */
  sweepIntervalMs?: number;
  /** Extra allowed CORS origins beyond the desktop app (app://vanthu), http://127.0.0.1:* and http://localhost:*. */
  corsOrigins?: string[];
  now?: () => number;
  /** close(): how long requests in flight may finish before their connections are cut (default 2 s). */
  closeGraceMs?: number;
  /** false (default): no logs; true: pino JSON lines at info; or a pino logger to use. Secrets are redacted. */
  logger?: boolean | import('fastify').FastifyBaseLogger;
}

export interface Gateway {
  app: FastifyInstance;
  db: GatewayDb;
  files: FileStore;
  docs: Documents;
  url: string;
  port: number;
  /** Delete abandoned partial uploads and old stored files no version uses. */
  sweep(now?: number): Promise<{ partialUploads: number; unusedFiles: number }>;
  close(): Promise<void>;
}

const SHA = /^[0-9a-f]{64}$/;

function parse<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const r = schema.safeParse(body);
  if (!r.success) {
    const first = r.error.issues[0];
    throw E.invalid(`${first.path.join('.') || 'body'}: ${first.message}`);
  }
  return r.data;
}

function shaParam(req: FastifyRequest): string {
  const sha = (req.params as { sha?: string }).sha ?? '';
  if (!SHA.test(sha)) throw new HttpError(400, 'INVALID_FILE_ID', 'Mã tệp không hợp lệ (phải là SHA-256).', 'Invalid file id (must be a SHA-256 hex).');
  return sha;
}

/** Fastify's trustProxy from ours. Fastify ignores a bare hop count (it fails closed), so a number becomes "trust the nearest N hops". */
function trustProxyOption(tp: GatewayOptions['trustProxy']): boolean | string | string[] | ((addr: string, hop: number) => boolean) {
  return typeof tp === 'number' ? (_addr: string, hop: number) => hop < tp : tp ?? false;
}

export async function buildGateway(opts: GatewayOptions): Promise<Omit<Gateway, 'url' | 'port'>> {
  privateDir(opts.dataDir);
  const now = opts.now ?? Date.now;
  const db = await openDatabase({
    url: opts.databaseUrl, sqliteFile: path.join(opts.dataDir, 'gateway.sqlite'),
    poolMax: opts.pool?.max, queueMax: opts.pool?.queueMax, acquireTimeoutMs: opts.pool?.acquireTimeoutMs,
  });
  let files: FileStore;
  try {
    const fo = opts.files;
    const blobs = fo && 'blobs' in fo ? fo.blobs : fo && 's3' in fo ? new S3Blobs(fo.s3) : new FolderBlobs(fo?.dir ?? opts.dataDir);
    files = await FileStore.open(db, blobs, opts.uploadLimits, now);
  } catch (e) { await db.close(); throw e; }
  const docs = new Documents(db, files, now);
  const windows = new Windows(db, now);
  const ttl = opts.sessionTtlMs ?? 12 * 3600_000;
  const logger = opts.logger;
  const app = Fastify({
    ...(logger && typeof logger === 'object' ? { loggerInstance: logger } : { logger: logger ? { level: 'info', redact: LOG_REDACT } : false }),
    bodyLimit: MAX_JSON_BYTES, trustProxy: trustProxyOption(opts.trustProxy),
  });

  // Bearer tokens, never cookies: CORS only decides which pages may read answers at all.
  const corsOk = (origin: string) =>
    origin === 'app://vanthu' || /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/.test(origin) || (opts.corsOrigins ?? []).includes(origin);
  app.addHook('onRequest', async (req, reply) => {
    const origin = req.headers.origin;
    if (origin && corsOk(origin)) {
      reply.header('access-control-allow-origin', origin).header('vary', 'Origin')
        .header('access-control-expose-headers', 'retry-after')
        .header('access-control-allow-headers', 'authorization, content-type')
        .header('access-control-allow-methods', 'GET, POST, PUT, OPTIONS');
    }
    if (req.method === 'OPTIONS') return reply.code(204).send();
  });

  // Authenticate before rate limiting, without failing here: routes that need a session call
  // auth(), and the limiter keys a request by its user only when the token was valid.
  const users = new WeakMap<FastifyRequest, AuthUser>();
  app.addHook('onRequest', async (req) => {
    if (!req.headers.authorization) return;
    try { users.set(req, await authenticate(db, req.headers.authorization, now())); } catch (e) { if (!(e instanceof HttpError)) throw e; }
  });
  const auth = (req: FastifyRequest): AuthUser => {
    const u = users.get(req);
    if (!u) throw E.unauthenticated();
    return u;
  };

  await app.register(rateLimit, {
    global: true,
    hook: 'preParsing', // after onRequest (so after authentication), before a body is read
    max: opts.rateLimitPerMinute ?? 600,
    timeWindow: 60_000,
    store: rateLimitStore(windows, now),
    keyGenerator: (req) => { const u = users.get(req); return u ? `user:${u.id}` : `ip:${req.ip}`; },
    errorResponseBuilder: (_req, ctx) => E.rateLimited(Math.ceil(ctx.ttl / 1000)),
  });

  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer', bodyLimit: MAX_CHUNK_BYTES }, (_req, body, done) => done(null, body));

  app.setErrorHandler((err: any, _req, reply) => {
    let e: HttpError;
    if (err instanceof HttpError) e = err;
    else if (isUnavailable(err)) {
      // Fail fast while the database is away; the pool reconnects by itself when it is back.
      app.log.warn({ err: { message: String(err.message), code: err.code } }, 'database unavailable');
      e = Object.assign(new HttpError(503, 'DB_UNAVAILABLE', 'Máy chủ tạm thời không truy cập được cơ sở dữ liệu; hãy thử lại sau.', 'The database is temporarily unavailable; retry later.'), { retryAfterS: 5 });
    }
    else if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || err.statusCode === 413) e = E.tooLarge();
    else if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || err.statusCode === 415) e = new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Kiểu dữ liệu không được hỗ trợ.', 'Unsupported media type.');
    else if (err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || err instanceof SyntaxError || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY')
      e = new HttpError(400, 'MALFORMED_JSON', 'Dữ liệu JSON không hợp lệ.', 'Malformed JSON body.');
    else if (err.statusCode === 429) e = new HttpError(429, 'RATE_LIMITED', 'Quá nhiều yêu cầu.', 'Too many requests.');
    else if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) e = E.invalid(String(err.message).slice(0, 200));
    else {
      app.log.error(err);
      e = new HttpError(500, 'INTERNAL', 'Lỗi máy chủ.', 'Server error.');
    }
    if (e.retryAfterS) reply.header('retry-after', String(e.retryAfterS));
    reply.code(e.status).send({ error: { code: e.code, message_vi: e.message_vi, message_en: e.message_en, ...(e.details ? { details: e.details } : {}) } });
  });
  app.setNotFoundHandler((req, reply) => {
    reply.code(404).send({ error: { code: 'NOT_FOUND', message_vi: 'Không có địa chỉ này.', message_en: `No route ${req.method} ${req.url.split('?')[0]}` } });
  });

  registerOps(app, db);
  app.get('/openapi.json', async () => buildOpenApi());

  // Login has its own limits instead of the global one: attempts per client address, and failed
  // attempts per username (an attempt counts as failed until its password proves right, so a
  // burst of parallel guesses cannot overshoot). A locked username is refused even with the
  // right password, the same way whether or not it exists.
  const loginLockMs = opts.loginLockMs ?? 15 * 60_000;
  const loginPerAddress = new WindowCounter(windows, 'login-ip', opts.loginRateLimitPerMinute ?? 300, 60_000, now);
  const loginPerUser = new WindowCounter(windows, 'login-user', opts.loginFailuresPerUser ?? 10, loginLockMs, now);
  app.post(`${API_PREFIX}/auth/login`, { config: { rateLimit: false } }, async (req) => {
    const wait = await loginPerAddress.wait(req.ip);
    if (wait) throw E.rateLimited(wait);
    await loginPerAddress.hit(req.ip);
    const b = parse(loginRequest, req.body);
    const locked = await loginPerUser.wait(b.username);
    if (locked) throw E.loginLocked(locked);
    await loginPerUser.hit(b.username);
    const session = await login(db, b.username, b.password, ttl, now());
    await loginPerUser.undo(b.username);
    return session;
  });
  app.post(`${API_PREFIX}/auth/logout`, async (req) => { auth(req); await logout(db, req.headers.authorization); return { ok: true }; });
  app.get(`${API_PREFIX}/me`, async (req) => ({ user: auth(req) }));
  app.get(`${API_PREFIX}/orgs`, async (req) => {
    auth(req);
    return { orgs: await db.k.selectFrom('orgs').select(['id', 'parent_id as parentId', 'name', 'abbr', 'kind']).orderBy('name').execute() };
  });
  app.post(`${API_PREFIX}/admin/revoke`, async (req) => {
    const u = auth(req);
    if (u.role !== 'admin') throw E.forbidden('admin');
    const b = parse(revokeRequest, req.body);
    const target = await db.k.selectFrom('users').select('org_id').where('id', '=', b.userId).executeTakeFirst();
    if (!target || !(await isInSubtree(db, target.org_id, u.orgId))) throw E.forbidden('user');
    return { revoked: await revokeUserSessions(db, b.userId) };
  });

  app.post(`${API_PREFIX}/push`, async (req) => {
    const u = auth(req);
    return docs.push(u, parse(pushRequest, req.body));
  });
  app.get(`${API_PREFIX}/changes`, async (req) => {
    const u = auth(req);
    const q = req.query as { after?: string; limit?: string };
    const after = Number(q.after ?? 0);
    const limit = Math.min(Math.max(Number(q.limit ?? 500), 1), 1000);
    if (!Number.isSafeInteger(after) || after < 0 || !Number.isFinite(limit)) throw E.invalid('after/limit');
    return docs.changes(u.orgId, after, Math.floor(limit));
  });

  app.post(`${API_PREFIX}/uploads`, async (req) => {
    const u = auth(req);
    const b = parse(uploadStart, req.body);
    return files.start(u.orgId, u.id, b.sha256, b.size, now());
  });
  app.get(`${API_PREFIX}/uploads/:sha`, async (req) => {
    const u = auth(req);
    return files.state(u.orgId, shaParam(req), u.id);
  });
  app.put(`${API_PREFIX}/uploads/:sha`, async (req) => {
    const u = auth(req);
    const sha = shaParam(req);
    if (!Buffer.isBuffer(req.body)) throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Phần tệp phải là application/octet-stream.', 'A chunk must be application/octet-stream.');
    const offset = Number((req.query as { offset?: string }).offset);
    if (!Number.isSafeInteger(offset) || offset < 0) throw E.invalid('offset');
    return files.append(u.orgId, sha, offset, req.body, u.id);
  });
  app.post(`${API_PREFIX}/uploads/:sha/finalize`, async (req) => {
    const u = auth(req);
    return files.finalize(u.orgId, shaParam(req), now(), u.id);
  });
  app.get(`${API_PREFIX}/files/:sha`, async (req, reply: FastifyReply) => {
    const u = auth(req);
    const sha = shaParam(req);
    if (!(await docs.canReadFile(u.orgId, sha))) throw E.notFound('file');
    const body = await files.read(sha);
    reply.header('content-type', 'application/octet-stream').header('x-content-sha256', sha);
    return reply.send(body);
  });

  const sweep = async (at = now()) => {
    const r = await files.sweep(at);
    await windows.sweep(Math.max(loginLockMs, 60_000) + 3600_000);
    return r;
  };
  const every = opts.sweepIntervalMs ?? 3600_000;
  let sweeping = false;
  const timer = every > 0 ? setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    sweep().catch((e) => app.log.error(e)).finally(() => { sweeping = false; });
  }, every) : undefined;
  timer?.unref();

  return {
    app, db, files, docs, sweep,
    async close() {
      clearInterval(timer);
      // Requests in flight get a bounded grace, then their connections are cut: app.close() alone
      // waits for every open request, and one whose client stalled mid-body (an upload stopped
      // half-way) held it for Node's ~70 s request/keep-alive timeouts.
      const closing = app.close();
      const cut = setTimeout(() => app.server.closeAllConnections(), opts.closeGraceMs ?? 2000);
      try { await closing; } finally { clearTimeout(cut); }
      await db.close();
    },
  };
}

export async function startGateway(opts: GatewayOptions): Promise<Gateway> {
  const g = await buildGateway(opts);
  const host = opts.host ?? '127.0.0.1';
  await g.app.listen({ host, port: opts.port ?? 0 });
  const addr = g.app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port ?? 0;
  return { ...g, url: `http://${host}:${port}`, port };
}
