// Demo province for trying the gateway: an organisation tree with users in every role.
// Passwords are random unless given, and are returned once so the caller can print them.
import { randomBytes } from 'node:crypto';
import type { GatewayDb } from './db';
import { hashPassword, insertUser } from './auth';
import type { Role } from '../src-shared/domain/levels';

export interface SeedOrg { id: string; parentId: string | null; name: string; abbr: string; kind: string }
export interface SeedLogin { username: string; password: string; role: Role; orgId: string; orgName: string; fullName: string }

// A pre-2025 three-tier tree is kept on purpose to exercise deep trees; nothing in the gateway
// assumes a depth or hard-codes these ids.
export const DEMO_ORGS: SeedOrg[] = [
  { id: 'hd', parentId: null, name: 'UBND tỉnh Hải Dương', abbr: 'UBND', kind: 'province' },
  { id: 'hd-stc', parentId: 'hd', name: 'Sở Tài chính tỉnh Hải Dương', abbr: 'STC', kind: 'department' },
  { id: 'hd-gialoc', parentId: 'hd', name: 'UBND huyện Gia Lộc', abbr: 'UBND', kind: 'district' },
  { id: 'hd-giatan', parentId: 'hd-gialoc', name: 'UBND xã Gia Tân', abbr: 'UBND', kind: 'commune' },
  { id: 'hd-yetkieu', parentId: 'hd-gialoc', name: 'UBND xã Yết Kiêu', abbr: 'UBND', kind: 'commune' },
];

const PEOPLE: Array<{ suffix: string; role: Role; fullName: string }> = [
  { suffix: 'chuyenvien', role: 'official', fullName: 'Nguyễn Văn An' },
  { suffix: 'vanthu', role: 'clerk', fullName: 'Trần Thị Bình' },
  { suffix: 'lanhdao', role: 'secretary', fullName: 'Lê Văn Cường' },
];

export async function insertOrgs(db: GatewayDb, orgs: SeedOrg[]): Promise<void> {
  await db.tx(async (trx) => {
    for (const o of orgs) {
      await trx.insertInto('orgs').values({ id: o.id, parent_id: o.parentId, name: o.name, abbr: o.abbr, kind: o.kind })
        .onConflict((oc) => oc.column('id').doNothing()).execute();
    }
  });
}

/** Create the demo province. Returns the logins; an already seeded database returns []. */
export async function seedDemo(db: GatewayDb, opts: { password?: string } = {}): Promise<SeedLogin[]> {
  if (await db.k.selectFrom('users').select('id').limit(1).executeTakeFirst()) return [];
  await insertOrgs(db, DEMO_ORGS);
  const wanted: Array<{ username: string; role: Role; org: SeedOrg; fullName: string }> = [
    ...DEMO_ORGS.flatMap((org) => PEOPLE.map((p) => ({ username: `${org.id}.${p.suffix}`, role: p.role, org, fullName: p.fullName }))),
    { username: 'hd.admin', role: 'admin', org: DEMO_ORGS[0], fullName: 'Quản trị hệ thống' },
  ];
  // The password hashes (scrypt) are computed together on the thread pool; inserts stay in order.
  const logins = await Promise.all(wanted.map(async (w) => {
    const password = opts.password ?? randomBytes(9).toString('base64url');
    return { w, password, pwHash: await hashPassword(password) };
  }));
  await db.tx(async (trx) => {
    for (const { w, pwHash } of logins) await insertUser(trx, { username: w.username, fullName: w.fullName, role: w.role, orgId: w.org.id }, pwHash);
  });
  return logins.map(({ w, password }) => ({ username: w.username, password, role: w.role, orgId: w.org.id, orgName: w.org.name, fullName: w.fullName }));
}
