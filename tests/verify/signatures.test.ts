// Signatures made by our PAdES signer and by poppler's `pdfsig -add-signature`, verified end to end
// with the test root as trust anchor, revocation from the loopback OCSP/CRL server or from the
// PDF's DSS, timestamps from the loopback TSA.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyFile } from '../../src-main/services/verify';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { extendPdf, defaultPadesServices, signPdf, type CmsInput } from '../../src-shared/pades';
import { buildSignedData } from '../../src-shared/cms/signed-data';
import { signerFor } from '../helpers/pki';
import { BytesSource } from '../../src-shared/pdf/bytesource';
import { createNodeNet } from '../../src-main/services/net/http';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fonts, sampleSeal, sampleSignature } from '../appearance/render-helpers';
import { CORPUS, concat, makeWorld, save, signOurs, signPdfsig, type World } from './fixtures';

let w: World;
beforeAll(async () => {
  w = await makeWorld('sig');
});
afterAll(async () => {
  await w?.close();
});

const opts = () => ({ trust: [w.rootPem], cacheDir: null, isolate: false });

describe('signatures made by our signer', () => {
  it('passes a B-B RSA signature when the test root is trusted', async () => {
    const file = save(w, 'bb-rsa.pdf', await signOurs(w, w.base, w.pki.signers.rsa2048, { level: 'B-B' }));
    const r = await verifyFile(file, opts());
    expect(r.verdict).toBe('TOTAL_PASSED');
    const s = r.signatures[0];
    expect(s).toMatchObject({ indication: 'TOTAL_PASSED', subIndication: null, integrity: 'intact', coversWholeRevision: true, coversWholeDocument: true, modificationsAfter: 'none', level: 'B-B' });
    expect(s.signer).toMatchObject({ commonName: 'Nguyễn Văn An', organization: 'UBND tỉnh Hải Dương', identifiers: ['CCCD:001085012345'] });
    expect(s.signer?.subject).toContain('CN=Nguyễn Văn An');
    expect(s.revocation.status).toBe('good');
    expect(s.signingTime.claimed).not.toBeNull();
    expect(s.signingTime.proven).toBeNull();
  });

  it('is INDETERMINATE (no chain) without the test root', async () => {
    const file = save(w, 'bb-rsa-untrusted.pdf', await signOurs(w, w.base, w.pki.signers.rsa2048, { level: 'B-B' }));
    const r = await verifyFile(file, { cacheDir: null, isolate: false });
    expect(r.verdict).toBe('INDETERMINATE');
    expect(r.signatures[0].subIndication).toBe('NO_CERTIFICATE_CHAIN_FOUND');
    expect(r.signatures[0].integrity).toBe('intact');
  });

  it('passes ECDSA P-256 and RSASSA-PSS signatures', async () => {
    const ec = save(w, 'bb-p256.pdf', await signOurs(w, w.base, w.pki.signers.p256, { level: 'B-B' }));
    const pss = save(w, 'bb-pss.pdf', await signOurs(w, w.base, w.pki.signers.rsa2048, { level: 'B-B', scheme: { kind: 'rsa-pss' } }));
    const [a, b] = [await verifyFile(ec, opts()), await verifyFile(pss, opts())];
    expect(a.verdict).toBe('TOTAL_PASSED');
    expect(a.signatures[0].signatureAlgorithm).toMatch(/ecdsa/i);
    expect(b.verdict).toBe('TOTAL_PASSED');
    expect(b.signatures[0].signatureAlgorithm).toMatch(/PSS/);
  });

  it('proves the signing time with a signature timestamp (B-T)', async () => {
    const file = save(w, 'bt.pdf', await signOurs(w, w.base, w.pki.signers.rsa2048, { level: 'B-T' }));
    const r = await verifyFile(file, opts());
    const s = r.signatures[0];
    expect(r.verdict).toBe('TOTAL_PASSED');
    expect(s.level).toBe('B-T');
    expect(s.signingTime.provenBy).toBe('signature-timestamp');
    expect(s.timestamps[0]).toMatchObject({ kind: 'signature-timestamp', imprintValid: true, signatureValid: true, chainValid: true });
  });

  it('accepts an expired signer certificate only when a timestamp proves the signature existed before expiry', async () => {
    const shortLived = await w.pki.issue({
      name: 'signer-short', keyType: 'rsa2048', subject: [['C', 'VN'], ['CN', 'Chứng thư ngắn hạn']], issuer: w.pki.intermediate,
      notBefore: new Date(Date.now() - 3600_000), notAfter: new Date(Date.now() + 24 * 3600_000),
    });
    const later = new Date(Date.now() + 2 * 24 * 3600_000);
    const bt = save(w, 'expired-bt.pdf', await signOurs(w, w.base, shortLived, { level: 'B-T' }));
    const bb = save(w, 'expired-bb.pdf', await signOurs(w, w.base, shortLived, { level: 'B-B' }));
    const withTs = await verifyFile(bt, { ...opts(), now: later });
    expect(withTs.verdict).toBe('TOTAL_PASSED');
    expect(withTs.signatures[0].signingTime.provenBy).toBe('signature-timestamp');
    const without = await verifyFile(bb, { ...opts(), now: later });
    expect(without.verdict).toBe('INDETERMINATE');
    expect(without.signatures[0].subIndication).toBe('OUT_OF_BOUNDS_NO_POE');
  });

  it('reports a revoked signer certificate as TOTAL_FAILED / REVOKED', async () => {
    const revoked = await w.pki.issue({ name: 'signer-revoked', keyType: 'rsa2048', subject: [['C', 'VN'], ['CN', 'Người ký bị thu hồi']], issuer: w.pki.intermediate });
    const file = save(w, 'revoked.pdf', await signOurs(w, w.base, revoked, { level: 'B-B' }));
    w.rev.revoke(revoked.serialHex, { date: new Date(Date.now() - 3600_000) });
    const r = await verifyFile(file, opts());
    expect(r.verdict).toBe('TOTAL_FAILED');
    expect(r.signatures[0].subIndication).toBe('REVOKED');
    expect(r.signatures[0].revocation.status).toBe('revoked');
  });

  it('keeps a timestamped signature valid when the certificate is revoked after the proven time', async () => {
    const later = await w.pki.issue({ name: 'signer-revoked-later', keyType: 'rsa2048', subject: [['C', 'VN'], ['CN', 'Thu hồi sau khi ký']], issuer: w.pki.intermediate });
    const bt = save(w, 'revoked-after-ts.pdf', await signOurs(w, w.base, later, { level: 'B-T' }));
    const bb = save(w, 'revoked-after-bb.pdf', await signOurs(w, w.base, later, { level: 'B-B' }));
    w.rev.revoke(later.serialHex, { date: new Date(Date.now() + 1000) });
    const withTs = await verifyFile(bt, { ...opts(), now: new Date(Date.now() + 60_000) });
    expect(withTs.verdict).toBe('TOTAL_PASSED');
    expect(withTs.signatures[0].findings.find((f) => f.code === 'CERT_REVOKED')?.severity).toBe('warning');
    const without = await verifyFile(bb, { ...opts(), now: new Date(Date.now() + 60_000) });
    expect(without.signatures[0].subIndication).toBe('REVOKED');
  });

  it('is INDETERMINATE / TRY_LATER offline without any revocation data, never silently valid', async () => {
    const file = save(w, 'offline.pdf', await signOurs(w, w.base, w.pki.signers.rsa2048, { level: 'B-B' }));
    const r = await verifyFile(file, { ...opts(), offline: true });
    expect(r.verdict).toBe('INDETERMINATE');
    expect(r.signatures[0].subIndication).toBe('TRY_LATER');
    expect(r.signatures[0].findings.map((f) => f.code)).toContain('REVOCATION_UNKNOWN');
    // The reason reads in Vietnamese in the Vietnamese message (no English detail, no "..").
    const unknown = r.signatures[0].findings.find((f) => f.code === 'REVOCATION_UNKNOWN')!;
    expect(unknown.message_vi).not.toMatch(/\b(the|could|not|revocation|certificate)\b/i);
    expect(unknown.message_vi).not.toContain('..');
    expect(unknown.message_en).not.toContain('..');
  });

  it('is INDETERMINATE / TRY_LATER online when the OCSP and CRL servers are down', async () => {
    const file = save(w, 'rev-down.pdf', await signOurs(w, w.base, w.pki.signers.p256, { level: 'B-B' }));
    w.rev.setMode('down');
    try {
      const r = await verifyFile(file, { ...opts(), fetchTimeoutMs: 5_000 });
      expect(r.verdict).toBe('INDETERMINATE');
      expect(r.signatures[0].subIndication).toBe('TRY_LATER');
      expect(r.signatures[0].revocation.status).not.toBe('good');
    } finally {
      w.rev.setMode('ok');
    }
  });

  it('passes offline from the local revocation cache filled by an earlier online verification', async () => {
    const file = save(w, 'cached.pdf', await signOurs(w, w.base, w.pki.signers.rsa2048, { level: 'B-B' }));
    const cacheDir = `${w.dir}/rev-cache`;
    const online = await verifyFile(file, { trust: [w.rootPem], cacheDir, isolate: false });
    expect(online.signatures[0].revocation.source).toBe('online');
    const before = w.rev.hits.ocsp + w.rev.hits.crl;
    const offline = await verifyFile(file, { trust: [w.rootPem], cacheDir, isolate: false, offline: true });
    expect(offline.verdict).toBe('TOTAL_PASSED');
    expect(offline.signatures[0].revocation.source).toBe('cache');
    expect(w.rev.hits.ocsp + w.rev.hits.crl).toBe(before);
  });

  it('passes offline from CRLs carried in the CMS (adbe-revocationInfoArchival signed attribute)', async () => {
    const net = createNodeNet({ timeoutMs: 10_000 });
    const crls: Uint8Array[] = [];
    for (const u of ['root', 'intermediate']) crls.push((await net.get(`${w.rev.crlBaseUrl}/${u}.crl`)).body);
    const archival = new pkijs.Attribute({
      type: '1.2.840.113583.1.1.8',
      values: [new asn1js.Sequence({ value: [new asn1js.Constructed({
        idBlock: { tagClass: 3, tagNumber: 0 },
        value: [new asn1js.Sequence({ value: crls.map((c) => asn1js.fromBER(c).result) })],
      })] })],
    });
    const signer = await signerFor(w.pki.signers.rsa2048);
    const services = { ...defaultPadesServices(), buildCms: (i: CmsInput) => buildSignedData({ ...i, extraSignedAttributes: [archival] }) };
    const res = await signPdf(new BytesSource(w.base), signer, { level: 'B-B', contentsSize: 24_000 }, services);
    await signer.close();
    const r = await verifyFile(save(w, 'archival.pdf', concat(w.base, res.appended)), { ...opts(), offline: true });
    expect(r.verdict).toBe('TOTAL_PASSED');
    expect(r.signatures[0].revocation).toMatchObject({ status: 'good', source: 'cms-archival' });
  });

  it('passes offline from the DSS after a B-LT extension, and keeps the signature valid after the update', async () => {
    const signed = await signOurs(w, w.base, w.pki.signers.rsa2048, { level: 'B-T' });
    const services = defaultPadesServices({
      net: createNodeNet({ timeoutMs: 10_000 }),
      collectValidationData: async (chains) => {
        // gather what a host would: CRLs of both CAs from the loopback server
        const get = createNodeNet({ timeoutMs: 10_000 }).get;
        const crls = [];
        for (const u of ['root', 'intermediate']) crls.push((await get(`${w.rev.crlBaseUrl}/${u}.crl`)).body);
        return { certs: chains.flat(), crls, ocsps: [] };
      },
    });
    const ext = await extendPdf(new BytesSource(signed), 'B-LT', undefined, services);
    const file = save(w, 'blt.pdf', concat(signed, ext.appended));
    const r = await verifyFile(file, { ...opts(), offline: true });
    const s = r.signatures[0];
    expect(r.verdict).toBe('TOTAL_PASSED');
    expect(s.modificationsAfter).toBe('allowed');
    expect(s.coversWholeDocument).toBe(false);
    expect(s.revocation.source).toBe('dss');
    expect(s.level).toBe('B-LT');
  });

  it('validates a document timestamp (B-LTA): imprint over its ByteRange, TSA chain, level of the signature before it', async () => {
    const signed = await signOurs(w, w.base, w.pki.signers.rsa2048, { level: 'B-T' });
    const net = createNodeNet({ timeoutMs: 10_000 });
    const services = defaultPadesServices({
      net,
      collectValidationData: async (chains) => {
        const crls = [];
        for (const u of ['root', 'intermediate']) crls.push((await net.get(`${w.rev.crlBaseUrl}/${u}.crl`)).body);
        return { certs: chains.flat(), crls, ocsps: [] };
      },
    });
    const ext = await extendPdf(new BytesSource(signed), 'B-LTA', w.tsa.url, services);
    const r = await verifyFile(save(w, 'blta.pdf', concat(signed, ext.appended)), { ...opts(), offline: true });
    expect(r.verdict).toBe('TOTAL_PASSED');
    const sig = r.signatures.find((s) => s.kind === 'signature')!;
    const dts = r.signatures.find((s) => s.kind === 'document-timestamp')!;
    expect(sig.level).toBe('B-LTA');
    expect(sig.modificationsAfter).toBe('allowed');
    expect(dts).toMatchObject({ indication: 'TOTAL_PASSED', integrity: 'intact', coversWholeDocument: true });
    expect(dts.timestamps[0]).toMatchObject({ kind: 'document-timestamp', imprintValid: true, chainValid: true });
    expect(dts.signingTime.provenBy).toBe('document-timestamp');
  });

  it('keeps the first signature valid after a second signature is appended', async () => {
    const once = await signOurs(w, w.base, w.pki.signers.rsa2048, { level: 'B-B', fieldName: 'KyDuyet' });
    const twice = await signOurs(w, once, w.pki.signers.p256, { level: 'B-B', fieldName: 'PhatHanh' });
    const r = await verifyFile(save(w, 'twice.pdf', twice), opts());
    expect(r.verdict).toBe('TOTAL_PASSED');
    expect(r.signatures.map((s) => s.field)).toEqual(['KyDuyet', 'PhatHanh']);
    expect(r.signatures[0].modificationsAfter).toBe('allowed');
    expect(r.signatures[0].changesAfter.every((c) => c.verdict === 'allowed')).toBe(true);
    expect(r.signatures[1].modificationsAfter).toBe('none');
  });
});

describe('visible Decree 30 signatures', () => {
  it('passes a visible signer signature followed by the organisation seal, both TOTAL_PASSED', async () => {
    const input = new Uint8Array(readFileSync(path.join(CORPUS, 'pyhanko/empty-a4.pdf')));
    const rect: [number, number, number, number] = [330, 250, 540, 380];
    const one = await signOurs(w, input, w.pki.signers.rsa2048, {
      level: 'B-B', fieldName: 'KyDuyet',
      visible: { pageIndex: 0, appearance: { kind: 'signer', rect, signatureImage: sampleSignature(), fonts: fonts(), title: ['KT. CHỦ TỊCH', 'PHÓ CHỦ TỊCH'], fullName: 'Nguyễn Thị Hải Yến' } },
    });
    const two = await signOurs(w, one, w.pki.signers.p256, {
      level: 'B-B', fieldName: 'PhatHanh',
      visible: { pageIndex: 0, appearance: { kind: 'organisation', sealImage: sampleSeal(), signerRect: rect } },
    });
    const r = await verifyFile(save(w, 'visible-two.pdf', two), opts());
    expect(r.verdict).toBe('TOTAL_PASSED');
    expect(r.signatures.map((s) => [s.field, s.modificationsAfter])).toEqual([['KyDuyet', 'allowed'], ['PhatHanh', 'none']]);
  });
});

describe('signatures made by pdfsig -add-signature', () => {
  it('passes with the test root trusted and is INDETERMINATE without it', async () => {
    const bytes = signPdfsig(w, w.basePath, w.pki.signers.rsa2048, `${w.dir}/pdfsig-signed.pdf`);
    const file = save(w, 'pdfsig.pdf', bytes);
    const trusted = await verifyFile(file, opts());
    expect(trusted.verdict).toBe('TOTAL_PASSED');
    expect(trusted.signatures[0]).toMatchObject({ field: 'PdfsigSig', integrity: 'intact', coversWholeDocument: true });
    const untrusted = await verifyFile(file, { cacheDir: null, isolate: false });
    expect(untrusted.verdict).toBe('INDETERMINATE');
  });
});
