// Revocation through validatePath with real OpenSSL-made evidence: CRLs from `openssl ca -gencrl`,
// OCSP responses from `openssl ocsp` as responder (delegated responder and unauthorised signer),
// embedded (offline) data, online fetching from a loopback server with a cache, timeouts, and the
// rule that an undetermined status is INDETERMINATE, never VALID.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeTestPki, type TestPki } from '../helpers/pki';
import { OpensslCa, type RevocationServer, startRevocationServer } from './openssl-ca';
import { type HttpGet, type HttpPost, type RevocationCache, buildOcspRequest, parseCert, validatePath } from '../../src-shared/pki';

let pki: TestPki;
let srv: RevocationServer;
let rootCa: OpensslCa;
let interCa: OpensslCa;
let revokedSigner: Awaited<ReturnType<TestPki['issue']>>;
const revokedAt = new Date(Date.now() - 3600_000);

const post: HttpPost = async (url, body, contentType) => {
  const r = await fetch(url, { method: 'POST', body: Buffer.from(body), headers: { 'content-type': contentType } });
  return { status: r.status, body: new Uint8Array(await r.arrayBuffer()), headers: {} };
};
const get: HttpGet = async (url) => {
  const r = await fetch(url);
  return { status: r.status, body: new Uint8Array(await r.arrayBuffer()), headers: {} };
};

beforeAll(async () => {
  srv = await startRevocationServer();
  const dir = mkdtempSync(path.join(tmpdir(), 'vanthu-pki-rev-'));
  pki = await makeTestPki(dir, { ocspUrl: `${srv.url}/ocsp`, crlBaseUrl: `${srv.url}/crl`, signerTypes: ['rsa2048', 'p256'] });
  revokedSigner = await pki.issue({ name: 'revoked', keyType: 'p256', subject: [['C', 'VN'], ['CN', 'Trần Thị Thu Hồi']], issuer: pki.intermediate, p12: false });
  rootCa = new OpensslCa(dir, pki.root);
  rootCa.addValid(pki.intermediate);
  interCa = new OpensslCa(dir, pki.intermediate);
  for (const e of [pki.signers.rsa2048, pki.signers.p256, pki.tsa, pki.ocsp]) interCa.addValid(e);
  interCa.revoke(revokedSigner, revokedAt);
  srv.crls.set('root.crl', () => rootCa.gencrl());
  srv.crls.set('intermediate.crl', () => interCa.gencrl());
  srv.ocsp = (req) => interCa.respond(req, pki.ocsp, 1);
}, 120_000);

afterAll(async () => { await srv?.close(); });

const base = () => ({ intermediates: [pki.intermediate.der], anchors: [pki.root.der], time: new Date() });
async function ocspFor(e: { der: Uint8Array }, signer = pki.ocsp, ndays?: number, noCerts = false): Promise<Uint8Array> {
  const req = await buildOcspRequest(parseCert(e.der), parseCert(pki.intermediate.der));
  return interCa.respond(req, signer, ndays, noCerts);
}

describe('revocation with embedded data (offline)', () => {
  it('is VALID with an OCSP response from the delegated responder for the signer and the root CRL for the CA', async () => {
    const r = await validatePath(pki.signers.rsa2048.der, {
      ...base(), revocation: { mode: 'offline', ocsps: [await ocspFor(pki.signers.rsa2048, pki.ocsp, 1)], crls: [rootCa.gencrl()] },
    });
    expect(r.status).toBe('VALID');
    expect(r.revocationChecked).toBe(true);
    expect(r.revocation?.map((x) => [x.index, x.status, x.source])).toEqual([[1, 'good', 'crl'], [0, 'good', 'ocsp']]);
    expect(r.usedOcsps?.length).toBe(1);
    expect(r.usedCrls?.length).toBe(1);
  });

  it('is INVALID (PKI_REVOKED) when the issuing CA CRL lists the certificate, VALID at a time before the revocation', async () => {
    const crls = [rootCa.gencrl(), interCa.gencrl()];
    const r = await validatePath(revokedSigner.der, { ...base(), revocation: { mode: 'offline', crls } });
    expect(r.status).toBe('INVALID');
    expect(r.reason?.code).toBe('PKI_REVOKED');
    expect(r.reason?.message_vi).toMatch(/thu hồi/);
    expect(r.revocation?.find((x) => x.index === 0)?.reasonCode).toBe(1);
    const before = await validatePath(revokedSigner.der, { ...base(), time: new Date(revokedAt.getTime() - 600_000), revocation: { mode: 'offline', crls } });
    expect(before.status).toBe('VALID');
  });

  it('is INVALID when the OCSP response says revoked', async () => {
    const r = await validatePath(revokedSigner.der, {
      ...base(), revocation: { mode: 'offline', ocsps: [await ocspFor(revokedSigner, pki.ocsp, 1)], crls: [rootCa.gencrl()] },
    });
    expect(r.status).toBe('INVALID');
    expect(r.reason?.code).toBe('PKI_REVOKED');
  });

  it('is INDETERMINATE, never VALID, when no revocation data is available', async () => {
    const r = await validatePath(pki.signers.p256.der, { ...base(), revocation: { mode: 'offline' } });
    expect(r.status).toBe('INDETERMINATE');
    expect(r.reason?.code).toBe('PKI_REVOCATION_UNKNOWN');
    expect(r.reason?.message_en).toMatch(/no revocation information/);
    expect(r.reason?.message_vi).toMatch(/thu hồi/);
  });

  it('ignores an OCSP response signed by a certificate without id-kp-OCSPSigning', async () => {
    const r = await validatePath(pki.signers.p256.der, {
      ...base(), revocation: { mode: 'offline', ocsps: [await ocspFor(pki.signers.p256, pki.tsa, 1)], crls: [rootCa.gencrl()] },
    });
    expect(r.status).toBe('INDETERMINATE');
    expect(r.reason?.message_en).toMatch(/OCSPSigning/);
  });

  it('accepts an OCSP response signed by the issuing CA itself', async () => {
    const r = await validatePath(pki.signers.p256.der, {
      ...base(), revocation: { mode: 'offline', ocsps: [await ocspFor(pki.signers.p256, pki.intermediate, 1)], crls: [rootCa.gencrl()] },
    });
    expect(r.status).toBe('VALID');
  });

  it('finds a delegated responder certificate in the pool when the response carries none', async () => {
    const resp = await ocspFor(pki.signers.p256, pki.ocsp, 1, true);
    const revocation = { mode: 'offline' as const, ocsps: [resp], crls: [rootCa.gencrl()] };
    const withPool = await validatePath(pki.signers.p256.der, { ...base(), intermediates: [pki.intermediate.der, pki.ocsp.der], revocation });
    expect(withPool.status).toBe('VALID');
    const without = await validatePath(pki.signers.p256.der, { ...base(), revocation });
    expect(without.status).toBe('INDETERMINATE');
  });

  it('does not use answers from a delegated responder (without ocsp-nocheck) that the CA has revoked', async () => {
    // a second responder, without id-pkix-ocsp-nocheck, says "good" for a certificate; later the
    // issuing CA revokes both (two openssl CA states: before and after)
    const responder = await pki.issue({ name: 'ocsp-checked', keyType: 'p256', subject: [['C', 'VN'], ['CN', 'OCSP không nocheck']], issuer: pki.intermediate, profile: 'ocsp', ocspNoCheck: false, p12: false });
    const victim = await pki.issue({ name: 'victim', keyType: 'p256', subject: [['C', 'VN'], ['CN', 'Lê Văn Bị Thu Hồi']], issuer: pki.intermediate, p12: false });
    const before = new OpensslCa(mkdtempSync(path.join(tmpdir(), 'vanthu-pki-rev-before-')), pki.intermediate);
    before.addValid(victim);
    before.addValid(responder);
    const good = before.respond(await buildOcspRequest(parseCert(victim.der), parseCert(pki.intermediate.der)), responder, 1);
    const after = new OpensslCa(mkdtempSync(path.join(tmpdir(), 'vanthu-pki-rev-after-')), pki.intermediate);
    after.revoke(victim, new Date(Date.now() - 3600_000));
    after.revoke(responder, new Date(Date.now() - 3600_000));
    const revocation = (crls: Uint8Array[]) => ({ mode: 'offline' as const, ocsps: [good], crls: [rootCa.gencrl(), ...crls] });

    // the responder revoked: its "good" is not used, the CA's CRL decides
    const r = await validatePath(victim.der, { ...base(), revocation: revocation([after.gencrl()]) });
    expect(r.status).toBe('INVALID');
    expect(r.reason?.code).toBe('PKI_REVOKED');

    // the responder's own status unknown (no CRL from its CA at hand): its answer is used
    const unknown = await validatePath(victim.der, { ...base(), revocation: revocation([]) });
    expect(unknown.status).toBe('VALID');
    expect(unknown.revocation?.find((x) => x.index === 0)?.source).toBe('ocsp');
  });

  it('does not use an OCSP response for another certificate, nor a stale one', async () => {
    const other = await validatePath(pki.signers.p256.der, {
      ...base(), revocation: { mode: 'offline', ocsps: [await ocspFor(pki.signers.rsa2048, pki.ocsp, 1)], crls: [rootCa.gencrl()] },
    });
    expect(other.status).toBe('INDETERMINATE');
    const stale = await validatePath(pki.signers.p256.der, {
      ...base(), time: new Date(Date.now() + 3 * 86400_000),
      revocation: { mode: 'offline', ocsps: [await ocspFor(pki.signers.p256, pki.ocsp, 1)], crls: [rootCa.gencrl()] },
    });
    expect(stale.status).toBe('INDETERMINATE');
    expect(stale.reason?.message_en).toMatch(/not recent enough/);
  });

  it('in mode require, embedded data alone is not enough', async () => {
    const r = await validatePath(pki.signers.rsa2048.der, {
      ...base(), revocation: { mode: 'require', ocsps: [await ocspFor(pki.signers.rsa2048, pki.ocsp, 1)], crls: [rootCa.gencrl()] },
    });
    expect(r.status).toBe('INDETERMINATE');
  });
});

describe('revocation fetched online from a loopback responder', () => {
  it('fetches OCSP and CRLs through the injected fetcher, fills the cache, and later validates offline from the cache', async () => {
    const store = new Map<string, { data: Uint8Array; kind: 'crl' | 'ocsp' }>();
    const cache: RevocationCache = {
      get: (k) => store.get(k)?.data,
      put: (k, data, kind) => { store.set(k, { data, kind }); },
      all: () => ({ crls: [...store.values()].filter((v) => v.kind === 'crl').map((v) => v.data), ocsps: [...store.values()].filter((v) => v.kind === 'ocsp').map((v) => v.data) }),
    };
    srv.requests.length = 0;
    const online = await validatePath(pki.signers.rsa2048.der, { ...base(), revocation: { mode: 'online', fetcher: { get, post, timeoutMs: 10_000 }, cache } });
    expect(online.status).toBe('VALID');
    expect(srv.requests).toContain('POST /ocsp');
    expect(srv.requests).toContain('GET /crl/root.crl');
    expect(online.revocation?.find((x) => x.index === 0)?.source).toBe('ocsp');
    expect(store.size).toBeGreaterThanOrEqual(2);
    srv.requests.length = 0;
    const offline = await validatePath(pki.signers.rsa2048.der, { ...base(), revocation: { mode: 'offline', cache } });
    expect(offline.status).toBe('VALID');
    expect(srv.requests).toEqual([]);
    // online again: fresh cached responses are used, nothing is fetched
    const again = await validatePath(pki.signers.rsa2048.der, { ...base(), revocation: { mode: 'online', fetcher: { get, post }, cache } });
    expect(again.status).toBe('VALID');
    expect(srv.requests).toEqual([]);
  });

  it('finds a revoked certificate online (mode require)', async () => {
    const r = await validatePath(revokedSigner.der, { ...base(), revocation: { mode: 'require', fetcher: { get, post } } });
    expect(r.status).toBe('INVALID');
    expect(r.reason?.code).toBe('PKI_REVOKED');
  });

  it('gives up on a responder that never answers after the timeout and reports INDETERMINATE', async () => {
    const hangPost: HttpPost = (url, body, ct) => post(url.replace('/ocsp', '/hang'), body, ct);
    const hangGet: HttpGet = (url) => get(url.replace('/crl/', '/hang/'));
    const r = await validatePath(pki.signers.p256.der, { ...base(), revocation: { mode: 'online', fetcher: { get: hangGet, post: hangPost, timeoutMs: 300 } } });
    expect(r.status).toBe('INDETERMINATE');
    expect(r.reason?.message_en).toMatch(/could not be fetched/);
  });
});
