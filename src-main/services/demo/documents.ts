// The demo's sample documents, made real: each catalog entry (src-shared/demo/catalog.ts) becomes
// a PDF with Vietnamese text, is signed where its stage needs it (the agency's seal on incoming
// documents, the leader's ký duyệt, the clerk's phát hành with the organisation certificate) and
// is taken through the embedded gateway's own workflow (upload, create_draft, add_version, submit,
// approve, issue, register_incoming) by the demo users, so what the desk shows is what the real
// gateway made of real requests. One incoming document is changed after it was signed.

import { createHash, randomUUID } from 'node:crypto';
import type { Gateway } from '../../../src-server/app';
import { userByUsername, type AuthUser } from '../../../src-server/auth';
import type { Intent, IntentDraft } from '../../../src-shared/sync/protocol';
import { DEMO_AGENCIES, DEMO_SAMPLES, DEMO_UNIT, type DemoSample } from '../../../src-shared/demo/catalog';
import { DEMO_MARK } from '../../../src-shared/domain/demo';
import { buildSampleDocument, type SampleDocument } from '../../../src-shared/demo/sample-document';
import { buildKyHieu, formatSoKyHieu } from '../../../src-shared/domain/kyhieu';
import { BytesSource } from '../../../src-shared/pdf/bytesource';
import { PdfReader, cloneDict } from '../../../src-shared/pdf/reader';
import { IncrementalWriter } from '../../../src-shared/pdf/writer';
import { PdfDict, PdfRef, PdfStream, type PdfValue } from '../../../src-shared/pdf/objects';
import { concatBytes } from '../../../src-shared/crypto/bytes';
import type { Signer } from '../../../src-shared/sign/signer';
import { signPdfBytes } from '../signing/sign-bytes';
import { visibleSignature, type Rect4 } from '../signing/visible';
import { readResource } from '../resources';
import { documentMeta, type DocumentMeta } from '../../../src-shared/domain/schemas';

export interface SampleSigners {
  leader: Signer;
  organisation: Signer;
  agencies: Record<keyof typeof DEMO_AGENCIES, Signer>;
}

export interface SeededSample {
  key: string;
  docId: string;
  /** SHA-256 of the document's head version on the gateway. */
  sha256: string;
  /** Where the signer's image goes (page index and [x1, y1, x2, y2]), for signing it from the desk. */
  signatureBox: { page: number; rect: Rect4 };
}

const fontBytes = () => ({ regular: readResource('fonts', 'LiberationSerif-Regular.ttf'), bold: readResource('fonts', 'LiberationSerif-Bold.ttf') });

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const toRect4 = (r: [number, number, number, number]): Rect4 => [r[0], r[1], r[0] + r[2], r[1] + r[3]];

/** "Gia Tân, ngày 04 tháng 12 năm 2026" in Vietnam's calendar day. */
export function placeDate(place: string, when: Date): string {
  const d = new Date(when.getTime() + 7 * 3600_000);
  const dd = String(d.getUTCDate()).padStart(2, '0');
  const mm = String(d.getUTCMonth() + 1).padStart(2, '0');
  return `${place}, ngày ${dd} tháng ${mm} năm ${d.getUTCFullYear()}`;
}

const isoDay = (when: Date, days: number) => new Date(when.getTime() + 7 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);

/** Copy an object graph of `src` into `w` under new object numbers (for replacing a page's content). */
function importValue(src: PdfReader, v: PdfValue, w: IncrementalWriter, seen: Map<number, PdfRef>): PdfValue {
  if (v instanceof PdfRef) {
    const known = seen.get(v.num);
    if (known) return known;
    const ref = w.reserve();
    seen.set(v.num, ref);
    w.set(ref, importValue(src, src.getObject(v), w, seen));
    return ref;
  }
  if (Array.isArray(v)) return v.map((x) => importValue(src, x, w, seen));
  if (v instanceof PdfStream) return new PdfStream(importValue(src, v.dict, w, seen) as PdfDict, v.raw);
  if (v instanceof PdfDict) {
    const out = new PdfDict();
    for (const [k, x] of v.map) out.set(k, importValue(src, x, w, seen));
    return out;
  }
  return v;
}

/**
 * An incremental update that replaces page 1's content with the content of `changed` (the same
 * document with one sentence rewritten): what a forger with a PDF editor does after signing.
 */
export function changeAfterSigning(signed: Uint8Array, changed: Uint8Array): Uint8Array {
  const r = PdfReader.open(new BytesSource(signed));
  const src = PdfReader.open(new BytesSource(changed));
  const w = new IncrementalWriter(r);
  const page = r.pages()[0];
  const from = src.pages()[0];
  if (!page.ref) throw new Error('demo sample: page 1 is not an indirect object');
  const seen = new Map<number, PdfRef>();
  const dict = cloneDict(page.dict);
  dict.set('Contents', importValue(src, from.dict.get('Contents')!, w, seen));
  dict.set('Resources', importValue(src, from.dict.get('Resources')!, w, seen));
  w.update(page.ref, dict);
  return concatBytes(signed, w.build().bytes);
}

/** The drafting unit in a Công văn's ký hiệu (the department's or the commune's office). */
const unitAbbrOf = (sample: DemoSample) => (sample.typeCode === 'CV' ? (sample.from === 'stc' ? 'QLNS' : 'VP') : undefined);
/** The ký hiệu the gateway builds for the sample at issue (abbreviations as seeded). */
const notationOf = (sample: DemoSample) =>
  buildKyHieu({ typeCode: sample.typeCode, orgAbbr: sample.from === 'stc' ? 'STC' : 'UBND', unitAbbr: unitAbbrOf(sample) });

class Seeder {
  private clients = new Map<string, { clientId: string; seq: number }>();
  constructor(private g: Omit<Gateway, 'url' | 'port'>, private now: () => number) {}

  async user(username: string): Promise<AuthUser> {
    const u = await userByUsername(this.g.db, username);
    if (!u) throw new Error(`demo: no user ${username}`);
    return u;
  }

  /** Push one intent as `u` and return its result; anything but 'applied' is a bug in the demo. */
  async push(u: AuthUser, draft: IntentDraft): Promise<Record<string, unknown>> {
    let c = this.clients.get(u.id);
    if (!c) this.clients.set(u.id, (c = { clientId: randomUUID(), seq: 0 }));
    const it = { ...draft, id: randomUUID(), seq: ++c.seq, createdAt: new Date(this.now()).toISOString() } as Intent;
    const res = await this.g.docs.push(u, { clientId: c.clientId, intents: [it] });
    const r = res.results[0];
    if (!r || r.outcome !== 'applied') throw new Error(`demo: ${draft.kind} refused: ${JSON.stringify(r?.error ?? res)}`);
    return r.result ?? {};
  }

  async upload(u: AuthUser, bytes: Uint8Array): Promise<string> {
    const sha = sha256(bytes);
    await this.g.files.start(u.orgId, u.id, sha, bytes.length, this.now());
    await this.g.files.append(u.orgId, sha, 0, bytes, u.id);
    await this.g.files.finalize(u.orgId, sha, this.now(), u.id);
    return sha;
  }

  async version(u: AuthUser, docId: string, bytes: Uint8Array, fileName: string, kind: 'draft' | 'signature', parent: string | null): Promise<string> {
    const sha = await this.upload(u, bytes);
    await this.push(u, { kind: 'add_version', docId, sha256: sha, size: bytes.length, fileName, versionKind: kind, parentSha256: parent });
    return sha;
  }
}

/** The users of the demo, by role, as seeded on the gateway (usernames). */
export interface DemoUsernames { clerk: string; leader: string; specialist: string; agencyClerks: Record<keyof typeof DEMO_AGENCIES, string> }

/** Make every sample and take it through the gateway. Returns what the desk needs to sign them. */
export async function seedSampleDocuments(
  g: Omit<Gateway, 'url' | 'port'>,
  users: DemoUsernames,
  signers: SampleSigners,
  now: () => number = Date.now,
): Promise<SeededSample[]> {
  const s = new Seeder(g, now);
  const fonts = fontBytes();
  const at = new Date(now());
  const signatureImage = readResource('appearance', 'sample-signature.png');
  const sealImage = readResource('appearance', 'sample-seal.png');
  const out: SeededSample[] = [];

  const make = (sample: DemoSample, number?: string, override?: Partial<DemoSample>): SampleDocument => {
    const a = sample.from === 'unit' ? null : DEMO_AGENCIES[sample.from];
    const notation = notationOf(sample);
    const spec = { ...sample, ...override };
    return buildSampleDocument({
      issuer: a ? { parent: a.parent, name: a.printed } : { parent: DEMO_UNIT.parent, name: DEMO_UNIT.printed },
      number,
      notation,
      placeDate: placeDate(a ? a.place : DEMO_UNIT.place, at),
      typeName: spec.typeName,
      subject: spec.subject,
      urgency: spec.doKhan === 'thuong' ? undefined : { khan: 'KHẨN', thuong_khan: 'THƯỢNG KHẨN', hoa_toc: 'HỎA TỐC' }[spec.doKhan],
      paragraphs: spec.paragraphs,
      signer: spec.signer,
      recipients: spec.recipients,
      footer: DEMO_MARK,
    }, fonts);
  };

  const meta = (sample: DemoSample, recipientOrgIds: string[]): DocumentMeta => documentMeta.parse({
    typeCode: sample.typeCode,
    subject: sample.subject,
    organName: sample.from === 'unit' ? DEMO_UNIT.name : DEMO_AGENCIES[sample.from].name,
    unitAbbr: unitAbbrOf(sample),
    doMat: 'thuong',
    doKhan: sample.doKhan,
    recipients: sample.recipients,
    recipientOrgIds,
    signer: { fullName: sample.signer.fullName, position: sample.signer.title, authority: /^(KT|Q|TL|TM|TUQ)\./.exec(sample.signer.authority ?? '')?.[0] ?? '' },
    dueDate: sample.dueInDays === undefined ? undefined : isoDay(at, sample.dueInDays),
    pageAmount: 1,
  });

  const sign = async (pdf: Uint8Array, signer: Signer, kind: 'signer' | 'organisation' | 'hidden', box?: SampleDocument, reason?: string) => {
    const visible = kind === 'hidden' ? undefined : visibleSignature(
      kind === 'signer'
        ? { kind, pageIndex: box!.signatureBox.page, rect: toRect4(box!.signatureBox.rect), signatureImage, title: [], fullName: '' }
        : { kind, pageIndex: box!.signatureBox.page, sealImage },
      signer,
    );
    return (await signPdfBytes(pdf, signer, { visible, reason, location: kind === 'organisation' ? DEMO_UNIT.place : undefined })).bytes;
  };

  const issuedCount: Record<string, number> = {};
  /** Issue as the organisation's clerk; the number printed on the PDF must be the one the gateway gives. */
  const issue = async (orgId: string, clerk: AuthUser, leader: AuthUser, docId: string, expected: string) => {
    await s.push(leader, { kind: 'change_status', docId, status: 'approved' });
    const r = await s.push(clerk, { kind: 'change_status', docId, status: 'issued' }) as { soKyHieu?: string };
    if (r.soKyHieu !== expected) throw new Error(`demo: ${orgId} issued ${r.soKyHieu}, the PDF says ${expected}`);
  };
  const nextNumber = (orgId: string, notation: string) => {
    issuedCount[orgId] = (issuedCount[orgId] ?? 0) + 1;
    return formatSoKyHieu(issuedCount[orgId], notation);
  };

  for (const sample of DEMO_SAMPLES) {
    const docId = randomUUID();
    const fileName = `${sample.key}.pdf`;
    if (sample.from !== 'unit') {
      // An agency's document: signed with the agency's certificate, issued to the unit.
      const agency = DEMO_AGENCIES[sample.from];
      const base = users.agencyClerks[sample.from].replace(/\.vanthu$/, '');
      const [clerk, leader] = [await s.user(`${base}.vanthu`), await s.user(`${base}.lanhdao`)];
      const number = nextNumber(agency.orgId, notationOf(sample));
      const doc = make(sample, number);
      let bytes = await sign(doc.bytes, signers.agencies[sample.from], 'hidden', doc, 'Phát hành');
      if (sample.flow === 'incoming-changed' && sample.changedText) {
        const t = sample.changedText;
        const changed = make(sample, number, { paragraphs: sample.paragraphs.map((p) => p.replace(t.original, t.replacement)) });
        bytes = changeAfterSigning(bytes, changed.bytes);
      }
      await s.push(clerk, { kind: 'create_draft', docId, meta: meta(sample, [DEMO_UNIT.id]) });
      const sha = await s.version(clerk, docId, bytes, fileName, 'signature', null);
      await s.push(clerk, { kind: 'submit', docId });
      await issue(agency.orgId, clerk, leader, docId, number);
      if (sample.flow === 'incoming-registered') await s.push(await s.user(users.clerk), { kind: 'register_incoming', docId });
      out.push({ key: sample.key, docId, sha256: sha, signatureBox: { page: doc.signatureBox.page, rect: toRect4(doc.signatureBox.rect) } });
      continue;
    }
    // The unit's own document: drafted by the specialist, signed by the leader, issued by the clerk.
    const [specialist, leader, clerk] = [await s.user(users.specialist), await s.user(users.leader), await s.user(users.clerk)];
    const number = sample.flow === 'issued' ? nextNumber(DEMO_UNIT.id, notationOf(sample)) : undefined;
    const doc = make(sample, number);
    await s.push(specialist, { kind: 'create_draft', docId, meta: meta(sample, []) });
    let sha = await s.version(specialist, docId, doc.bytes, fileName, 'draft', null);
    if (sample.flow !== 'draft') await s.push(specialist, { kind: 'submit', docId });
    if (sample.flow === 'approved' || sample.flow === 'issued') {
      const signed = await sign(doc.bytes, signers.leader, 'signer', doc, 'Ký duyệt');
      sha = await s.version(leader, docId, signed, fileName, 'signature', sha);
      if (sample.flow === 'approved') await s.push(leader, { kind: 'change_status', docId, status: 'approved' });
      else {
        await issue(DEMO_UNIT.id, clerk, leader, docId, number!);
        const sealed = await sign(signed, signers.organisation, 'organisation', doc, 'Phát hành');
        sha = await s.version(clerk, docId, sealed, fileName, 'signature', sha);
      }
    }
    out.push({ key: sample.key, docId, sha256: sha, signatureBox: { page: doc.signatureBox.page, rect: toRect4(doc.signatureBox.rect) } });
  }
  return out;
}
