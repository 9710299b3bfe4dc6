// Property-style test: seeded random sequences of steps (many refused) by random actors, checking
// the machine's invariants. A failing seed is printed so the run can be replayed.
import { describe, expect, it } from 'vitest';
import { apply, emptyState, fold, partyKey, resolveOffline, timeline, type Actor, type DocState } from '../../src-shared/workflow';
import { mulberry32 } from '../helpers/random';
import { admin, clerk, clerk2, deputy, file, head, headTc, leader, leader2, sha, spec, spec2, system, unit, user, incomingMeta } from './workflow-helpers';

const ACTORS: Actor[] = [clerk, clerk2, leader, leader2, head, deputy, spec, spec2, headTc, admin, system];
const PARTIES = [user(spec), user(spec2), user(head), unit('pkt'), unit('ptc'), user(clerk2)];

function randomEvent(rnd: () => number, s: DocState, docId: string, n: number, t: number, history: unknown[]): unknown {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const byId = (id: string | undefined) => ACTORS.find((x) => x.userId === id);
  const holderActor = (): Actor | undefined => {
    const h = s.holder;
    if (!h) return undefined;
    if (h.kind === 'user') return byId(h.id);
    if (h.kind === 'unit') return h.id === 'pkt' ? pick([head, deputy]) : headTc;
    return clerk;
  };
  const likely = (kind: string): Actor | undefined => {
    if (/^in\.(received|registered|submitted)|^out\.(numbered|issued|sent)/.test(kind)) return clerk;
    if (/^in\.(directed|assigned)|extension_decided/.test(kind)) return byId(s.submittedTo ?? 'ld1');
    if (/^out\.(approved|returned)/.test(kind)) return byId(s.route?.[s.routeIndex]?.userId);
    if (/^out\.(withdrawn|corrected)|reminded/.test(kind)) return leader;
    if (kind === 'out.draft_created') return spec;
    if (kind === 'out.consultation_answered') return pick([spec, spec2, head, headTc, clerk2]);
    if (kind === 'sys.renumbered') return system;
    return holderActor();
  };
  if (rnd() < 0.03 && history.length) return pick(history); // a resend
  const headSha = s.versions.at(-1)?.sha256 ?? null;
  const k = Math.floor(rnd() * 1000);
  const kinds: (() => Record<string, unknown>)[] = [
    () => ({ kind: 'in.received', source: { via: 'paper' }, meta: { ...incomingMeta, doMat: pick(['thuong', 'mat']) } }),
    () => ({ kind: 'in.registered', register: pick(['normal', 'confidential']), soDen: 1 + (k % 50), ngayDen: '2026-03-02', year: 2026 }),
    () => ({ kind: 'in.submitted', to: pick([user(leader), user(leader2)]) }),
    () => ({ kind: 'in.directed', text: 'Giao xử lý.' }),
    () => ({ kind: 'in.assigned', lead: pick(PARTIES), assisting: rnd() < 0.5 ? [pick(PARTIES)] : [], deadline: pick(['2026-03-20', '2026-06-01', undefined]) }),
    () => ({ kind: 'in.forwarded', to: pick(PARTIES) }),
    () => ({ kind: 'in.returned', reason: 'Không đúng thẩm quyền.' }),
    () => ({ kind: 'in.recalled' }),
    () => ({ kind: 'in.processing_note', text: 'Đang xử lý.' }),
    () => ({ kind: 'in.completed', result: 'Xong.' }),
    () => ({ kind: 'out.draft_created', meta: { typeCode: 'CV', subject: 'Dự thảo', doMat: pick(['thuong', 'mat']) } }),
    () => ({ kind: 'out.version_added', version: { ...file(100 + n), parentSha256: rnd() < 0.85 ? headSha : sha(1) } }),
    () => ({ kind: 'out.consultation_requested', consultationId: pick(['c1', 'c2']), participants: [pick(PARTIES)] }),
    () => ({ kind: 'out.consultation_answered', consultationId: pick(['c1', 'c2']), answer: pick(['dong_y', 'khong_dong_y', 'y_kien_khac']), text: pick(['', 'Góp ý.']) }),
    () => ({ kind: 'out.submitted', route: pick([[{ userId: 'tp1', role: 'truong_phong' }, { userId: 'ld1', role: 'lanh_dao' }], [{ userId: 'ld2', role: 'lanh_dao' }]]) }),
    () => ({ kind: 'out.approved', versionSha256: headSha ?? sha(1), ...(rnd() < 0.6 && headSha ? { signature: { ...file(500 + n), parentSha256: headSha } } : {}) }),
    () => ({ kind: 'out.returned', reason: 'Sửa lại.' }),
    () => ({ kind: 'out.numbered', register: pick(['normal', 'confidential']), so: 1 + (k % 20), kyHieu: 'UBND-VP', year: 2026 }),
    () => ({ kind: 'out.issued', signature: { ...file(900 + n), parentSha256: rnd() < 0.8 ? s.approvedSha256 ?? headSha : headSha }, stampedSo: s.number?.so ?? 1 }),
    () => ({ kind: 'out.sent', recipientOrgIds: ['so-tai-chinh'] }),
    () => ({ kind: 'out.withdrawn', reason: 'Thu hồi.' }),
    () => ({ kind: 'out.corrected', reason: 'Đính chính.' }),
    () => ({ kind: 'track.reminded', to: [pick(PARTIES)] }),
    () => ({ kind: 'track.extension_requested', requestId: `x${k % 3}`, newDeadline: pick(['2026-04-01', '2026-03-01']), reason: 'Cần thêm thời gian.' }),
    () => ({ kind: 'track.extension_decided', requestId: `x${k % 3}`, approved: rnd() < 0.5, reason: pick(['', 'Không.']) }),
    () => ({ kind: 'sys.renumbered', fromSo: s.number?.so ?? 1, toSo: 30 + (k % 5), kyHieu: 'UBND-VP', rule: 'r' }),
  ];
  const dir = s.direction ?? (rnd() < 0.5 ? 'in' : 'out');
  const own = kinds.filter((f) => { const kd = f().kind as string; return kd.startsWith(`${dir}.`) || !/^(in|out)\./.test(kd); });
  const body = pick(rnd() < 0.85 ? own : kinds)();
  const a = (rnd() < 0.7 ? likely(body.kind as string) : undefined) ?? pick(ACTORS);
  return { id: `${docId}-${n}`, docId, actor: a, at: new Date(t).toISOString(), ...body };
}

function checkIntervals(s: DocState) {
  const byHolder = new Map<string, { from: number; until: number }[]>();
  for (const i of s.intervals) {
    const from = Date.parse(i.from);
    const until = i.until ? Date.parse(i.until) : Infinity;
    expect(until).toBeGreaterThanOrEqual(from);
    const key = `${i.as}:${partyKey(i.holder)}`;
    const list = byHolder.get(key) ?? [];
    for (const o of list) expect(until <= o.from || from >= o.until, `overlap for ${key}`).toBe(true);
    list.push({ from, until });
    byHolder.set(key, list);
  }
  expect(s.intervals.filter((i) => i.as === 'holder' && i.until === null).length).toBeLessThanOrEqual(1);
}

describe('workflow property: seeded random sequences', () => {
  const SEEDS = Array.from({ length: 60 }, (_, i) => 0x5eed + i * 7919);
  const acceptedKinds = new Set<string>();
  it.each(SEEDS)('seed %i: fold equals incremental apply; refused steps change nothing; intervals never overlap per holder', (seed) => {
    const rnd = mulberry32(seed);
    const docId = `doc-${seed}`;
    let s = emptyState();
    const accepted: unknown[] = [];
    const sent: unknown[] = [];
    let t = Date.parse('2026-03-02T08:00:00+07:00');
    for (let n = 1; n <= 250; n++) {
      t += Math.floor(rnd() * 3 * 3600_000) - (rnd() < 0.05 ? 6 * 3600_000 : 0); // sometimes a clock running behind
      const e = randomEvent(rnd, s, docId, n, t, sent);
      sent.push(e);
      const before = JSON.stringify(s);
      const r = apply(s, e);
      if (r.ok) {
        accepted.push(e);
        acceptedKinds.add((e as { kind: string }).kind);
        s = r.state;
        expect(s.log.length).toBe(accepted.length);
      } else {
        expect(JSON.stringify(s), `seed ${seed} step ${n}`).toBe(before);
        expect(r.message_vi && r.message_en).toBeTruthy();
      }
      checkIntervals(s);
      if (s.locked) expect(s.versions.slice(s.versions.findIndex((v) => v.kind === 'approval_signature') + 1).every((v) => v.kind === 'issuing_signature')).toBe(true);
    }
    expect(fold(accepted)).toEqual(s);
    expect(fold(sent)).toEqual(s); // refused and resent steps are ignored by fold just the same
    const tl = timeline(s);
    expect(tl).toEqual(timeline(accepted));
    expect(tl.steps.length).toBe(accepted.length);
  });

  it('the random runs reached most kinds of step', () => {
    expect(acceptedKinds.size, [...acceptedKinds].join(',')).toBeGreaterThanOrEqual(24);
  });

  it('through the gateway\'s conflict rules, no step is lost or applied twice', () => {
    for (const seed of SEEDS.slice(0, 20)) {
      const rnd = mulberry32(seed);
      const docId = `doc-${seed}`;
      let s = emptyState();
      let t = Date.parse('2026-03-02T08:00:00+07:00');
      let id = 0;
      const gw = { newId: () => `gw-${seed}-${++id}`, now: () => new Date(t).toISOString(), numberTaken: (_r: string, _y: number, so: number) => so % 3 === 0, nextNumber: () => 40 + id };
      const kept: string[] = [];
      for (let n = 1; n <= 150; n++) {
        t += 3600_000;
        const e = randomEvent(rnd, s, docId, n, t, []) as { id: string };
        const r = resolveOffline(s, e, gw);
        if ('ok' in r) { expect(['DUPLICATE_EVENT', 'INVALID_EVENT', 'WRONG_DOCUMENT']).toContain(r.code); continue; }
        expect(r.append.some((x) => x.id === e.id || (x.kind === 'sys.conflict_recorded' && x.original.id === e.id))).toBe(true);
        kept.push(e.id);
        s = r.state;
      }
      const inLog = s.log.map((e) => (e.kind === 'sys.conflict_recorded' ? e.original.id : e.id)).filter((x) => !x.startsWith('gw-'));
      expect(new Set(inLog).size, `seed ${seed}`).toBe(inLog.length);
      expect(inLog).toEqual(kept);
      expect(fold(s.log)).toEqual(s);
    }
  });
});
