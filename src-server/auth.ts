// Users, passwords (scrypt from node:crypto) and session tokens with expiry and revocation.
// Only a SHA-256 of each token is stored, so a copy of the database does not grant sessions.
import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual, randomUUID } from 'node:crypto';
import type { GatewayDb, Q } from './db';
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

export async function createUser(db: GatewayDb, u: CreateUser): Promise<string> {
  return insertUser(db.k, u, await hashPassword(u.password));
}

/** Insert a user whose password hash is already computed (hashPassword). */
export async function insertUser(q: Q, u: Omit<CreateUser, 'password'>, pwHash: string): Promise<string> {
  const id = randomUUID();
  await q.insertInto('users').values({ id, org_id: u.orgId, username: u.username, full_name: u.fullName, role: u.role, pw_hash: pwHash }).execute();
  return id;
}

type UserRow = AuthUser & { pwHash: string; disabled: number };

const users = (q: Q) => q.selectFrom('users as u').innerJoin('orgs as o', 'o.id', 'u.org_id')
  .select(['u.id', 'u.username', 'u.full_name as fullName', 'u.role', 'u.org_id as orgId', 'o.name as orgName', 'o.abbr as orgAbbr', 'u.pw_hash as pwHash', 'u.disabled']);

const strip = (row: UserRow): AuthUser => {
  const { pwHash: _p, disabled: _d, ...user } = row;
  return user as AuthUser;
};

// A fixed hash so that an unknown username costs the same scrypt work as a known one.
let dummyHash: Promise<string> | undefined;

export async function login(db: GatewayDb, username: string, password: string, ttlMs: number, now: number) {
  const row = await users(db.k).where('u.username', '=', username).executeTakeFirst() as UserRow | undefined;
  dummyHash ??= hashPassword('not-a-password');
  const ok = await verifyPassword(password, row ? row.pwHash : await dummyHash);
  if (!row || !ok || row.disabled) throw E.badLogin();
  const token = randomBytes(32).toString('base64url');
  const expires = now + ttlMs;
  await db.k.insertInto('sessions').values({ token_hash: tokenHash(token), user_id: row.id, created_at: now, expires_at: expires }).execute();
  return { token, expiresAt: new Date(expires).toISOString(), user: strip(row) };
}

export async function authenticate(db: GatewayDb, authorization: string | undefined, now: number): Promise<AuthUser> {
  const m = /^Bearer ([A-Za-z0-9_-]{20,100})$/.exec(authorization ?? '');
  if (!m) throw E.unauthenticated();
  const row = await users(db.k).innerJoin('sessions as s', 's.user_id', 'u.id')
    .where('s.token_hash', '=', tokenHash(m[1])).where('s.revoked', '=', 0).where('s.expires_at', '>', now).where('u.disabled', '=', 0)
    .executeTakeFirst() as UserRow | undefined;
  if (!row) throw E.unauthenticated();
  return strip(row);
}

export async function logout(db: GatewayDb, authorization: string | undefined): Promise<void> {
  const m = /^Bearer (.+)$/.exec(authorization ?? '');
  if (m) await db.k.updateTable('sessions').set({ revoked: 1 }).where('token_hash', '=', tokenHash(m[1])).execute();
}

/** Revoke every session of a user (admin action, or when a device is lost). */
export async function revokeUserSessions(db: GatewayDb, userId: string): Promise<number> {
  const r = await db.k.updateTable('sessions').set({ revoked: 1 }).where('user_id', '=', userId).where('revoked', '=', 0).executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** True when `orgId` is `ancestorId` or lies below it in the organisation tree. */
export async function isInSubtree(db: GatewayDb, orgId: string, ancestorId: string): Promise<boolean> {
  let cur: string | null = orgId;
  for (let i = 0; cur && i < 32; i++) {
    if (cur === ancestorId) return true;
    const r: { parent_id: string | null } | undefined = await db.k.selectFrom('orgs').select('parent_id').where('id', '=', cur).executeTakeFirst();
    cur = r?.parent_id ?? null;
  }
  return false;
}

/** A user as the gateway authenticates them, looked up by username (seeding and admin tools). */
export async function userByUsername(db: GatewayDb, username: string): Promise<AuthUser | undefined> {
  const row = await users(db.k).where('u.username', '=', username).executeTakeFirst() as UserRow | undefined;
  return row ? strip(row) : undefined;
}
