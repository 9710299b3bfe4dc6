// Making and checking the demo profile ("Dùng thử"): a folder of its own inside the profile root
// holding the demo CA (its key never leaves this folder), each demo user's PKCS#12 certificate,
// where SoftHSM2 is installed a demo token with the leader's key, the embedded gateway's SQLite
// database and files, seeded with the demo province and its sample documents, and demo.json, the
// manifest written last (a build cut short has none and is made again). Files are 0600 and
// folders 0700. A manifest that fails its checks means the folder is rebuilt, with a notice.

import { createPrivateKey, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { buildGateway } from '../../../src-server/app';
import { seedDemo } from '../../../src-server/seed';
import { DEMO_AGENCIES, DEMO_PEOPLE, DEMO_UNIT } from '../../../src-shared/demo/catalog';
import { DEMO_ROLES, type DemoRole } from '../../../src-shared/domain/demo';
import { writePkcs12 } from '../p12/write';
import { openPkcs12 } from '../p12/index';
import { issueDemoCertificate, makeDemoCa, makeDemoCrl, toPem, type DemoEntity, type Rdn } from './pki';
import { createDemoToken } from './token';
import { seedSampleDocuments } from './documents';

export const MANIFEST = 'demo.json';
const VERSION = 1;

const Rect = z.tuple([z.number(), z.number(), z.number(), z.number()]);
export const DemoManifestSchema = z.object({
  version: z.literal(VERSION),
  /** Changes at every rebuild or reset: the desk keys its local stores on it. */
  generation: z.string().min(8),
  createdAt: z.string(),
  unit: z.object({ id: z.string(), name: z.string() }),
  /** The demo users' gateway password (demo only; shown on the demo desk). */
  password: z.string().min(8),
  users: z.record(z.enum(DEMO_ROLES), z.object({ username: z.string(), fullName: z.string(), title: z.string(), p12: z.string() })),
  organisation: z.object({ p12: z.string(), name: z.string() }),
  p12Password: z.string().min(8),
  trust: z.string(),
  token: z.object({ label: z.string(), pin: z.string(), module: z.string(), conf: z.string(), keyId: z.string(), holder: z.enum(DEMO_ROLES) }).nullable(),
  gatewayPort: z.number().int().min(0).max(65535),
  crl: z.object({ number: z.number().int(), nextUpdate: z.string() }),
  samples: z.array(z.object({ key: z.string(), docId: z.string(), sha256: z.string(), signatureBox: z.object({ page: z.number().int(), rect: Rect }) })),
});
export type DemoManifest = z.infer<typeof DemoManifestSchema>;

/** Where things live inside the demo folder. */
export const demoPaths = (dir: string) => ({
  manifest: path.join(dir, MANIFEST),
  caKey: path.join(dir, 'ca', 'demo-ca.key.pem'),
  trust: path.join(dir, 'trust', 'demo-ca.pem'),
  certs: path.join(dir, 'certs'),
  softhsm: path.join(dir, 'softhsm'),
  gateway: path.join(dir, 'gateway'),
  config: path.join(dir, 'config.json'),
  /** Read by the verifier of this profile only (FileRevocationCache: administrator-dropped CRLs). */
  crl: path.join(dir, 'revocation-cache', 'crl', 'demo-ca.crl.der'),
});

function writePrivate(file: string, data: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, data, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

const personSubject = (role: DemoRole): Rdn[] => [
  ['C', 'VN'], ['ST', 'Hải Dương'], ['O', DEMO_UNIT.name], ['T', DEMO_PEOPLE[role].title], ['UID', `CCCD:${DEMO_PEOPLE[role].cccd}`], ['CN', DEMO_PEOPLE[role].fullName],
];
const orgSubject = (name: string, mst: string): Rdn[] => [['C', 'VN'], ['ST', 'Hải Dương'], ['O', name], ['UID', `MST:${mst}`], ['CN', name]];

async function p12Signer(e: DemoEntity, ca: DemoEntity, password: string) {
  return openPkcs12(writePkcs12({ privateKey: e.privateKey, certificate: e.der, chain: [ca.der], password }), password);
}

export interface BuildOptions {
  now?: () => number;
  /** Skip the SoftHSM token even where SoftHSM2 is installed (tests of the other parts). */
  noToken?: boolean;
}

/** Make the demo profile in `dir` (emptied first). */
export async function buildDemoProfile(dir: string, opts: BuildOptions = {}): Promise<DemoManifest> {
  const now = opts.now ?? Date.now;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const p = demoPaths(dir);
  const password = randomBytes(6).toString('base64url');
  const p12Password = randomBytes(12).toString('base64url');

  const ca = await makeDemoCa();
  writePrivate(p.caKey, ca.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
  writePrivate(p.trust, toPem(ca.der));
  const crlDays = 90;
  writePrivate(p.crl, await makeDemoCrl(ca, 1, new Date(now()), crlDays));

  // Keys are generated together on the thread pool: the people and the unit hold RSA-2048 (as
  // most tokens in the field do), the other agencies ECDSA P-256 (both are allowed for signing).
  const [clerk, leader, specialist, organisation, tinh, stc, huyen] = await Promise.all([
    ...DEMO_ROLES.map((role) => issueDemoCertificate(ca, personSubject(role))),
    issueDemoCertificate(ca, orgSubject(DEMO_UNIT.name, '0801000111')),
    ...(['tinh', 'stc', 'huyen'] as const).map((k, i) => issueDemoCertificate(ca, orgSubject(DEMO_AGENCIES[k].name, `08000${i}0222`), 'ec')),
  ]);
  const people: Record<DemoRole, DemoEntity> = { clerk, leader, specialist };
  const agencies: Record<keyof typeof DEMO_AGENCIES, DemoEntity> = { tinh, stc, huyen };
  const users = {} as DemoManifest['users'];
  for (const role of DEMO_ROLES) {
    const file = path.join('certs', `${role}.p12`);
    writePrivate(path.join(dir, file), writePkcs12({ privateKey: people[role].privateKey, certificate: people[role].der, chain: [ca.der], password: p12Password, friendlyName: DEMO_PEOPLE[role].fullName }));
    users[role] = { username: `${DEMO_UNIT.id}.${{ clerk: 'vanthu', leader: 'lanhdao', specialist: 'chuyenvien' }[role]}`, fullName: DEMO_PEOPLE[role].fullName, title: DEMO_PEOPLE[role].title, p12: file };
  }
  const orgFile = path.join('certs', 'organisation.p12');
  writePrivate(path.join(dir, orgFile), writePkcs12({ privateKey: organisation.privateKey, certificate: organisation.der, chain: [ca.der], password: p12Password, friendlyName: DEMO_UNIT.name }));

  // The demo token: the leader's key, generated on the token, certified by the demo CA.
  let token: DemoManifest['token'] = null;
  if (!opts.noToken) {
    const t = await createDemoToken(p.softhsm, { label: 'VANTHU DUNG THU', pin: '123456', keyLabel: DEMO_PEOPLE.leader.fullName }, async (publicKey) =>
      (await issueDemoCertificate(ca, personSubject('leader'), publicKey)).der);
    if (t) {
      token = { ...t, holder: 'leader' };
      writePrivate(p.config, JSON.stringify({ pkcs11Modules: [t.module] }, null, 2));
    }
  }

  // The embedded gateway: the demo province, its users and the sample documents.
  fs.mkdirSync(p.gateway, { recursive: true, mode: 0o700 });
  const g = await buildGateway({ dataDir: p.gateway, now });
  let samples: DemoManifest['samples'];
  try {
    await seedDemo(g.db, { password });
    const signers = {
      leader: await p12Signer(people.leader, ca, p12Password),
      organisation: await p12Signer(organisation, ca, p12Password),
      agencies: {
        tinh: await p12Signer(agencies.tinh, ca, p12Password),
        stc: await p12Signer(agencies.stc, ca, p12Password),
        huyen: await p12Signer(agencies.huyen, ca, p12Password),
      },
    };
    try {
      samples = await seedSampleDocuments(g, {
        clerk: users.clerk.username, leader: users.leader.username, specialist: users.specialist.username,
        agencyClerks: { tinh: 'hd.vanthu', stc: 'hd-stc.vanthu', huyen: 'hd-gialoc.vanthu' },
      }, signers, now);
    } finally {
      for (const s of [signers.leader, signers.organisation, ...Object.values(signers.agencies)]) await s.close();
    }
  } finally {
    await g.close();
  }

  const manifest: DemoManifest = {
    version: VERSION, generation: randomUUID(), createdAt: new Date(now()).toISOString(),
    unit: { id: DEMO_UNIT.id, name: DEMO_UNIT.name }, password, users,
    organisation: { p12: orgFile, name: DEMO_UNIT.name }, p12Password, trust: path.relative(dir, p.trust),
    token, gatewayPort: 0, samples, crl: { number: 1, nextUpdate: new Date(now() + crlDays * 86_400_000).toISOString() },
  };
  writePrivate(p.manifest, JSON.stringify(manifest, null, 2));
  return manifest;
}

/** The manifest if the demo folder is whole, else why not (missing, corrupted, incomplete). */
export function checkDemoProfile(dir: string): { ok: true; manifest: DemoManifest } | { ok: false; reason: 'missing' | 'corrupted'; detail: string } {
  const p = demoPaths(dir);
  if (!fs.existsSync(p.manifest)) {
    return fs.existsSync(dir) && fs.readdirSync(dir).length > 0
      ? { ok: false, reason: 'corrupted', detail: `${MANIFEST} is missing` }
      : { ok: false, reason: 'missing', detail: 'no demo profile yet' };
  }
  let manifest: DemoManifest;
  try {
    const parsed = DemoManifestSchema.safeParse(JSON.parse(fs.readFileSync(p.manifest, 'utf8')));
    if (!parsed.success) return { ok: false, reason: 'corrupted', detail: `${MANIFEST}: ${parsed.error.issues[0]?.message}` };
    manifest = parsed.data;
  } catch (e) {
    return { ok: false, reason: 'corrupted', detail: `${MANIFEST}: ${(e as Error).message}` };
  }
  const needed = [
    p.trust, p.caKey, path.join(dir, manifest.organisation.p12), path.join(p.gateway, 'gateway.sqlite'),
    ...Object.values(manifest.users).map((u) => path.join(dir, u.p12)),
    ...(manifest.token ? [manifest.token.conf] : []),
  ];
  const gone = needed.find((f) => !fs.existsSync(f) || fs.statSync(f).size === 0);
  if (gone) return { ok: false, reason: 'corrupted', detail: `${path.relative(dir, gone)} is missing or empty` };
  return { ok: true, manifest };
}

/** Issue a new CRL when the current one has less than 30 days left (the demo CA key is here). */
export async function refreshDemoCrl(dir: string, manifest: DemoManifest, now = Date.now()): Promise<void> {
  if (Date.parse(manifest.crl.nextUpdate) - now > 30 * 86_400_000 && fs.existsSync(demoPaths(dir).crl)) return;
  const p = demoPaths(dir);
  const ca: DemoEntity = {
    der: certificatesFromPem(fs.readFileSync(p.trust, 'utf8'))[0],
    privateKey: createPrivateKey(fs.readFileSync(p.caKey, 'utf8')),
    subject: [],
  };
  const number = manifest.crl.number + 1;
  writePrivate(p.crl, await makeDemoCrl(ca, number, new Date(now), 90));
  manifest.crl = { number, nextUpdate: new Date(now + 90 * 86_400_000).toISOString() };
  writePrivate(p.manifest, JSON.stringify(manifest, null, 2));
}

const certificatesFromPem = (pem: string) =>
  [...pem.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)].map((m) => new Uint8Array(Buffer.from(m[1].replace(/\s+/g, ''), 'base64')));

/** Persist the port the embedded gateway got (the next start tries it first). */
export function saveDemoPort(dir: string, manifest: DemoManifest, port: number): void {
  if (manifest.gatewayPort === port) return;
  manifest.gatewayPort = port;
  writePrivate(demoPaths(dir).manifest, JSON.stringify(manifest, null, 2));
}
