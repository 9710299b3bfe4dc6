// An update written as a whole cross-reference table without /Prev after a complete earlier file
// (PoDoFo writes so when the document had object streams): the earlier signature still covers a
// whole revision, the %%EOF its /ByteRange ends at is found as a revision end, and the rewritten
// objects that keep their values are not changes.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyFiles } from '../../src-main/services/verify';
import { makeWorld, save, signOurs, type World } from './fixtures';

let w: World;
beforeAll(async () => {
  w = await makeWorld('full-table-update');
});
afterAll(async () => {
  await w?.close();
});

describe('an update written as a whole table without /Prev', () => {
  it('keeps the earlier signature whole-revision and intact; PoDoFo signs after ours on an object-stream file', async () => {
    const objstm = path.join(w.dir, 'objstm.pdf');
    execFileSync('qpdf', ['--object-streams=generate', w.basePath, objstm]);
    const ours = await signOurs(w, new Uint8Array(readFileSync(objstm)), w.pki.signers.p256, { level: 'B-B' });
    const oursPath = save(w, 'objstm-ours.pdf', ours);
    const out = path.join(w.dir, 'objstm-ours-podofo.pdf');
    const e = w.pki.signers.rsa2048;
    execFileSync('podofosign', ['-in', oursPath, '-out', out, '-cert', e.pemPath, '-pkey', e.keyPemPath, '-digest', 'SHA256']);
    const tail = readFileSync(out).subarray(ours.length).toString('latin1');
    expect(tail).toMatch(/\bxref\b/);
    expect(tail).not.toMatch(/\/Prev\b/); // the case at hand: no /Prev to the earlier revision
    const [r] = await verifyFiles([out], { trust: [w.rootPem], offline: false, cacheDir: null });
    const sig = r.signatures.find((s) => s.signer?.commonName === 'Trần Thị Bích Ngọc')!;
    expect(sig.integrity).toBe('intact');
    expect(sig.coversWholeRevision).toBe(true);
    expect(sig.findings.map((f) => f.code)).not.toContain('BYTERANGE_NOT_REVISION_END');
    expect(sig.modificationsAfter).toBe('allowed');
    expect(sig.indication).toBe('TOTAL_PASSED');
    expect(r.revisions).toBeGreaterThanOrEqual(3);
  });
});
