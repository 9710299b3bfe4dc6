// RFC 3161 tokens verified as CMS of their own: signature timestamps in the unsigned attributes,
// document timestamps and archive timestamps. A token whose TSTInfo (its signed content) or whose
// signature value was altered is failed, said to be invalid and proves no time; an invalid
// document timestamp is TOTAL_FAILED itself. Signatures from our signer and the loopback TSA.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyFile } from '../../src-main/services/verify';
import { createNodeNet } from '../../src-main/services/net/http';
import { defaultPadesServices, documentTimestamp } from '../../src-shared/pades';
import { BytesSource } from '../../src-shared/pdf/bytesource';
import type { DocumentReport } from '../../src-shared/verify/report';
import { concat, makeWorld, save, signOurs, type World } from './fixtures';
import { berTree, contentsOf, oidTlv, replaceElement, signerInfos, withContents, type Embedded } from './cms-fixtures';

let w: World;
beforeAll(async () => {
  w = await makeWorld('cms-timestamps');
});
afterAll(async () => {
  await w?.close();
});

let n = 0;
const verify = async (bytes: Uint8Array): Promise<DocumentReport> =>
  verifyFile(save(w, `ts-${n++}.pdf`, bytes), { trust: [w.rootPem], cacheDir: null, isolate: false });

/** The signature whose /ByteRange is `br` in `bytes`, as an Embedded (for reading and replacing its /Contents). */
const embedded = (bytes: Uint8Array, br: number[]): Embedded => ({ bytes, byteRange: br as Embedded['byteRange'], hexStart: br[1] + 1 });

/** Offset and length in `cms` of the first unsigned attribute of SignerInfo 0 (type OID and the token). */
function unsignedAttribute(cms: Uint8Array): { oid: { off: number; len: number }; token: { off: number; len: number } } {
  const si = signerInfos(cms)[0];
  const unsigned = si.kids.find((k) => k.cls === 2 && k.tag === 1)!;
  const attr = unsigned.kids[0];
  const oid = attr.kids[0];
  const token = attr.kids[1].kids[0];
  return { oid: { off: oid.off, len: oid.hl + oid.len }, token: { off: token.off, len: token.hl + token.len } };
}

/** Offset (in `buf`) of the last byte of the serialNumber inside the TSTInfo of the token at `tokenOff`. */
function tstInfoSerialByte(buf: Uint8Array, tokenOff: number): number {
  const token = berTree(buf, tokenOff);
  const encap = token.kids[1].kids[0].kids[2];
  let octets = encap.kids[1].kids[0];
  while (octets.cons) octets = octets.kids[0]; // eContent may be written as a constructed OCTET STRING
  const start = octets.off + octets.hl;
  const tst = berTree(buf.subarray(start, start + octets.len));
  const serial = tst.kids[3];
  return start + serial.off + serial.hl + serial.len - 1;
}

/** Offset (in `buf`) of the last byte of the token's SignerInfo signature value. */
function tokenSignatureByte(buf: Uint8Array, tokenOff: number): number {
  const token = berTree(buf, tokenOff);
  const sd = token.kids[1].kids[0];
  const si = sd.kids[sd.kids.length - 1].kids[0];
  const sig = si.kids.find((k) => k.cls === 0 && k.tag === 4)!;
  return sig.off + sig.hl + sig.len - 1;
}

function flipped(buf: Uint8Array, at: number): Uint8Array {
  const out = buf.slice();
  out[at] ^= 0x01;
  return out;
}

describe('signature timestamps', () => {
  it('a valid token proves the signing time; with its TSTInfo or its signature altered it is TOTAL_FAILED, said invalid and proves nothing', async () => {
    const signed = await signOurs(w, w.base, w.pki.signers.rsa2048, { level: 'B-T' });
    const ok = await verify(signed);
    const s = ok.signatures[0];
    expect(s).toMatchObject({ indication: 'TOTAL_PASSED', level: 'B-T', integrity: 'intact' });
    expect(s.signingTime.provenBy).toBe('signature-timestamp');
    expect(s.timestamps[0]).toMatchObject({ kind: 'signature-timestamp', indication: 'TOTAL_PASSED', signatureValid: true, imprintValid: true });

    const e = embedded(signed, s.byteRange!);
    const cms = contentsOf(e);
    const { token } = unsignedAttribute(cms);
    for (const [what, at, sub] of [['TSTInfo', tstInfoSerialByte(cms, token.off), 'HASH_FAILURE'], ['signature', tokenSignatureByte(cms, token.off), 'SIG_CRYPTO_FAILURE']] as const) {
      const r = await verify(withContents(e, flipped(cms, at)));
      const t = r.signatures[0];
      // the signature itself is untouched (the token is an unsigned attribute)
      expect(t.integrity, what).toBe('intact');
      expect(t.timestamps[0], what).toMatchObject({ kind: 'signature-timestamp', indication: 'TOTAL_FAILED', subIndication: sub, signatureValid: false, genTime: null });
      expect(t.signingTime.proven, what).toBeNull();
      expect(t.signingTime.provenBy, what).toBeNull();
      expect(t.level, what).toBe('B-B');
      expect(t.findings.map((f) => f.code), what).toContain('TS_TOKEN_INVALID');
      expect(t.findings.find((f) => f.code === 'TS_TOKEN_INVALID')?.message_en, what).toMatch(/not valid and proves no time/);
    }
  });
});

describe('document timestamps', () => {
  it('an intact one proves the time of the signature before it; an altered one is TOTAL_FAILED itself and proves nothing', async () => {
    const signed = await signOurs(w, w.base, w.pki.signers.rsa2048, { level: 'B-B' });
    const services = defaultPadesServices({ net: createNodeNet({ timeoutMs: 10_000 }) });
    const stamped = concat(signed, (await documentTimestamp(new BytesSource(signed), w.tsa.url, services)).tail);
    const ok = await verify(stamped);
    const dts = ok.signatures.find((x) => x.kind === 'document-timestamp')!;
    expect(dts).toMatchObject({ indication: 'TOTAL_PASSED', integrity: 'intact' });
    expect(ok.signatures.find((x) => x.kind === 'signature')!.signingTime.provenBy).toBe('document-timestamp');

    const e = embedded(stamped, dts.byteRange!);
    const token = contentsOf(e);
    for (const [what, at] of [['TSTInfo', tstInfoSerialByte(token, 0)], ['signature', tokenSignatureByte(token, 0)]] as const) {
      const r = await verify(withContents(e, flipped(token, at)));
      const d = r.signatures.find((x) => x.kind === 'document-timestamp')!;
      expect(d, what).toMatchObject({ indication: 'TOTAL_FAILED', integrity: 'broken' });
      expect(d.timestamps[0], what).toMatchObject({ indication: 'TOTAL_FAILED', signatureValid: false, genTime: null });
      expect(d.signingTime.proven, what).toBeNull();
      expect(d.findings.map((f) => f.code), what).toContain('TS_TOKEN_INVALID');
      const sig = r.signatures.find((x) => x.kind === 'signature')!;
      expect(sig.signingTime.proven, what).toBeNull();
      expect(r.verdict, what).toBe('TOTAL_FAILED');
    }
  });
});

describe('archive timestamps', () => {
  it('a token in an archive-time-stamp-v3 attribute is verified as a CMS and reported, proves no signing time, and fails when altered', async () => {
    const signed = await signOurs(w, w.base, w.pki.signers.rsa2048, { level: 'B-T' });
    const first = (await verify(signed)).signatures[0];
    const e = embedded(signed, first.byteRange!);
    const cms = contentsOf(e);
    const { oid } = unsignedAttribute(cms);
    // the same token under id-aa-ets-archiveTimestampV3 (0.4.0.1733.2.4)
    const archived = replaceElement(cms, oid.off, oid.len, oidTlv('0.4.0.1733.2.4'));
    const r = await verify(withContents(e, archived));
    const s = r.signatures[0];
    expect(s).toMatchObject({ indication: 'TOTAL_PASSED', integrity: 'intact', level: 'B-B' });
    expect(s.timestamps).toHaveLength(1);
    expect(s.timestamps[0]).toMatchObject({ kind: 'archive-timestamp', indication: 'TOTAL_PASSED', signatureValid: true, imprintValid: null });
    expect(s.signingTime.proven).toBeNull();

    const token = unsignedAttribute(archived).token;
    const bad = await verify(withContents(e, flipped(archived, tstInfoSerialByte(archived, token.off))));
    expect(bad.signatures[0].timestamps[0]).toMatchObject({ kind: 'archive-timestamp', indication: 'TOTAL_FAILED', signatureValid: false, genTime: null });
    expect(bad.signatures[0].findings.map((f) => f.code)).toContain('TS_TOKEN_INVALID');
  });
});
