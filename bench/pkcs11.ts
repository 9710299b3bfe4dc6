// Benchmark of the PKCS#11 token service (issue 4), with SoftHSM2 in a temporary directory:
//   1. signatures/s through the service (worker process + IPC) against direct pkcs11js calls in
//      this process, same token, key and mechanism, batch of N (target: overhead ≤ 1.2×);
//   2. a batch of M × ~1 MB PDFs signed end to end (signBatch + signPdf, one login) with the
//      token key, against the same batch with the same key in software (PKCS#8 via WebCrypto).
// Run: node --import tsx bench/pkcs11.ts [--n 100] [--pdfs 100] [--pdf-mb 1]

import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pkcs11js from 'pkcs11js';
import { CKA, CKM, CKO } from '../src-main/services/pkcs11/constants';
import { createTokenSigner, padesFileSigner, signBatch, TokenService } from '../src-main/services/pkcs11/index';
import { ecdsaRawToDer } from '../src-main/services/pkcs11/mechanisms';
import { makeTestPki, signerFor } from '../tests/helpers/pki';
import { importEntity, initToken, makeSoftHsm } from '../tests/pkcs11/helpers/softhsm';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const N = arg('n', 100);
const PDFS = arg('pdfs', 100);
const PDF_MB = arg('pdf-mb', 1);
const PIN = '246810';
const LABEL = 'Bench';
const now = () => performance.now();

/** A one-page PDF carrying a ~size-byte grey image (like a scanned page). */
function makePdf(size: number): Uint8Array {
  const side = Math.ceil(Math.sqrt(size));
  const img = randomBytes(side * side);
  const parts: Buffer[] = [];
  const offsets: number[] = [];
  let len = 0;
  const push = (b: Buffer | string) => { const buf = typeof b === 'string' ? Buffer.from(b, 'latin1') : b; parts.push(buf); len += buf.length; };
  const obj = (n: number, body: (Buffer | string)[]) => { offsets[n] = len; push(`${n} 0 obj\n`); body.forEach(push); push('\nendobj\n'); };
  push('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n');
  obj(1, ['<< /Type /Catalog /Pages 2 0 R >>']);
  obj(2, ['<< /Type /Pages /Kids [3 0 R] /Count 1 >>']);
  obj(3, ['<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>']);
  const content = 'q 500 0 0 700 47 71 cm /Im1 Do Q';
  obj(4, [`<< /Length ${content.length} >>\nstream\n${content}\nendstream`]);
  obj(5, [`<< /Type /XObject /Subtype /Image /Width ${side} /Height ${side} /ColorSpace /DeviceGray /BitsPerComponent 8 /Length ${img.length} >>\nstream\n`, img, '\nendstream']);
  const xref = len;
  push(`xref\n0 6\n0000000000 65535 f \n${offsets.slice(1).map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`);
  push(`trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  return new Uint8Array(Buffer.concat(parts));
}

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vanthu-bench-pkcs11-'));
  const pki = await makeTestPki(path.join(dir, 'pki'), { signerTypes: ['rsa2048', 'p256'] });
  const hsm = makeSoftHsm(path.join(dir, 'hsm'));
  initToken(hsm, LABEL, PIN);
  importEntity(hsm, LABEL, PIN, pki.signers.rsa2048, '01');
  importEntity(hsm, LABEL, PIN, pki.signers.p256!, '02');
  const data = randomBytes(120); // about the size of CMS signed attributes

  console.log(`# PKCS#11 benchmark — SoftHSM2, ${os.cpus().length} CPU(s), Node ${process.version}`);
  console.log(`\n## ${N} signatures, service (worker process) vs direct pkcs11js`);

  // Direct pkcs11js in this process.
  const lib = new pkcs11js.PKCS11();
  lib.load(hsm.module);
  lib.C_Initialize();
  const slot = lib.C_GetSlotList(true).find((s) => lib.C_GetTokenInfo(s).label.trim() === LABEL)!;
  const session = lib.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION);
  lib.C_Login(session, pkcs11js.CKU_USER, PIN);
  const keyOf = (id: string) => {
    lib.C_FindObjectsInit(session, [{ type: CKA.CLASS, value: CKO.PRIVATE_KEY }, { type: CKA.ID, value: Buffer.from(id, 'hex') }]);
    const k = lib.C_FindObjects(session, 1)[0];
    lib.C_FindObjectsFinal(session);
    return k;
  };
  // The same job as the service does for each signature, minus the process boundary: for
  // CKM_ECDSA hash the message here and convert r‖s to DER.
  const directRun = (id: string, mech: number, count: number) => {
    const key = keyOf(id);
    const t0 = now();
    for (let i = 0; i < count; i++) {
      const input = mech === CKM.ECDSA ? createHash('sha256').update(data).digest() : data;
      lib.C_SignInit(session, { mechanism: mech }, key);
      const sig = lib.C_Sign(session, input, Buffer.alloc(1024));
      if (mech === CKM.ECDSA) ecdsaRawToDer(sig);
    }
    return now() - t0;
  };

  const svc = new TokenService({ modules: [hsm.module], builtinModules: false, idleLogoutMs: 0 });
  const token = await svc.findToken(LABEL);
  await svc.login(token, new TextEncoder().encode(PIN));
  // Sequential: one signature in flight (what signBatch does). Pipelined: up to 8 requests
  // queued to the worker, which signs them back to back (IPC latency overlaps the signing).
  const serviceRun = async (id: string, keyType: 'rsa' | 'ec', scheme: 'rsa-pkcs1v15' | 'ecdsa', count: number, inFlight = 1) => {
    const t0 = now();
    let next = 0;
    const lane = async () => { while (next < count) { next++; await svc.sign(token, id, keyType, data, 'SHA-256', { kind: scheme }); } };
    await Promise.all(Array.from({ length: inFlight }, lane));
    return now() - t0;
  };
  const manyRun = async (id: string, keyType: 'rsa' | 'ec', scheme: 'rsa-pkcs1v15' | 'ecdsa', count: number) => {
    const t0 = now();
    const sigs = await svc.signMany(token, id, keyType, Array.from({ length: count }, () => data), 'SHA-256', { kind: scheme });
    if (sigs.length !== count) throw new Error('signMany returned too few signatures');
    return now() - t0;
  };

  const rows: { name: string; id: string; mech: number; keyType: 'rsa' | 'ec'; scheme: 'rsa-pkcs1v15' | 'ecdsa' }[] = [
    { name: 'RSA-2048 CKM_SHA256_RSA_PKCS', id: '01', mech: CKM.SHA256_RSA_PKCS, keyType: 'rsa', scheme: 'rsa-pkcs1v15' },
    { name: 'EC P-256 CKM_ECDSA (hash + DER)', id: '02', mech: CKM.ECDSA, keyType: 'ec', scheme: 'ecdsa' },
  ];
  console.log(`| key / mechanism | direct sig/s | service, sequential sig/s | overhead | service, 8 in flight | overhead | service signMany(${N}) | overhead | process boundary cost per sequential call |`);
  console.log('|---|---|---|---|---|---|---|---|---|');
  const ratios: number[] = [];
  for (const r of rows) {
    directRun(r.id, r.mech, 10); await serviceRun(r.id, r.keyType, r.scheme, 10); // warm-up, key handle cached
    // Five interleaved rounds; the median of each damps noise on a shared machine.
    const d: number[] = []; const s1: number[] = []; const s8: number[] = []; const sb: number[] = [];
    for (let k = 0; k < 5; k++) {
      d.push(directRun(r.id, r.mech, N));
      s1.push(await serviceRun(r.id, r.keyType, r.scheme, N, 1));
      s8.push(await serviceRun(r.id, r.keyType, r.scheme, N, 8));
      sb.push(await manyRun(r.id, r.keyType, r.scheme, N));
    }
    const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
    const [dm, sm, pm, bm] = [med(d), med(s1), med(s8), med(sb)];
    ratios.push(bm / dm);
    const rate = (ms: number) => (N / (ms / 1000)).toFixed(0);
    console.log(`| ${r.name} | ${rate(dm)} | ${rate(sm)} | ${(sm / dm).toFixed(2)}× | ${rate(pm)} | ${(pm / dm).toFixed(2)}× | ${rate(bm)} | ${(bm / dm).toFixed(2)}× | ${((sm - dm) / N).toFixed(3)} ms |`);
  }
  lib.C_Logout(session);
  lib.C_CloseSession(session);
  lib.C_Finalize();

  if (PDFS > 0) {
    console.log(`\n## Batch of ${PDFS} × ${PDF_MB} MB PDFs, PAdES B-B, one login`);
    const work = path.join(dir, 'pdfs');
    mkdirSync(work, { recursive: true });
    const pdf = makePdf(PDF_MB * 1024 * 1024);
    const files = Array.from({ length: PDFS }, (_, i) => {
      const input = path.join(work, `vb-${i}.pdf`);
      writeFileSync(input, pdf);
      return { input, output: path.join(work, `vb-${i}.signed.pdf`) };
    });
    const signFile = padesFileSigner({ reason: 'Benchmark' });
    const tokenSigner = await createTokenSigner({ service: svc, tokenLabel: LABEL, keyId: '01', logoutOnClose: false });
    const soft = await signerFor(pki.signers.rsa2048);
    console.log('| signer | total s | files/s | MB/s |');
    console.log('|---|---|---|---|');
    const times: Record<string, number> = {};
    const runs = [['software key (peer)', soft], ['token via service', tokenSigner]] as const;
    for (const [, signer] of runs) await signBatch(files.slice(0, 5), { signer, signFile }); // warm-up
    // Two alternating rounds; the faster of each is reported.
    for (let round = 0; round < 2; round++) {
      for (const [name, signer] of runs) {
        const t0 = now();
        const res = await signBatch(files, { signer, signFile });
        const t = (now() - t0) / 1000;
        if (res.signed.length !== PDFS) throw new Error(`${name}: only ${res.signed.length} signed (${JSON.stringify(res.stopped ?? res.failed[0])})`);
        times[name] = Math.min(times[name] ?? Infinity, t);
      }
    }
    for (const [name] of runs) {
      const t = times[name];
      console.log(`| ${name} | ${t.toFixed(2)} | ${(PDFS / t).toFixed(1)} | ${((PDFS * pdf.length) / 1048576 / t).toFixed(1)} |`);
    }
    console.log(`\ntoken ÷ software end to end: ${(times['token via service'] / times['software key (peer)']).toFixed(2)}×`);
  }
  await svc.close();
  rmSync(dir, { recursive: true, force: true });
  console.log(`\nbatch-of-N (signMany) overhead target ≤ 1.2×: ${ratios.every((r) => r <= 1.2) ? 'met' : 'NOT met'} (${ratios.map((r) => r.toFixed(2)).join(', ')})`);
}

main().catch((e) => { console.error(e); process.exit(1); });
