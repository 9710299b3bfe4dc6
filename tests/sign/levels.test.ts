// PAdES levels against a TSA and an OCSP/CRL responder running on 127.0.0.1 with a test CA whose
// certificates point their AIA/CRL URLs at loopback: B-T carries a signature timestamp, B-LT a DSS
// with certificates and revocation data, B-LTA a document timestamp; pdfsig accepts each. Offline
// signing falls back to B-B with what is pending recorded, and extendPdf completes it later
// without touching the signature.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTestPki, signerFor, type TestPki } from '../helpers/pki';
import { makeNssDb, type NssDb } from '../helpers/nss';
import { startTsa, type TsaServer } from '../helpers/tsa';
import { startRevocationServer, type RevocationServer } from '../helpers/ocsp';
import { BytesSource } from '../../src-shared/pdf/bytesource';
import { PdfReader, nameOf } from '../../src-shared/pdf/reader';
import { PdfStream } from '../../src-shared/pdf/objects';
import { signPdf, extendPdf } from '../../src-shared/pades/sign';
import { defaultPadesServices } from '../../src-shared/pades/default-services';
import { certificatesOfCms } from '../../src-shared/pades/cms-certs';
import type { PadesServices } from '../../src-shared/pades/services';
import type { Signer } from '../../src-shared/sign/signer';
import { createNodeNet } from '../../src-main/services/net/http';
import { nodeDigest } from '../../src-main/services/pdf-io/node-digest';
import { corpusDir } from '../pdf/corpus';
import { artifactDir, concat, pdfsigAsync, writeArtifact } from './helpers';

let dir: string, pki: TestPki, nss: NssDb, tsa: TsaServer, rev: RevocationServer, signer: Signer, services: PadesServices;
const input = () => new Uint8Array(readFileSync(join(corpusDir, 'pyhanko/minimal-xref.pdf')));
const art = artifactDir('levels');
const OFFLINE_TSA = 'http://127.0.0.1:9/tsa'; // discard port: connection refused

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vanthu-levels-'));
  rev = await startRevocationServer();
  pki = await makeTestPki(join(dir, 'pki'), { ...rev.pkiOptions, signerTypes: ['rsa2048'] });
  rev.attach(pki);
  tsa = await startTsa(pki.tsa);
  nss = makeNssDb(join(dir, 'nss'), pki.root.pemPath);
  signer = await signerFor(pki.signers.rsa2048);
  services = defaultPadesServices({ net: createNodeNet({ timeoutMs: 5000 }), digest: nodeDigest });
});

afterAll(async () => {
  await tsa?.close();
  await rev?.close();
  rmSync(dir, { recursive: true, force: true });
});

function dssOf(bytes: Uint8Array) {
  const r = PdfReader.open(new BytesSource(bytes));
  const dss = r.resolveDict(r.catalog.get('DSS'));
  const count = (k: string) => {
    const a = dss ? r.resolve(dss.get(k)) : undefined;
    return Array.isArray(a) ? a.filter((x) => r.resolve(x) instanceof PdfStream).length : 0;
  };
  return { reader: r, dss, certs: count('Certs'), ocsps: count('OCSPs'), crls: count('CRLs') };
}

async function expectSignaturesValid(file: string, n: number) {
  const res = await pdfsigAsync(file, nss);
  expect(res.signatures).toHaveLength(n);
  for (const s of res.signatures) expect(s.signatureValid, `${s.fieldName}: ${s.signatureValidation}`).toBe(true);
  return res;
}

describe('PAdES levels with a loopback TSA and OCSP responder', () => {
  it('B-T embeds a signature timestamp and pdfsig accepts it', async () => {
    const orig = input();
    const res = await signPdf(new BytesSource(orig), signer, { level: 'B-T', tsaUrl: tsa.url }, services);
    expect(res.level).toBe('B-T');
    expect(res.pending).toEqual([]);
    const out = concat(orig, res.appended);
    const sig = PdfReader.open(new BytesSource(out)).signatureFields()[0];
    expect(certificatesOfCms(sig.contents!).hasSignatureTimestamp).toBe(true);
    const p = writeArtifact(art, 'b-t.pdf', out);
    const r = await expectSignaturesValid(p, 1);
    expect(r.signatures[0].totalDocumentSigned).toBe(true);
    // (certificate trust is proven in corpus.test.ts; here NSS's own OCSP check of the loopback
    // responder reports "Unknown issue", which says nothing about the signature)
  });

  it('B-LT adds a DSS with certificates and OCSP responses gathered at signing time', async () => {
    const orig = input();
    const hits = rev.hits.ocsp;
    const res = await signPdf(new BytesSource(orig), signer, { level: 'B-LT', tsaUrl: tsa.url }, services);
    expect(res.level).toBe('B-LT');
    expect(res.pending).toEqual([]);
    const out = concat(orig, res.appended);
    const d = dssOf(out);
    expect(d.certs).toBeGreaterThanOrEqual(3);
    expect(d.ocsps + d.crls).toBeGreaterThan(0);
    expect(rev.hits.ocsp).toBeGreaterThan(hits);
    await expectSignaturesValid(writeArtifact(art, 'b-lt.pdf', out), 1);
  });

  it('B-LTA ends with a document timestamp over the DSS', async () => {
    const orig = input();
    const res = await signPdf(new BytesSource(orig), signer, { level: 'B-LTA', tsaUrl: tsa.url }, services);
    expect(res.level).toBe('B-LTA');
    const out = concat(orig, res.appended);
    const r = PdfReader.open(new BytesSource(out));
    const sigs = r.signatureFields();
    expect(sigs).toHaveLength(2);
    const ts = sigs[1].sig!;
    expect(nameOf(ts.get('Type'))).toBe('DocTimeStamp');
    expect(nameOf(ts.get('SubFilter'))).toBe('ETSI.RFC3161');
    // the document timestamp covers the whole file, including the DSS revision
    expect(sigs[1].byteRange![2] + sigs[1].byteRange![3]).toBe(out.length);
    expect(dssOf(out).certs).toBeGreaterThan(0);
    const p = writeArtifact(art, 'b-lta.pdf', out);
    const pr = await pdfsigAsync(p, nss);
    expect(pr.signatures[0].signatureValid).toBe(true);
    // poppler 22.12 lists the document timestamp but cannot validate RFC 3161 tokens
    expect(pr.signatures).toHaveLength(2);
    expect(pr.signatures[1].digestMismatch).toBe(false);
  });

  it('falls back to B-B offline, records what is pending, and extend completes it later', async () => {
    const orig = input();
    const res = await signPdf(new BytesSource(orig), signer, { level: 'B-LTA', tsaUrl: OFFLINE_TSA }, services);
    expect(res.level).toBe('B-B');
    expect(res.pending).toEqual(['timestamp', 'validation-data']);
    expect(res.warnings.join(' ')).toMatch(/timestamp/);
    const signed = concat(orig, res.appended);
    await expectSignaturesValid(writeArtifact(art, 'offline-b-b.pdf', signed), 1);

    const ext = await extendPdf(new BytesSource(signed), 'B-LT', tsa.url, services);
    expect(ext.level).toBe('B-LT');
    expect(ext.pending).toEqual([]);
    const extended = concat(signed, ext.appended);
    // the signed bytes are untouched and a document timestamp stands in for the missing B-T
    expect(Buffer.from(extended.subarray(0, signed.length)).equals(Buffer.from(signed))).toBe(true);
    const sigs = PdfReader.open(new BytesSource(extended)).signatureFields();
    expect(sigs.map((s) => nameOf(s.sig!.get('SubFilter')))).toEqual(['ETSI.CAdES.detached', 'ETSI.RFC3161']);
    expect(dssOf(extended).ocsps).toBeGreaterThan(0);
    const pr = await pdfsigAsync(writeArtifact(art, 'offline-extended.pdf', extended), nss);
    expect(pr.signatures[0].signatureValid).toBe(true);
  });

  it('keeps the timestamp but reports validation data pending when OCSP and CRLs are down', async () => {
    const orig = input();
    rev.setMode('down');
    try {
      const res = await signPdf(new BytesSource(orig), signer, { level: 'B-LT', tsaUrl: tsa.url }, services);
      expect(res.level).toBe('B-T');
      expect(res.pending).toEqual(['validation-data']);
      await expectSignaturesValid(writeArtifact(art, 'ocsp-down.pdf', concat(orig, res.appended)), 1);
    } finally {
      rev.setMode('ok');
    }
  });

  it('refuses to extend an unsigned document', async () => {
    await expect(extendPdf(new BytesSource(input()), 'B-LT', tsa.url, services)).rejects.toMatchObject({ code: 'PDF_NOT_SIGNED' });
  });
});
