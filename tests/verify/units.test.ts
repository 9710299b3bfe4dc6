// Unit-level behaviour of the verifier's parts: ByteRange rules, DocMDP/FieldMDP policy, algorithm
// policy on real openssl-made CMS (SHA-1, RSA-1024), ECDSA encoding, dates, verdicts, messages.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryRangeHasher, digest } from '../../src-shared/verify/algorithms';
import { checkByteRange } from '../../src-shared/verify/byterange';
import { judge, isLocked, summarise } from '../../src-shared/verify/changes/policy';
import type { ChangeFact } from '../../src-shared/verify/changes/analyse';
import { verifySignedData } from '../../src-shared/verify/cms-verify';
import { tryEcdsaDerToRaw } from '../../src-shared/crypto/ecdsa';
import { finding, hasMessage, INDICATION_TEXT, SUB_INDICATION_TEXT } from '../../src-shared/verify/messages';
import { documentVerdict, type SignatureReport } from '../../src-shared/verify/report';
import { pdfDateToIso } from '../../src-shared/verify/verify-pdf';
import { loadTrustAnchors } from '../../src-main/services/verify/trust';
import { tmp } from './fixtures';

const base = { contents: { start: 100, end: 200 }, contentsLength: 49, fileLength: 1000, revisionEnds: [600, 1000] };

describe('ByteRange sanity', () => {
  it('accepts one gap that is exactly /Contents and ends at a revision end', () => {
    const r = checkByteRange({ ...base, byteRange: [0, 100, 200, 400] });
    expect(r).toMatchObject({ ok: true, revision: 1, coversWholeRevision: true, coversWholeDocument: false });
    const last = checkByteRange({ ...base, byteRange: [0, 100, 200, 800] });
    expect(last).toMatchObject({ ok: true, revision: 2, coversWholeDocument: true });
  });
  it.each([
    ['not starting at 0', [5, 95, 200, 400], 'BYTERANGE_NOT_AT_ZERO'],
    ['gap larger than /Contents', [0, 90, 200, 400], 'BYTERANGE_GAP_NOT_CONTENTS'],
    ['overlapping ranges', [0, 300, 200, 400], 'BYTERANGE_OVERLAP'],
    ['tail not covered', [0, 100, 200, 300], 'BYTERANGE_NOT_REVISION_END'],
    ['two numbers only', [0, 100], 'BYTERANGE_NOT_FOUR'],
    ['six numbers (two gaps)', [0, 100, 200, 50, 300, 700], 'BYTERANGE_NOT_FOUR'],
    ['negative length', [0, 100, 200, -1], 'BYTERANGE_NOT_FOUR'],
    ['beyond the end of file', [0, 100, 200, 5000], 'BYTERANGE_BEYOND_EOF'],
  ])('rejects %s', (_, br, code) => {
    const r = checkByteRange({ ...base, byteRange: br });
    expect(r.ok).toBe(false);
    expect(r.findings.map((f) => f.code)).toContain(code);
  });
  it('accepts a range ending after whitespace padding past %%EOF, not after other bytes', () => {
    const file = new Uint8Array(1010).fill(0x41);
    file.fill(0x0a, 1000, 1010);
    const read = (o: number, l: number) => file.subarray(o, o + l);
    expect(checkByteRange({ ...base, fileLength: 1010, byteRange: [0, 100, 200, 810], read }).coversWholeRevision).toBe(true);
    file[1005] = 0x41;
    expect(checkByteRange({ ...base, fileLength: 1010, byteRange: [0, 100, 200, 810], read }).coversWholeRevision).toBe(false);
  });
  it('rejects a missing /ByteRange and an empty /Contents', () => {
    expect(checkByteRange({ ...base, byteRange: undefined }).findings.map((f) => f.code)).toContain('NO_BYTERANGE');
    expect(checkByteRange({ ...base, contentsLength: 0, byteRange: [0, 100, 200, 400] }).findings.map((f) => f.code)).toContain('NO_CONTENTS');
  });
});

const fact = (category: ChangeFact['category'], field?: string): ChangeFact => ({ revision: 2, rule: category, category, field, objects: [], message_vi: 'x', message_en: 'x' });

describe('modification policy (DocMDP / FieldMDP)', () => {
  it('always allows DSS, document timestamps and metadata, even under P=1', () => {
    const e = judge([fact('dss'), fact('doc-timestamp'), fact('metadata')], { docMdp: 1, locks: [], defaultPermission: 2 });
    expect(summarise(e)).toBe('allowed');
  });
  it('allows later signatures from P=2, refuses them under P=1', () => {
    expect(summarise(judge([fact('signature')], { docMdp: 2, locks: [], defaultPermission: 2 }))).toBe('allowed');
    expect(summarise(judge([fact('signature')], { docMdp: 1, locks: [], defaultPermission: 2 }))).toBe('disallowed');
  });
  it('allows annotations only under P=3', () => {
    expect(summarise(judge([fact('annotation')], { docMdp: null, locks: [], defaultPermission: 2 }))).toBe('disallowed');
    expect(summarise(judge([fact('annotation')], { docMdp: 3, locks: [], defaultPermission: 2 }))).toBe('allowed');
  });
  it('refuses filling a field locked by FieldMDP, allows the others', () => {
    const locks = [{ action: 'Include' as const, fields: ['SoVanBan'] }];
    expect(isLocked('SoVanBan', locks)).toBe(true);
    expect(summarise(judge([fact('form-fill', 'SoVanBan')], { docMdp: 2, locks, defaultPermission: 2 }))).toBe('disallowed');
    expect(summarise(judge([fact('form-fill', 'NgayBanHanh')], { docMdp: 2, locks, defaultPermission: 2 }))).toBe('allowed');
    expect(isLocked('Any', [{ action: 'All', fields: [] }])).toBe(true);
    expect(isLocked('A', [{ action: 'Exclude', fields: ['A'] }])).toBe(false);
  });
  it('always refuses forbidden changes', () => {
    expect(summarise(judge([fact('forbidden')], { docMdp: 3, locks: [], defaultPermission: 3 }))).toBe('disallowed');
    expect(summarise([])).toBe('none');
  });
});

function opensslCms(dir: string, keyArgs: string[], md: string, extra: string[] = []): { cms: Uint8Array; data: Uint8Array } {
  const key = path.join(dir, `k-${md}.pem`), cert = path.join(dir, `c-${md}.pem`), data = path.join(dir, 'data.bin'), out = path.join(dir, `s-${md}.der`);
  writeFileSync(data, 'Văn bản thử nghiệm / test document');
  execFileSync('openssl', ['req', '-x509', '-newkey', ...keyArgs, '-nodes', '-keyout', key, '-out', cert, '-subj', '/CN=Algo test', '-days', '2'], { stdio: 'pipe' });
  execFileSync('openssl', ['cms', '-sign', '-binary', '-in', data, '-signer', cert, '-inkey', key, '-md', md, ...extra, '-outform', 'DER', '-out', out], { stdio: 'pipe' });
  return { cms: new Uint8Array(readFileSync(out)), data: new Uint8Array(readFileSync(data)) };
}

describe('CMS algorithm policy on openssl-made signatures', () => {
  const dir = tmp('algo');
  const detached = (data: Uint8Array) => ({ kind: 'detached' as const, digestOf: (alg: Parameters<typeof digest>[0]) => memoryRangeHasher(data)(alg, [[0, data.length]]) });

  it('verifies an RSA-2048 / SHA-256 signature and detects a changed content', async () => {
    const { cms, data } = opensslCms(dir, ['rsa:2048'], 'sha256');
    const ok = await verifySignedData(cms, detached(data));
    expect(ok.failure).toBeNull();
    expect(ok.signatureOk && ok.messageDigestOk).toBe(true);
    const changed = data.slice();
    changed[0] ^= 1;
    const bad = await verifySignedData(cms, detached(changed));
    expect(bad.failure?.subIndication).toBe('HASH_FAILURE');
  });
  it('verifies an RSA signature without signed attributes against the content digest', async () => {
    const { cms, data } = opensslCms(dir, ['rsa:2048'], 'sha256', ['-noattr']);
    const ok = await verifySignedData(cms, detached(data));
    expect(ok.failure).toBeNull();
    expect(ok.signatureOk && ok.messageDigestOk).toBe(true);
    const changed = data.slice();
    changed[3] ^= 0x40;
    const bad = await verifySignedData(cms, detached(changed));
    expect(bad.failure?.subIndication).toBe('HASH_FAILURE');
    const sig = cms.slice();
    sig[sig.length - 5] ^= 1; // inside the signature value (last field of the SignerInfo)
    const broken = await verifySignedData(sig, detached(data));
    expect(broken.failure?.subIndication).toBe('SIG_CRYPTO_FAILURE');
  });
  it('refuses SHA-1 even when the signature verifies', async () => {
    const { cms, data } = opensslCms(dir, ['rsa:2048'], 'sha1');
    const r = await verifySignedData(cms, detached(data));
    expect(r.signatureOk).toBe(true);
    expect(r.failure?.subIndication).toBe('CRYPTO_CONSTRAINTS_FAILURE');
    expect(r.findings.map((f) => f.code)).toContain('DIGEST_NOT_ACCEPTED');
  });
  it('flags an RSA key shorter than 2048 bits', async () => {
    const { cms, data } = opensslCms(dir, ['rsa:1024'], 'sha256');
    const r = await verifySignedData(cms, detached(data));
    expect(r.findings.map((f) => f.code)).toContain('RSA_KEY_TOO_SHORT');
    expect(r.signatureOk).toBe(true);
    expect(r.failure).toEqual({ indication: 'INDETERMINATE', subIndication: 'CRYPTO_CONSTRAINTS_FAILURE' });
  });
  it('verifies an ECDSA P-384 signature', async () => {
    const { cms, data } = opensslCms(dir, ['ec', '-pkeyopt', 'ec_paramgen_curve:P-384'], 'sha384');
    const r = await verifySignedData(cms, detached(data));
    expect(r.failure).toBeNull();
    expect(r.signatureAlgorithm).toMatch(/ecdsa/);
  });
  it('reports malformed CMS as a format failure instead of throwing', async () => {
    for (const junk of [new Uint8Array([0x30, 0x82, 0xff, 0xff, 0x01]), new Uint8Array(64).fill(0x30), new Uint8Array(0)]) {
      const r = await verifySignedData(junk, detached(new Uint8Array(1)));
      expect(r.failure?.subIndication).toBe('FORMAT_FAILURE');
    }
  });
});

describe('small helpers', () => {
  it('converts ECDSA DER signatures to fixed-width r||s', () => {
    const der = new Uint8Array([0x30, 0x08, 0x02, 0x02, 0x00, 0x81, 0x02, 0x02, 0x01, 0x02]);
    expect([...tryEcdsaDerToRaw(der, 4)!]).toEqual([0, 0, 0, 0x81, 0, 0, 1, 2]);
    expect(tryEcdsaDerToRaw(new Uint8Array([1, 2, 3]), 32)).toBeNull();
  });
  it('refuses ECDSA signatures that are not DER: long-form short length, a third integer, an integer overrunning the sequence', () => {
    expect(tryEcdsaDerToRaw(new Uint8Array([0x30, 0x81, 0x08, 0x02, 0x02, 0x00, 0x81, 0x02, 0x02, 0x01, 0x02]), 4)).toBeNull();
    expect(tryEcdsaDerToRaw(new Uint8Array([0x30, 0x0b, 0x02, 0x02, 0x00, 0x81, 0x02, 0x02, 0x01, 0x02, 0x02, 0x01, 0x05]), 4)).toBeNull();
    expect(tryEcdsaDerToRaw(new Uint8Array([0x30, 0x08, 0x02, 0x02, 0x00, 0x81, 0x02, 0x04, 0x01, 0x02]), 4)).toBeNull();
  });
  it('parses PDF dates with time zones', () => {
    expect(pdfDateToIso("D:20261126140321+07'00'")).toBe('2026-11-26T07:03:21.000Z');
    expect(pdfDateToIso('D:20261126')).toBe('2026-11-26T00:00:00.000Z');
    expect(pdfDateToIso('yesterday')).toBeNull();
  });
  it('takes the worst signature as the document verdict; no signature is INDETERMINATE', () => {
    const s = (indication: SignatureReport['indication']) => ({ indication }) as SignatureReport;
    expect(documentVerdict([s('TOTAL_PASSED'), s('TOTAL_PASSED')])).toBe('TOTAL_PASSED');
    expect(documentVerdict([s('TOTAL_PASSED'), s('INDETERMINATE')])).toBe('INDETERMINATE');
    expect(documentVerdict([s('INDETERMINATE'), s('TOTAL_FAILED')])).toBe('TOTAL_FAILED');
    expect(documentVerdict([])).toBe('INDETERMINATE');
  });
  it('has every message and indication in Vietnamese and English', () => {
    for (const t of [...Object.values(SUB_INDICATION_TEXT), ...Object.values(INDICATION_TEXT)]) {
      expect(t.vi.length).toBeGreaterThan(0);
      expect(t.en.length).toBeGreaterThan(0);
      expect(t.vi).not.toBe(t.en);
    }
    const f = finding('NOT_WHOLE_DOCUMENT', 'info', { rev: 1, total: 3, n: 2 });
    expect(f.message_vi).toContain('1/3');
    expect(f.message_en).toContain('2 update');
    expect(hasMessage('NO_SUCH_CODE')).toBe(false);
  });
});

describe('trust anchors from configuration', () => {
  it('reads PEM bundles and DER files from files and directories, skips keys in directories, names a missing path', () => {
    const dir = tmp('trust');
    const key = path.join(dir, 'k.pem'), pem = path.join(dir, 'a.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', pem, '-subj', '/CN=Gốc thử', '-days', '2', '-utf8'], { stdio: 'pipe' });
    execFileSync('openssl', ['x509', '-in', pem, '-outform', 'DER', '-out', path.join(dir, 'b.cer')]);
    writeFileSync(path.join(dir, 'bundle.crt'), readFileSync(pem, 'latin1') + readFileSync(pem, 'latin1'), 'latin1');
    writeFileSync(path.join(dir, 'notes.txt'), 'ignored');
    expect(loadTrustAnchors([pem])).toHaveLength(1);
    const all = loadTrustAnchors([dir]);
    expect(all).toHaveLength(4); // a.pem, b.cer and the two in bundle.crt; k.pem (a key) is skipped
    expect(() => loadTrustAnchors([path.join(dir, 'missing.pem')])).toThrowError(/missing\.pem/);
  });
});
