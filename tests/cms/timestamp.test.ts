// RFC 3161 against the test TSA on 127.0.0.1: tokens verify with `openssl ts -verify`, the
// client checks nonce and imprint, tells "unreachable" from "refused", and CAdES-T keeps the
// CMS signature valid while adding a token over its signature value.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCadesDetached } from '../../src-shared/cms/cades';
import { readTimestampToken, requestTimestamp, verifyTimestampToken } from '../../src-shared/cms/timestamp';
import { addSignatureTimestamp, signatureTimestampToken, signatureValue, timestampSignature } from '../../src-shared/cms/signature-timestamp';
import { digest } from '../../src-shared/crypto/hash';
import { estimateCmsSize } from '../../src-shared/cms/size';
import { createHttpPost } from '../../src-main/services/net/http';
import { makeTestPki, signerFor, type TestPki } from '../helpers/pki';
import { startTsa, TEST_TSA_POLICY, type TsaServer } from '../helpers/tsa';

let pki: TestPki;
let tsa: TsaServer;
let work: string;
const post = createHttpPost({ timeoutMs: 10_000 });
const data = new TextEncoder().encode('Công văn số 05/UBND-VP — nội dung cần đóng dấu thời gian');

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'vanthu-tsa-'));
  pki = await makeTestPki(join(work, 'pki'), { signerTypes: ['rsa2048', 'p384'] });
  tsa = await startTsa(pki.tsa);
});
afterAll(async () => { await tsa?.close(); });

function opensslTsVerify(tokenPath: string, dataPath: string): { ok: boolean; out: string } {
  const r = spawnSync('openssl', ['ts', '-verify', '-in', tokenPath, '-token_in', '-data', dataPath, '-CAfile', pki.root.pemPath, '-untrusted', pki.intermediate.pemPath], { encoding: 'utf8' });
  return { ok: r.status === 0, out: r.stdout + r.stderr };
}

describe('RFC 3161 client and test TSA', () => {
  it.each(['SHA-256', 'SHA-384', 'SHA-512'] as const)('gets a %s token that openssl ts -verify accepts for the data', async (hash) => {
    const token = await requestTimestamp(post, tsa.url, { data }, hash);
    const tp = join(work, `token-${hash}.tst`);
    const dp = join(work, 'data.bin');
    writeFileSync(tp, token);
    writeFileSync(dp, data);
    const v = opensslTsVerify(tp, dp);
    expect(v.out).toContain('Verification: OK');
    const info = readTimestampToken(token);
    expect(info.hash).toBe(hash);
    expect(Buffer.from(info.imprint)).toEqual(Buffer.from(await digest(hash, data)));
    expect(info.policy).toBe(TEST_TSA_POLICY);
    expect(info.nonceHex).toMatch(/^[0-9a-f]{16}$/);
    expect(Math.abs(info.genTime.getTime() - Date.now())).toBeLessThan(10 * 60_000);
    expect(Buffer.from(info.tsaCertificate!)).toEqual(Buffer.from(pki.tsa.der));
    // Different data must not verify against this token.
    writeFileSync(dp, new TextEncoder().encode('khác'));
    expect(opensslTsVerify(tp, dp).ok).toBe(false);
  });

  it('reports a token whose TSTInfo was altered as not verifying', async () => {
    const token = await requestTimestamp(post, tsa.url, { data }, 'SHA-256');
    expect((await verifyTimestampToken(token)).ok).toBe(true);
    const tampered = token.slice();
    // Flip a byte of the genTime inside the TSTInfo (GeneralizedTime tag 0x18).
    const i = tampered.findIndex((b, k) => b === 0x18 && tampered[k + 1] >= 15 && tampered[k + 1] <= 19 && tampered[k + 2] === 0x32);
    expect(i).toBeGreaterThan(0);
    tampered[i + 5] ^= 0x01;
    expect((await verifyTimestampToken(tampered)).ok).toBe(false);
  });

  it('rejects a response whose nonce or imprint does not match the request', async () => {
    tsa.setMode('wrong-nonce');
    await expect(requestTimestamp(post, tsa.url, { data }, 'SHA-256')).rejects.toMatchObject({ code: 'TSA_BAD_RESPONSE', message_en: expect.stringContaining('nonce') });
    tsa.setMode('wrong-imprint');
    await expect(requestTimestamp(post, tsa.url, { data }, 'SHA-256')).rejects.toMatchObject({ code: 'TSA_BAD_RESPONSE', message_en: expect.stringContaining('imprint') });
    tsa.setMode('garbage');
    await expect(requestTimestamp(post, tsa.url, { data }, 'SHA-256')).rejects.toMatchObject({ code: 'TSA_BAD_RESPONSE' });
    tsa.setMode('ok');
  });

  it('rejects tokens from a TSA certificate whose timeStamping EKU is not critical', async () => {
    const lax = await pki.issue({ name: 'tsa-lax', keyType: 'p256', profile: 'tsa', ekuCritical: false, issuer: pki.intermediate, subject: [['C', 'VN'], ['CN', 'TSA không đúng chuẩn']] });
    const other = await startTsa(lax);
    try {
      await expect(requestTimestamp(post, other.url, { data }, 'SHA-256')).rejects.toMatchObject({ code: 'TSA_BAD_RESPONSE', message_en: expect.stringContaining('critical') });
    } finally {
      await other.close();
    }
  });

  it('says "refused" when the TSA answers with a rejection or an HTTP error', async () => {
    tsa.setMode('reject');
    const e = await requestTimestamp(post, tsa.url, { data }, 'SHA-256').catch((x) => x);
    expect(e).toMatchObject({ code: 'TSA_REFUSED' });
    expect(e.message_en).toContain('unacceptedPolicy');
    expect(e.message_vi).toContain('từ chối');
    tsa.setMode('http-500');
    await expect(requestTimestamp(post, tsa.url, { data }, 'SHA-256')).rejects.toMatchObject({ code: 'TSA_REFUSED', message_en: expect.stringContaining('HTTP 500') });
    tsa.setMode('ok');
  });

  it('says "unreachable" when nothing listens at the TSA URL', async () => {
    const closed = await startTsa(pki.tsa);
    const url = closed.url;
    await closed.close();
    await expect(requestTimestamp(post, url, { data }, 'SHA-256')).rejects.toMatchObject({ code: 'TSA_UNREACHABLE' });
  });

  it('adds a signature timestamp over the signature value and the CMS still verifies with openssl', async () => {
    const signer = await signerFor(pki.signers.p384);
    const content = new TextEncoder().encode('PDF byte ranges stand-in');
    const cms = await buildCadesDetached({ messageDigest: await digest('SHA-384', content), hash: 'SHA-384', signer });
    await signer.close();
    const cmsT = await timestampSignature(cms, post, tsa.url, 'SHA-256');
    const token = signatureTimestampToken(cmsT)!;
    expect(token).toBeDefined();
    expect(Buffer.from(readTimestampToken(token).imprint)).toEqual(Buffer.from(await digest('SHA-256', signatureValue(cms))));
    const cp = join(work, 'cms-t.p7s');
    const dp = join(work, 'content.bin');
    writeFileSync(cp, cmsT);
    writeFileSync(dp, content);
    const r = spawnSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', cp, '-content', dp, '-CAfile', pki.root.pemPath, '-purpose', 'any', '-out', '/dev/null'], { encoding: 'utf8' });
    expect(r.stderr).toContain('Verification successful');
    const printed = execFileSync('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', cp], { encoding: 'utf8' });
    expect(printed).toContain('id-smime-aa-timeStampToken');
    // The token itself verifies against the signature value with openssl ts.
    const tp = join(work, 'sig-token.tst');
    const sp = join(work, 'sigvalue.bin');
    writeFileSync(tp, token);
    writeFileSync(sp, signatureValue(cms));
    expect(opensslTsVerify(tp, sp).out).toContain('Verification: OK');
    // The B-T placeholder estimate leaves room for the token and the TSA chain.
    const est = await signerFor(pki.signers.p384);
    expect(cmsT.length).toBeLessThanOrEqual(estimateCmsSize(est, 'B-T'));
    expect(cms.length).toBeLessThanOrEqual(estimateCmsSize(est, 'B-B'));
    await est.close();
  });

  it('refuses to attach a token that covers something else', async () => {
    const signer = await signerFor(pki.signers.rsa2048);
    const cms = await buildCadesDetached({ messageDigest: await digest('SHA-256', data), hash: 'SHA-256', signer });
    const unrelated = await requestTimestamp(post, tsa.url, { data }, 'SHA-256');
    await expect(addSignatureTimestamp(cms, unrelated)).rejects.toMatchObject({ code: 'TST_MISMATCH' });
  });
});
