// The shared file-name rule: what fileNameProblem refuses and allows, toSafeFileName always
// producing a name that passes (checked on seeded random names full of bad characters), the
// zod schemas using it, and the gateway refusing such a name in an add_version intent.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { randomUUID } from 'node:crypto';
import { fileNameProblem, toSafeFileName, utf8Bytes } from '../../src-shared/domain/filename';
import { safeFileName } from '../../src-shared/domain/schemas';
import { FileName } from '../../src-shared/ipc/features';
import { startTestGateway, mkIntent, draftMeta, upload, count, type TestGateway } from '../server/fixture';

const REFUSED: Array<[string, string]> = [
  ['hóa đơn\u202efdp.exe', 'FILE_NAME_BIDI'],
  ['a\u200fb.pdf', 'FILE_NAME_BIDI'],
  ['a\u2066b.pdf', 'FILE_NAME_BIDI'],
  ['a\u061cb.pdf', 'FILE_NAME_BIDI'],
  ['báo cáo\u007f.pdf', 'FILE_NAME_CONTROL'],
  ['báo cáo\u0085.pdf', 'FILE_NAME_CONTROL'],
  ['x\u0000.pdf', 'FILE_NAME_CONTROL'],
  ['tab\there.pdf', 'FILE_NAME_CONTROL'],
  ['CON', 'FILE_NAME_RESERVED'],
  ['con.pdf', 'FILE_NAME_RESERVED'],
  ['LPT1.txt', 'FILE_NAME_RESERVED'],
  ['nul.tar.gz', 'FILE_NAME_RESERVED'],
  ['Com9.pdf', 'FILE_NAME_RESERVED'],
  ['COM¹.pdf', 'FILE_NAME_RESERVED'],
  ['lpt³', 'FILE_NAME_RESERVED'],
  ['aux .pdf', 'FILE_NAME_RESERVED'],
  ['x.pdf:stream', 'FILE_NAME_STREAM'],
  ['x.pdf::$DATA', 'FILE_NAME_STREAM'],
  ['a<b.pdf', 'FILE_NAME_CHAR'],
  ['a>b.pdf', 'FILE_NAME_CHAR'],
  ['a"b.pdf', 'FILE_NAME_CHAR'],
  ['a|b.pdf', 'FILE_NAME_CHAR'],
  ['a?.pdf', 'FILE_NAME_CHAR'],
  ['*.pdf', 'FILE_NAME_CHAR'],
  ['trailing. ', 'FILE_NAME_TRAILING'],
  ['trailing.', 'FILE_NAME_TRAILING'],
  ['trailing ', 'FILE_NAME_TRAILING'],
  ['.', 'FILE_NAME_DOTS'],
  ['..', 'FILE_NAME_DOTS'],
  ['', 'FILE_NAME_EMPTY'],
  ['../../etc/passwd', 'FILE_NAME_SEPARATOR'],
  ['..\\boot.ini', 'FILE_NAME_SEPARATOR'],
  ['a\ud800.pdf', 'FILE_NAME_UNICODE'],
  ['ệ'.repeat(85) + '.pdf', 'FILE_NAME_TOO_LONG'], // 85 × 3 + 4 = 259 bytes
];

const ACCEPTED = [
  'Tờ trình số 12.pdf',
  'Tờ trình số 12 về việc phê duyệt kế hoạch.pdf'.normalize('NFD'),
  '報告.pdf',
  'Quyết định 01-QĐ-UBND (bản ký).pdf',
  'console.pdf', 'CONFIG.SYS', 'com10.txt', 'nullable.pdf', 'a..b.pdf', '.hidden',
  'ệ'.repeat(83) + '.pdf', // 253 bytes
  '📄 văn bản.pdf',
];

describe('fileNameProblem', () => {
  it.each(REFUSED)('refuses %j (%s)', (name, code) => {
    const p = fileNameProblem(name);
    expect(p?.code).toBe(code);
    expect(p?.message_vi.length).toBeGreaterThan(5);
    expect(p?.message_en.length).toBeGreaterThan(5);
  });

  it.each(ACCEPTED)('accepts %j', (name) => {
    expect(fileNameProblem(name)).toBeNull();
  });

  it('is what the protocol and IPC schemas check', () => {
    for (const [name] of REFUSED) {
      expect(safeFileName.safeParse(name).success, name).toBe(false);
      expect(FileName.safeParse(name).success, name).toBe(false);
    }
    for (const name of ACCEPTED) {
      expect(safeFileName.safeParse(name).success, name).toBe(true);
      expect(FileName.safeParse(name).success, name).toBe(true);
    }
    const r = safeFileName.safeParse('hóa đơn\u202efdp.exe');
    expect(r.success || r.error.issues[0].message).toMatch(/bidirectional.*đổi chiều/);
  });
});

/** mulberry32: a small seeded generator, so a failure can be replayed. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  '/', '\\', ':', '<', '>', '"', '|', '?', '*', '.', '..', ' ', '\u0000', '\u0009', '\u001f', '\u007f', '\u0085', '\u009f',
  '\u061c', '\u200e', '\u200f', '\u202a', '\u202e', '\u2066', '\u2069', '\ud800', '\udc00', 'CON', 'nul', 'COM1', 'LPT¹', 'aux',
  'ệ', 'e\u0323\u0302', 'Tờ trình', 'đơn', '報告', '📄', '.pdf', '.exe', 'a', 'Z9', '-', '_', '(', ')',
];

describe('toSafeFileName', () => {
  it('turns the examples into names that pass, keeping what can be kept', () => {
    expect(toSafeFileName('hóa đơn\u202efdp.exe')).toBe('hóa đơnfdp.exe');
    expect(toSafeFileName('CON')).toBe('CON_');
    expect(toSafeFileName('con.pdf')).toBe('con_.pdf');
    expect(toSafeFileName('LPT1.txt')).toBe('LPT1_.txt');
    expect(toSafeFileName('x.pdf:stream')).toBe('x.pdf_stream');
    expect(toSafeFileName('a<b.pdf')).toBe('a_b.pdf');
    expect(toSafeFileName('trailing. ')).toBe('trailing');
    expect(toSafeFileName('a/b\\c.pdf')).toBe('a_b_c.pdf');
    expect(toSafeFileName('..')).toBe('tep.pdf');
    expect(toSafeFileName('\u202e', 'van-ban.pdf')).toBe('van-ban.pdf');
    const nfd = 'Tờ trình số 12.pdf'.normalize('NFD');
    expect(toSafeFileName(nfd)).toBe('Tờ trình số 12.pdf'.normalize('NFC'));
    for (const name of ACCEPTED.filter((n) => n === n.normalize('NFC'))) expect(toSafeFileName(name)).toBe(name);
  });

  it('cuts a long name to 255 bytes, keeping its extension and whole characters', () => {
    const s = toSafeFileName('Tờ trình '.repeat(40) + '.pdf');
    expect(utf8Bytes(s)).toBeLessThanOrEqual(255);
    expect(s.endsWith('.pdf')).toBe(true);
    expect(s.startsWith('Tờ trình Tờ')).toBe(true);
    const emoji = toSafeFileName('📄'.repeat(100));
    expect(utf8Bytes(emoji)).toBe(252);
    expect(fileNameProblem(emoji)).toBeNull();
  });

  it('always yields a name fileNameProblem accepts (seeded random names)', () => {
    const seed = 20260310;
    const rand = rng(seed);
    for (let i = 0; i < 500; i++) {
      const n = Math.floor(rand() * (i % 10 === 0 ? 200 : 12));
      let name = '';
      for (let j = 0; j < n; j++) name += PIECES[Math.floor(rand() * PIECES.length)];
      const safe = toSafeFileName(name);
      expect(fileNameProblem(safe), `seed ${seed} #${i}: ${JSON.stringify(name)} -> ${JSON.stringify(safe)}`).toBeNull();
      expect(toSafeFileName(safe)).toBe(safe);
    }
  });
});

describe('the gateway', () => {
  let t: TestGateway;
  beforeAll(async () => { t = await startTestGateway({ sweepIntervalMs: 0 }); });
  afterAll(async () => { await t.close(); });

  it('refuses an add_version intent whose file name fails the rule, storing nothing', async () => {
    const tok = await t.login('hd-giatan.chuyenvien');
    const sha = await upload(t, tok, new TextEncoder().encode('%PDF-1.7 hóa đơn'));
    const size = 19;
    const docId = randomUUID();
    const c = randomUUID();
    const ok = await t.call(tok, 'POST', '/v1/push', { clientId: c, intents: [mkIntent(c, { kind: 'create_draft', docId, meta: draftMeta() })] });
    expect(ok.json.results[0].outcome).toBe('applied');
    for (const [fileName] of REFUSED) {
      const r = await t.call(tok, 'POST', '/v1/push', {
        clientId: c,
        intents: [{ id: randomUUID(), seq: 2, createdAt: new Date().toISOString(), kind: 'add_version', docId, sha256: sha, size, fileName, versionKind: 'draft', parentSha256: null }],
      });
      expect(r.status, JSON.stringify(fileName)).toBe(400);
      expect(r.json.error.code).toBe('INVALID_REQUEST');
      expect(r.json.error.message_en).toMatch(/fileName/);
    }
    expect(await count(t, 'versions')).toBe(0);
    const good = await t.call(tok, 'POST', '/v1/push', { clientId: c, intents: [mkIntent(c, { kind: 'add_version', docId, sha256: sha, size, fileName: toSafeFileName('hóa đơn\u202efdp.exe'), versionKind: 'draft', parentSha256: null })] });
    expect(good.json.results[0].outcome).toBe('applied');
  });
});
