// Our CMS and timestamp readers on signatures made by other tools (pyHanko, node-signpdf): the
// signature and document timestamps of a pyHanko PAdES-LTA file parse and verify, their imprints
// match the signature value and the byte ranges, and SignerInfos identified by subject key
// identifier are found and checked.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSignedData } from '../../src-shared/cms/signed-data';
import { signatureTimestampToken, signatureValue } from '../../src-shared/cms/signature-timestamp';
import { readTimestampToken, verifyTimestampToken } from '../../src-shared/cms/timestamp';
import { checkSignerInfo } from '../../src-shared/cms/verify';
import { digest } from '../../src-shared/crypto/hash';

const corpus = resolve(__dirname, '../../../shared/corpus/pdf');

interface Sig { cms: Uint8Array; signed: Uint8Array }

/** Every signature of a PDF: the CMS from the ByteRange gap and the bytes the ranges cover. */
function signaturesOf(file: string): Sig[] {
  const pdf = readFileSync(resolve(corpus, file));
  const text = pdf.toString('latin1');
  const out: Sig[] = [];
  for (const m of text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)) {
    const [a, b, c, d] = m.slice(1).map(Number);
    const hex = text.slice(a + b + 1, c - 1);
    const raw = Buffer.from(hex, 'hex');
    // Strip the zero padding after the DER (outer SEQUENCE length).
    let len = raw[1];
    let off = 2;
    if (len & 0x80) { const n = len & 0x7f; len = 0; for (let i = 0; i < n; i++) len = len * 256 + raw[2 + i]; off = 2 + n; }
    out.push({ cms: new Uint8Array(raw.subarray(0, off + len)), signed: new Uint8Array(Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)])) });
  }
  return out;
}

describe('CMS written by other tools', () => {
  it("verifies pyHanko's PAdES-LTA signature, its signature timestamp and its document timestamp", async () => {
    const [sig, docTs] = signaturesOf('pyhanko/pades-lta-dss-indirect-arrs-test.pdf');
    const sd = parseSignedData(sig.cms);
    const check = await checkSignerInfo(sd, { content: sig.signed });
    expect([check.digestMatches, check.signatureValid]).toEqual([true, true]);

    const token = signatureTimestampToken(sig.cms)!;
    expect(token).toBeDefined();
    const info = readTimestampToken(token);
    expect(info.hash).not.toBe('SHA-1');
    expect(Buffer.from(info.imprint)).toEqual(Buffer.from(await digest(info.hash as 'SHA-256', signatureValue(sig.cms))));
    expect((await verifyTimestampToken(token)).ok).toBe(true);

    const doc = readTimestampToken(docTs.cms);
    expect(Buffer.from(doc.imprint)).toEqual(Buffer.from(await digest(doc.hash as 'SHA-256', docTs.signed)));
    expect((await verifyTimestampToken(docTs.cms)).ok).toBe(true);
    expect(doc.genTime.getTime()).toBeGreaterThanOrEqual(info.genTime.getTime());
  });

  it('finds a signer identified by subject key identifier and checks its signature', async () => {
    const [sig] = signaturesOf('pyhanko/sig-with-ski-sid.pdf');
    const sd = parseSignedData(sig.cms);
    const check = await checkSignerInfo(sd, { content: sig.signed });
    expect(check.signerCertificate).toBeDefined();
    expect([check.digestMatches, check.signatureValid]).toEqual([true, true]);
  });

  it("checks both of node-signpdf's signatures, and a changed byte breaks the digest", async () => {
    const sigs = signaturesOf('node-signpdf/signed-twice.pdf');
    expect(sigs).toHaveLength(2);
    for (const s of sigs) {
      const c = await checkSignerInfo(parseSignedData(s.cms), { content: s.signed });
      expect([c.digestMatches, c.signatureValid]).toEqual([true, true]);
      const changed = s.signed.slice();
      changed[100] ^= 1;
      expect((await checkSignerInfo(parseSignedData(s.cms), { content: changed })).digestMatches).toBe(false);
    }
  });
});
