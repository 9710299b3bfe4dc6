// Users, passwords (scrypt from node:crypto) and session tokens with expiry and revocation.
// Only a SHA-256 of each token is stored, so a copy of the database does not grant sessions.
import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual, randomUUID } from 'node:crypto';
import type { Db } from './db';
import { E } from './errors';
import type { Role } from '../src-shared/domain/levels';

const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 };

function scrypt(pw: string, salt: Buffer, N: number, r: number, p: number, keylen: number): Promise<Buffer> {
  return new Promise((res, rej) =>
    scryptCb(pw.normalize('NFC'), salt, keylen, { N, r, p, maxmem: 64 * 1024 * 1024 }, (err, key) => (err ? rej(err) : res(key))),
  );
}

export async function hashPassword(pw: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(pw, salt, SCRYPT.N, SCRYPT.r, SCRYPT.p, SCRYPT.keylen);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(pw: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  const salt = Buffer.from(parts[4], 'base64');
  const want = Buffer.from(parts[5], 'base64');
  const got = await scrypt(pw, salt, N, r, p, want.length);
  return timingSafeEqual(got, want);
}

const tokenHash = (t: string) => createHash('sha256').update(t).digest('hex');

export interface AuthUser {
  id: string; username: string; fullName: string; role: Role; orgId: string; orgName: string; orgAbbr: string;
}

export interface CreateUser { username: string; fullName: string; role: Role; orgId: string; password: string }

export async function createUser(db: Db, u: CreateUser): Promise<string> {
  return insertUser(db, u, await hashPassword(u.password));
}

/** Insert a user whose password hash is already computed (hashPassword). */
export function insertUser(db: Db, u: Omit<CreateUser, 'password'>, pwHash: string): string {
  const id = randomUUID();
  db.prepare('INSERT INTO users (id, org_id, username, full_name, role, pw_hash) VALUES (?, ?, ?, ?, ?, ?)')
    .run(id, u.orgId, u.username, u.fullName, u.role, pwHash);
  return id;
}

const USER_SQL = `SELECT u.id, u.username, u.full_name AS fullName, u.role, u.org_id AS orgId, o.name AS orgName, o.abbr AS orgAbbr,
  u.pw_hash AS pwHash, u.disabled FROM users u JOIN orgs o ON o.id = u.org_id`;

// A fixed hash so that an unknown username costs the same scrypt work as a known one.
let dummyHash: Promise<string> | undefined;

export async function login(db: Db, username: string, password: string, ttlMs: number, now: number) {
  const row = db.prepare(`${USER_SQL} WHERE u.username = ?`).get(username) as (AuthUser & { pwHash: string; disabled: number }) | undefined;
  dummyHash ??= hashPassword('not-a-password');
  const ok = await verifyPassword(password, row ? row.pwHash : await dummyHash);
  if (!row || !ok || row.disabled) throw E.badLogin();
  const token = randomBytes(32).toString('base64url');
  const expires = now + ttlMs;
  db.prepare('INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)').run(tokenHash(token), row.id, now, expires);
  const { pwHash: _p, disabled: _d, ...user } = row;
  return { token, expiresAt: new Date(expires).toISOString(), user: user as AuthUser };
}

export function authenticate(db: Db, authorization: string | undefined, now: number): AuthUser {
  const m = /^Bearer ([A-Za-z0-9_-]{20,100})$/.exec(authorization ?? '');
  if (!m) throw E.unauthenticated();
  const row = db.prepare(`${USER_SQL} JOIN sessions s ON s.user_id = u.id WHERE s.token_hash = ? AND s.revoked = 0 AND s.expires_at > ? AND u.disabled = 0`)
    .get(tokenHash(m[1]), now) as (AuthUser & { pwHash: string; disabled: number }) | undefined;
  if (!row) throw E.unauthenticated();
  const { pwHash: _p, disabled: _d, ...user } = row;
  return user as AuthUser;
}

export function logout(db: Db, authorization: string | undefined): void {
  const m = /^Bearer (.+)$/.exec(authorization ?? '');
  if (m) db.prepare('UPDATE sessions SET revoked = 1 WHERE token_hash = ?').run(tokenHash(m[1]));
}

/** Revoke every session of a user (admin action, or when a device is lost). */
export function revokeUserSessions(db: Db, userId: string): number {
  return db.prepare('UPDATE sessions SET revoked = 1 WHERE user_id = ? AND revoked = 0').run(userId).changes;
}

/** True when `orgId` is `ancestorId` or lies below it in the organisation tree. */
export function isInSubtree(db: Db, orgId: string, ancestorId: string): boolean {
  let cur: string | null = orgId;
  for (let i = 0; cur && i < 32; i++) {
    if (cur === ancestorId) return true;
    cur = (db.prepare('SELECT parent_id FROM orgs WHERE id = ?').get(cur) as { parent_id: string | null } | undefined)?.parent_id ?? null;
  }
  return false;
}

/** A user as the gateway authenticates them, looked up by username (seeding and admin tools). */
export function userByUsername(db: Db, username: string): AuthUser | undefined {
  const row = db.prepare(`${USER_SQL} WHERE u.username = ?`).get(username) as (AuthUser & { pwHash: string; disabled: number }) | undefined;
  if (!row) return undefined;
  const { pwHash: _p, disabled: _d, ...user } = row;
  return user as AuthUser;
}
