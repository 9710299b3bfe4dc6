// OCSP and CRL clients against the test responder on 127.0.0.1: responses are accepted by
// `openssl ocsp`/`openssl crl`, say good/revoked/unknown as configured, bad answers are told
// apart (refused, unreachable, forged), and collectValidationData gathers B-LT data for the
// signer's and the TSA's chains or lists exactly what could not be checked.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkOcspResponse, fetchOcsp } from '../../src-shared/cms/ocsp';
import { crlStatus, fetchCrl } from '../../src-shared/cms/crl';
import { collectValidationData } from '../../src-shared/cms/validation-data';
import { createRevocationCache } from '../../src-shared/cms/revocation-cache';
import { readTimestampToken, requestTimestamp } from '../../src-shared/cms/timestamp';
import { createNodeNet } from '../../src-main/services/net/http';
import { makeTestPki, type TestPki } from '../helpers/pki';
import { startRevocationServer, type RevocationServer } from '../helpers/ocsp';
import { startTsa, type TsaServer } from '../helpers/tsa';

let pki: TestPki;
let rev: RevocationServer;
let tsa: TsaServer;
let work: string;
const net = createNodeNet({ timeoutMs: 10_000 });

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'vanthu-rev-'));
  rev = await startRevocationServer();
  pki = await makeTestPki(join(work, 'pki'), { ...rev.pkiOptions, signerTypes: ['rsa2048', 'p256'] });
  rev.attach(pki);
  rev.revoke(pki.signers.p256.serialHex, { reason: 1, date: new Date('2026-01-02T03:04:05Z') });
  tsa = await startTsa(pki.tsa);
});
afterAll(async () => { await tsa?.close(); await rev?.close(); });
beforeEach(() => rev.setMode('ok'));

function openssl(args: string[]): { ok: boolean; out: string } {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  return { ok: r.status === 0, out: r.stdout + r.stderr };
}

describe('OCSP client and test responder', () => {
  it('says good for a valid signer, with a response openssl ocsp verifies through the delegated responder', async () => {
    const r = await fetchOcsp(net.post, pki.signers.rsa2048.der, pki.intermediate.der);
    expect(r.status).toBe('good');
    expect(r.responderCertificates.map((c) => Buffer.from(c))).toEqual([Buffer.from(pki.ocsp.der)]);
    const p = join(work, 'good.ocsp');
    writeFileSync(p, r.der);
    const v = openssl(['ocsp', '-respin', p, '-issuer', pki.intermediate.pemPath, '-cert', pki.signers.rsa2048.pemPath, '-CAfile', pki.root.pemPath, '-no_nonce']);
    expect(v.out).toContain('Response verify OK');
    expect(v.out).toContain(`${pki.signers.rsa2048.pemPath}: good`);
  });

  it('says revoked with time and reason for a revoked signer, and openssl agrees', async () => {
    const r = await fetchOcsp(net.post, pki.signers.p256.der, pki.intermediate.der);
    expect(r.status).toBe('revoked');
    expect(r.revocationTime?.toISOString()).toBe('2026-01-02T03:04:05.000Z');
    expect(r.revocationReason).toBe(1);
    const p = join(work, 'revoked.ocsp');
    writeFileSync(p, r.der);
    const v = openssl(['ocsp', '-respin', p, '-issuer', pki.intermediate.pemPath, '-cert', pki.signers.p256.pemPath, '-CAfile', pki.root.pemPath, '-no_nonce']);
    expect(v.out).toContain('Response verify OK');
    expect(v.out).toContain(`${pki.signers.p256.pemPath}: revoked`);
    expect(v.out).toContain('keyCompromise');
  });

  it("answers the intermediate's status signed by the root itself", async () => {
    const r = await fetchOcsp(net.post, pki.intermediate.der, pki.root.der);
    expect(r.status).toBe('good');
    expect(r.responderCertificates).toHaveLength(0);
  });

  it('says unknown for a serial the responder does not know', async () => {
    const extra = await pki.issue({ name: 'unknown-one', keyType: 'p256', issuer: pki.intermediate, subject: [['C', 'VN'], ['CN', 'Phạm Văn Không Rõ']] });
    rev.markUnknown(extra.serialHex);
    expect((await fetchOcsp(net.post, extra.der, pki.intermediate.der)).status).toBe('unknown');
  });

  it('does not accept a response for a different certificate or one signed by a key the issuer never authorised', async () => {
    const r = await fetchOcsp(net.post, pki.signers.rsa2048.der, pki.intermediate.der);
    await expect(checkOcspResponse(r.der, pki.tsa.der, pki.intermediate.der)).rejects.toMatchObject({ code: 'OCSP_BAD_RESPONSE' });
    rev.setMode('wrong-signer');
    await expect(fetchOcsp(net.post, pki.signers.rsa2048.der, pki.intermediate.der)).rejects.toMatchObject({ code: 'OCSP_BAD_RESPONSE', message_en: expect.stringContaining('signature') });
  });

  it('does not accept a delegated responder whose certificate has expired', async () => {
    const old = await pki.issue({
      name: 'ocsp-expired', keyType: 'p256', profile: 'ocsp', issuer: pki.intermediate, subject: [['C', 'VN'], ['CN', 'OCSP hết hạn']],
      notBefore: new Date(Date.now() - 400 * 86400_000), notAfter: new Date(Date.now() - 30 * 86400_000),
    });
    rev.setResponder(old);
    try {
      await expect(fetchOcsp(net.post, pki.signers.rsa2048.der, pki.intermediate.der)).rejects.toMatchObject({ code: 'OCSP_BAD_RESPONSE', message_en: expect.stringContaining('expired') });
    } finally {
      rev.setResponder(undefined);
    }
  });

  it('tells refused (tryLater, unauthorized, HTTP error) from unreachable', async () => {
    rev.setMode('try-later');
    await expect(fetchOcsp(net.post, pki.signers.rsa2048.der, pki.intermediate.der)).rejects.toMatchObject({ code: 'OCSP_REFUSED', message_en: expect.stringContaining('tryLater') });
    rev.setMode('unauthorized');
    await expect(fetchOcsp(net.post, pki.signers.rsa2048.der, pki.intermediate.der)).rejects.toMatchObject({ code: 'OCSP_REFUSED' });
    rev.setMode('http-500');
    await expect(fetchOcsp(net.post, pki.signers.rsa2048.der, pki.intermediate.der)).rejects.toMatchObject({ code: 'OCSP_REFUSED', message_en: expect.stringContaining('HTTP 500') });
    rev.setMode('garbage');
    await expect(fetchOcsp(net.post, pki.signers.rsa2048.der, pki.intermediate.der)).rejects.toMatchObject({ code: 'OCSP_BAD_RESPONSE' });
    const gone = await startRevocationServer();
    const url = gone.ocspUrl;
    await gone.close();
    await expect(fetchOcsp(net.post, pki.signers.rsa2048.der, pki.intermediate.der, { url })).rejects.toMatchObject({ code: 'OCSP_UNREACHABLE' });
  });
});

describe('CRL client', () => {
  it('fetches a CRL that openssl verifies and that lists exactly the revoked signer', async () => {
    const r = await fetchCrl(net.get, `${rev.crlBaseUrl}/intermediate.crl`, { issuerDer: pki.intermediate.der });
    const p = join(work, 'int.crl');
    writeFileSync(p, r.der);
    const v = openssl(['crl', '-inform', 'DER', '-in', p, '-CAfile', pki.chainPemPath, '-noout', '-text']);
    expect(v.out).toContain('verify OK');
    expect(v.out.toUpperCase()).toContain(pki.signers.p256.serialHex.toUpperCase());
    expect(crlStatus(r.crl, pki.signers.p256.der)).toMatchObject({ status: 'revoked', revocationReason: 1 });
    expect(crlStatus(r.crl, pki.signers.rsa2048.der)).toEqual({ status: 'good' });
  });

  it('rejects a CRL checked against the wrong issuer and reports an unreachable server', async () => {
    await expect(fetchCrl(net.get, `${rev.crlBaseUrl}/intermediate.crl`, { issuerDer: pki.root.der })).rejects.toMatchObject({ code: 'CRL_BAD' });
    rev.setMode('down');
    await expect(fetchCrl(net.get, `${rev.crlBaseUrl}/intermediate.crl`)).rejects.toMatchObject({ code: 'CRL_REFUSED', message_en: expect.stringContaining('HTTP 503') });
    const gone = await startRevocationServer();
    await gone.close();
    await expect(fetchCrl(net.get, `${gone.crlBaseUrl}/intermediate.crl`)).rejects.toMatchObject({ code: 'CRL_UNREACHABLE' });
  });
});

describe('collectValidationData', () => {
  it("gathers certificates and OCSP responses for the signer's and the TSA's chains", async () => {
    const token = await requestTimestamp(net.post, tsa.url, { data: new Uint8Array([1, 2, 3]) }, 'SHA-256');
    const tsaCerts = readTimestampToken(token).certificates;
    const vd = await collectValidationData([[pki.signers.rsa2048.der, ...pki.chainDers], [pki.tsa.der, ...tsaCerts]], net);
    expect(vd.problems).toEqual([]);
    expect(vd.offline).toBe(false);
    const has = (d: Uint8Array) => vd.certs.some((c) => Buffer.from(c).equals(Buffer.from(d)));
    for (const e of [pki.signers.rsa2048, pki.intermediate, pki.root, pki.tsa, pki.ocsp]) expect(has(e.der)).toBe(true);
    // signer, TSA (both by the delegated responder) and the intermediate (by the root).
    expect(vd.ocsps).toHaveLength(3);
    expect(vd.statuses.filter((s) => s.status === 'good').map((s) => s.source)).toEqual(['ocsp', 'ocsp', 'ocsp']);
    expect(vd.statuses.some((s) => s.status === 'trust-anchor')).toBe(true);
  });

  it('fetches a missing intermediate through AIA caIssuers', async () => {
    const before = rev.hits.ca;
    const vd = await collectValidationData([pki.signers.rsa2048.der], net);
    expect(rev.hits.ca).toBeGreaterThan(before);
    expect(vd.problems).toEqual([]);
    expect(vd.certs.some((c) => Buffer.from(c).equals(Buffer.from(pki.intermediate.der)))).toBe(true);
  });

  it('falls back to CRLs when OCSP refuses, and flags a revoked signer', async () => {
    rev.setMode('try-later');
    const vd = await collectValidationData([pki.signers.p256.der, ...pki.chainDers], net);
    expect(vd.ocsps).toHaveLength(0);
    expect(vd.crls).toHaveLength(2);
    expect(vd.statuses.find((s) => s.subject === 'Trần Thị Bích Ngọc')).toMatchObject({ status: 'revoked', source: 'crl' });
    expect(vd.problems.map((p) => p.code)).toEqual(['CERT_REVOKED']);
  });

  it('warns, without failing, for every certificate whose status cannot be checked', async () => {
    rev.setMode('down');
    const vd = await collectValidationData([pki.signers.rsa2048.der, ...pki.chainDers], net);
    expect(vd.problems.map((p) => p.code)).toEqual(['REVOCATION_UNAVAILABLE', 'REVOCATION_UNAVAILABLE']);
    expect(vd.problems[0].message_vi).toContain('Nguyễn Văn An');
    expect(vd.certs).toHaveLength(3);
    // The servers answered (HTTP 503): that is not "offline".
    expect(vd.offline).toBe(false);
  });

  it('says offline when no revocation server can be reached at all', async () => {
    const gone = await startRevocationServer();
    const away = await makeTestPki(join(work, 'away'), { ...gone.pkiOptions, signerTypes: ['rsa2048'], caKeyType: 'p256' });
    await gone.close();
    const vd = await collectValidationData([away.signers.rsa2048.der, ...away.chainDers], net);
    expect(vd.offline).toBe(true);
    expect(vd.ocsps).toHaveLength(0);
    expect(vd.crls).toHaveLength(0);
    expect(vd.problems.map((p) => p.code)).toEqual(['REVOCATION_UNAVAILABLE', 'REVOCATION_UNAVAILABLE']);
    expect(vd.problems[0].message_en).toMatch(/cannot be reached|Cannot download/);
  });

  it('asks each responder once per batch when given a revocation cache', async () => {
    const cache = createRevocationCache();
    const chain = [pki.signers.rsa2048.der, ...pki.chainDers];
    const before = rev.hits.ocsp;
    const first = await collectValidationData(chain, net, { cache });
    expect(rev.hits.ocsp - before).toBe(2);
    for (let i = 0; i < 3; i++) {
      const again = await collectValidationData(chain, net, { cache });
      expect(again.ocsps.map((o) => Buffer.from(o))).toEqual(first.ocsps.map((o) => Buffer.from(o)));
      expect(again.problems).toEqual([]);
    }
    expect(rev.hits.ocsp - before).toBe(2);
    // Without the cache every call asks again.
    await collectValidationData(chain, net);
    expect(rev.hits.ocsp - before).toBe(4);
  });

  it('warns for certificates without any OCSP or CRL URL', async () => {
    const plain = await makeTestPki(join(work, 'plain'), { signerTypes: ['rsa2048'] });
    const vd = await collectValidationData([plain.signers.rsa2048.der, ...plain.chainDers], net);
    expect(vd.problems.map((p) => p.code)).toEqual(['REVOCATION_UNAVAILABLE', 'REVOCATION_UNAVAILABLE']);
    expect(vd.problems[0].message_en).toContain('no OCSP or CRL URL');
    expect(vd.offline).toBe(false);
  });
});
