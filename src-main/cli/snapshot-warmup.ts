// Warm-up run of the start-up snapshot build (src-main/cli/snapshot-entry.ts): V8 keeps the
// bytecode of every function that has run when the snapshot is written, so running the signing
// and verification code once at build time spares each `vanthu sign` / `vanthu verify` the lazy
// compilation of pkijs, asn1js, the PDF reader/writer and the verifier (about 20–30 ms a process).
//
// It works on throwaway material made here and now: two fresh keys (never written anywhere), a
// test CA and signer certificate issued with them, a one-page PDF in a private temp directory
// that is deleted afterwards. It signs that PDF twice (an incremental update over a signed file)
// and verifies it offline against the test CA, without the network or the revocation cache.
// Afterwards every registered cache is emptied (src-shared/caches.ts), so the snapshot carries
// compiled code and nothing this run produced; tests/sign/snapshot-warmup.test.ts checks it.

import { generateKeyPairSync, sign as cryptoSign, createHash, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { clearAllCaches } from '../../src-shared/caches';
import { toArrayBuffer } from '../../src-shared/crypto/bytes';
import { OID as C } from '../../src-shared/crypto/oids';
import { OID } from '../../src-shared/pki/cert';
import { createKeyObjectSigner } from '../services/p12/node-signer';
import { certificateFields } from '../../src-shared/pki/der';
import { nodePadesServices } from '../services/signing/node-services';
import { jobsFor } from '../services/verify/jobs';
import { closePdf, openPdf, plannedDigests, readPdf } from '../services/verify/open-pdf';
import { signOneFile } from './sign-file';


function name(cn: string): pkijs.RelativeDistinguishedNames {
  const atv = (type: string, value: asn1js.AsnType) => new pkijs.AttributeTypeAndValue({ type, value: value as never });
  return new pkijs.RelativeDistinguishedNames({
    typesAndValues: [
      atv('2.5.4.6', new asn1js.PrintableString({ value: 'VN' })),
      atv('2.5.4.10', new asn1js.Utf8String({ value: 'Văn thư số (khởi động)' })),
      atv('2.5.4.3', new asn1js.Utf8String({ value: cn })),
    ],
  });
}

function extension(extnID: string, critical: boolean, value: { toSchema(): asn1js.AsnType } | asn1js.AsnType): pkijs.Extension {
  const schema = 'toSchema' in value && typeof value.toSchema === 'function' ? value.toSchema() : (value as asn1js.AsnType);
  return new pkijs.Extension({ extnID, critical, extnValue: schema.toBER(false) });
}

/** A certificate for `subjectKey`, signed by `issuerKey` (ECDSA P-256, SHA-256). */
function issue(opts: { cn: string; issuerCn: string; subjectKey: KeyObject; issuerKey: KeyObject; issuerSpki?: Uint8Array; ca: boolean }): Uint8Array {
  const spki = new Uint8Array(opts.subjectKey.export({ type: 'spki', format: 'der' }));
  const keyId = (der: Uint8Array) => new Uint8Array(createHash('sha1').update(der).digest());
  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = new asn1js.Integer({ value: Math.floor(Date.now() / 1000) });
  cert.issuer = name(opts.issuerCn);
  cert.subject = name(opts.cn);
  cert.notBefore.value = new Date(Date.now() - 3_600_000);
  cert.notAfter.value = new Date(Date.now() + 86_400_000);
  cert.subjectPublicKeyInfo = pkijs.PublicKeyInfo.fromBER(toArrayBuffer(spki));
  const usage = opts.ca ? [0x06, 1] : [0xc0, 6]; // keyCertSign|cRLSign, or digitalSignature|nonRepudiation
  cert.extensions = [
    extension(OID.basicConstraints, true, new pkijs.BasicConstraints({ cA: opts.ca })),
    extension(OID.keyUsage, true, new asn1js.BitString({ valueHex: new Uint8Array([usage[0]]).buffer, unusedBits: usage[1] })),
    extension(OID.ski, false, new asn1js.OctetString({ valueHex: toArrayBuffer(keyId(spki)) })),
    extension(OID.aki, false, new pkijs.AuthorityKeyIdentifier({ keyIdentifier: new asn1js.OctetString({ valueHex: toArrayBuffer(keyId(opts.issuerSpki ?? spki)) }) })),
    extension(OID.certificatePolicies, false, new pkijs.CertificatePolicies({ certificatePolicies: [new pkijs.PolicyInformation({ policyIdentifier: OID.anyPolicy })] })),
    ...(opts.ca ? [] : [extension(OID.extKeyUsage, false, new pkijs.ExtKeyUsage({ keyPurposes: ['1.3.6.1.5.5.7.3.4', '1.3.6.1.5.5.7.3.2'] }))]),
  ];
  cert.signature = new pkijs.AlgorithmIdentifier({ algorithmId: C.ecdsaWithSHA256 });
  cert.signatureAlgorithm = new pkijs.AlgorithmIdentifier({ algorithmId: C.ecdsaWithSHA256 });
  const tbs = new Uint8Array(cert.encodeTBS().toBER(false));
  const sig = cryptoSign('sha256', tbs, { key: opts.issuerKey, dsaEncoding: 'der' });
  cert.signatureValue = new asn1js.BitString({ valueHex: toArrayBuffer(new Uint8Array(sig)) });
  return new Uint8Array(cert.toSchema(true).toBER(false));
}

/** A one-page PDF with a classic cross-reference table. */
function onePagePdf(): Uint8Array {
  const text = 'BT /F1 12 Tf 72 760 Td (Van thu so) Tj ET';
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Count 1 /Kids [3 0 R] >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman >>',
    `<< /Length ${text.length} >>\nstream\n${text}\nendstream`,
  ];
  let out = '%PDF-1.7\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(out);
}

/** Run signing and verification once on throwaway material, then empty every cache. */
export async function warmUp(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vanthu-warmup-'));
  try {
    const caKeys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const signerKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const caSpki = new Uint8Array(caKeys.publicKey.export({ type: 'spki', format: 'der' }));
    const ca = issue({ cn: 'CA khởi động', issuerCn: 'CA khởi động', subjectKey: caKeys.publicKey, issuerKey: caKeys.privateKey, ca: true });
    const leaf = issue({ cn: 'Người ký khởi động', issuerCn: 'CA khởi động', subjectKey: signerKeys.publicKey, issuerKey: caKeys.privateKey, issuerSpki: caSpki, ca: false });
    certificateFields(leaf);
    const signer = createKeyObjectSigner({ privateKey: signerKeys.privateKey, certificate: leaf, chain: [ca] });
    const input = path.join(dir, 'in.pdf');
    const once = path.join(dir, 'once.pdf');
    const twice = path.join(dir, 'twice.pdf');
    writeFileSync(input, onePagePdf());
    for (const [from, to] of [[input, once], [once, twice]]) {
      const r = await signOneFile(from, to, signer, { level: 'B-B', signingTime: new Date() }, nodePadesServices());
      if (!r.ok) throw new Error(`warm-up signing failed: ${r.error?.message_en}`);
    }
    await signer.close();
    const anchor = path.join(dir, 'ca.pem');
    writeFileSync(anchor, `-----BEGIN CERTIFICATE-----\n${Buffer.from(ca).toString('base64')}\n-----END CERTIFICATE-----\n`);
    const [job] = jobsFor([twice], { trust: [anchor], offline: true, cacheDir: null });
    const pdf = openPdf(job.file);
    if ('failed' in pdf) throw new Error('warm-up: cannot open the signed file');
    try {
      if (readPdf(pdf)) plannedDigests(pdf);
      const { verifyJob } = await import('../services/verify/verify-file');
      const report = await verifyJob(job, { pdf });
      if (report.signatures.length !== 2) throw new Error('warm-up verification found ' + report.signatures.length + ' signatures');
    } finally {
      closePdf(pdf);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    clearAllCaches();
  }
}
