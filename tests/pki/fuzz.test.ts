// Mutation fuzzing (fixed seed, bounded count): single-bit flips in a PKITS end-entity
// certificate, its CA certificate and the CA's CRL never crash validatePath, never hang, and a
// mutated target or CA certificate is never accepted as VALID.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { validatePath } from '../../src-shared/pki';

const corpus = path.join(path.resolve(__dirname, '../..', '../shared'), 'corpus/pkits');
const pk = (d: string, f: string) => new Uint8Array(readFileSync(path.join(corpus, d, f)));

function rng(seed: number) {
  let x = seed >>> 0;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x / 0x100000000;
  };
}
function flip(src: Uint8Array, r: () => number): Uint8Array {
  const out = src.slice();
  const i = Math.floor(r() * out.length);
  out[i] ^= 1 << Math.floor(r() * 8);
  return out;
}

describe('validatePath under mutated inputs', () => {
  const anchor = pk('certs', 'TrustAnchorRootCertificate.crt');
  const ee = pk('certs', 'ValidCertificatePathTest1EE.crt');
  const ca = pk('certs', 'GoodCACert.crt');
  const crls = [pk('crls', 'TrustAnchorRootCRL.crl'), pk('crls', 'GoodCACRL.crl')];
  const time = new Date('2022-06-01T00:00:00Z');
  const statuses = new Set(['VALID', 'INVALID', 'INDETERMINATE']);

  it('the unmutated case is VALID (baseline)', async () => {
    const r = await validatePath(ee, { intermediates: [ca], anchors: [anchor], time, revocation: { mode: 'offline', crls } });
    expect(r.status).toBe('VALID');
  });

  it('never accepts a bit-flipped end-entity or CA certificate, and always answers', async () => {
    const r = rng(0x5eed);
    for (let k = 0; k < 240; k++) {
      const which = k % 2;
      const m = flip(which === 0 ? ee : ca, r);
      const res = await validatePath(which === 0 ? m : ee, { intermediates: [which === 0 ? ca : m], anchors: [anchor], time, revocation: { mode: 'offline', crls } });
      expect(statuses.has(res.status)).toBe(true);
      expect(res.status, `mutation ${k} accepted`).not.toBe('VALID');
      expect(res.reason?.message_vi.length).toBeGreaterThan(0);
    }
  });

  it('a bit-flipped CRL never crashes and never yields VALID through that CRL', async () => {
    const r = rng(0xc41);
    for (let k = 0; k < 120; k++) {
      const bad = flip(crls[1], r);
      const res = await validatePath(ee, { intermediates: [ca], anchors: [anchor], time, revocation: { mode: 'offline', crls: [crls[0], bad] } });
      expect(statuses.has(res.status)).toBe(true);
      expect(res.status).not.toBe('VALID');
    }
  });
});
