// Measurement "sign-20mb" of bench/desk.ts (issue 13): signing a 20 MB document from the Ký số desk,
// against `vanthu sign` + `vanthu verify` of the same file with the same token, in the same run.
// Set-up as tests/app/e2e-sign-desk.test.ts: a test PKI whose certificates name the loopback
// revocation server (tests/helpers/ocsp.ts), a SoftHSM2 token "Văn thư A" with the RSA-2048 signer
// key and the intermediate, a profile with trust/root.pem and config.json naming the SoftHSM2
// module, host mode (tests/helpers/host.ts startHost) serving the renderer built into the bench dir
// (or --renderer=DIR; a build made by list-scroll earlier in the same run is reused).
// The file: ../shared/tools/mkpdf.py OUT 20 20 (20 pages, 20 MB).
// Desk run (a fresh tab each): open the desk ('Ký số'), choose the file (#sign-files), the token
// (already unlocked: the PIN is entered once before all runs on the 'Thiết bị ký' desk, so no PIN
// dialog is part of any run — a run where one opens fails), invisible signature, level B-B; wait
// for the viewer (20 pages) and 1 s more. Timed in the page: from the click on 'Ký văn bản' (a
// capture listener's performance.now()) to the first animation frame in which the result shows
// data-testid=sign-verify-verdict with data-verdict TOTAL_PASSED and data-testid=signature-panel
// is present (a MutationObserver). Checked afterwards: the signed file downloaded from the result
// link is larger than the input, begins with the input's bytes, and pdfsig (NSS DB trusting the
// root) says "Signature is Valid."; a run that fails a check is not counted.
// Renderer heap: a CDP session samples the page's main isolate every 20 ms (Runtime.getHeapUsage:
// the V8 heap used plus the ArrayBuffer backing stores, where the document's bytes live;
// Performance.getMetrics JSHeapUsedSize is V8 heap only) from before the file is chosen until the
// verdict shows; the baseline is the sample before the file is chosen; the peak is absolute.
// Peer, interleaved with the desk runs: whole-process wall time of
//   VANTHU_PIN=… bin/vanthu sign --token-label "Văn thư A" --pkcs11-module libsofthsm2.so --key-id 01 --out S IN
// plus bin/vanthu verify --json --trust root.pem --cache DIR S (online, the same revocation server;
// the cache persists across runs as the profile's revocation-cache does for the desk); exit 0 and
// TOTAL_PASSED both. One warm-up run of each before the counted ones (not counted).
// Targets: desk sign+verify ≤ 1.5× (vanthu sign + vanthu verify); renderer heap peak ≤ 3× file size.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CDPSession, Page } from 'playwright-core';
import type { Measurement } from '../desk';
import { rendererDir } from './renderer';
import { startHost } from '../../tests/helpers/host';
import { makeTestPki } from '../../tests/helpers/pki';
import { startRevocationServer } from '../../tests/helpers/ocsp';
import { addCertificate, makeNssDb, runPdfsig } from '../../tests/helpers/nss';
import { LABEL_A, PIN_A } from '../../tests/pkcs11/helpers/fixture';
import { importCertificate, importEntity, initToken, makeSoftHsm } from '../../tests/pkcs11/helpers/softhsm';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MKPDF = path.resolve(REPO, '../shared/tools/mkpdf.py');
const BIN = path.join(REPO, 'bin', 'vanthu');
const MB = 1048576;
const T0 = performance.now();
/** Progress on stderr (the table goes to stdout). */
const log = (m: string) => process.stderr.write(`[sign-20mb ${((performance.now() - T0) / 1000).toFixed(1)} s] ${m}\n`);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (x: number) => `${Math.round(x)} ms`;
const mb = (x: number) => `${(x / MB).toFixed(1)} MB`;
const range = (xs: number[], f: (x: number) => string) => (xs.length ? `${f(Math.min(...xs))} – ${f(Math.max(...xs))}` : '–');


interface Proc { wallMs: number; code: number | null; stdout: string; stderr: string }
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<Proc> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ wallMs: performance.now() - t0, code, stdout, stderr }));
  });
}

/** Samples the page's heap every 20 ms until stopped. */
function heapSampler(cdp: CDPSession) {
  const samples: { t: number; used: number; backing: number; metric: number }[] = [];
  let stop = false;
  const loop = (async () => {
    while (!stop) {
      const t = performance.now();
      const [u, m] = await Promise.all([
        cdp.send('Runtime.getHeapUsage') as Promise<{ usedSize: number; backingStorageSize?: number }>,
        cdp.send('Performance.getMetrics'),
      ]);
      const metric = m.metrics.find((x) => x.name === 'JSHeapUsedSize')?.value ?? 0;
      samples.push({ t, used: u.usedSize, backing: u.backingStorageSize ?? 0, metric });
      await new Promise((r) => setTimeout(r, Math.max(0, 20 - (performance.now() - t))));
    }
  })();
  return {
    samples,
    async stop() { stop = true; await loop; },
  };
}

interface DeskRun { ms: number; baseline: number; peak: number; peakV8: number; peakMetric: number; samples: number; signedSize: number }

export const signDesk: Measurement = {
  name: 'sign-20mb',
  async run({ browser, dir, runs }) {
    const work = path.join(dir, 'sign');
    fs.rmSync(work, { recursive: true, force: true });
    fs.mkdirSync(work, { recursive: true });
    const renderer = rendererDir(dir);
    const pdf = path.join(dir, 'sign-20p-20mb.pdf');
    if (!fs.existsSync(pdf)) execFileSync('python3', [MKPDF, pdf, '20', '20']);
    const original = fs.readFileSync(pdf);
    const size = original.length;

    // the PKI, the revocation server and the token, as tests/app/e2e-sign-desk.test.ts has them
    log('set-up');
    const rev = await startRevocationServer();
    const pki = await makeTestPki(path.join(work, 'pki'), { ...rev.pkiOptions, signerTypes: ['rsa2048'] });
    rev.attach(pki);
    const hsm = makeSoftHsm(path.join(work, 'hsm')); // sets SOFTHSM2_CONF for the host and the CLI
    initToken(hsm, LABEL_A, PIN_A);
    importEntity(hsm, LABEL_A, PIN_A, pki.signers.rsa2048, '01');
    importCertificate(hsm, LABEL_A, PIN_A, pki.intermediate.derPath, 'c1', 'intermediate');
    const logFile = path.join(work, 'pkcs11.log');
    process.env.VANTHU_PKCS11_LOG = logFile;
    const profileDir = path.join(work, 'profile');
    fs.mkdirSync(path.join(profileDir, 'trust'), { recursive: true });
    fs.copyFileSync(pki.root.pemPath, path.join(profileDir, 'trust', 'root.pem'));
    fs.writeFileSync(path.join(profileDir, 'config.json'), JSON.stringify({ pkcs11Modules: [hsm.module], tokenTimeoutMs: 20_000 }));
    const nss = makeNssDb(path.join(work, 'nss'), pki.root.pemPath);
    addCertificate(nss, { name: 'Vanthu Test Intermediate', pemPath: pki.intermediate.pemPath, trust: ',,' });
    const cliCache = path.join(work, 'cli-cache');
    const cliEnv = { ...process.env, VANTHU_PIN: PIN_A };

    log('host');
    const prevRenderer = process.env.VANTHU_TEST_RENDERER_DIR;
    process.env.VANTHU_TEST_RENDERER_DIR = renderer;
    const host = await startHost({ profileDir });
    if (prevRenderer === undefined) delete process.env.VANTHU_TEST_RENDERER_DIR;
    else process.env.VANTHU_TEST_RENDERER_DIR = prevRenderer;

    const failures: string[] = [];
    const desk: DeskRun[] = [];
    const cli: { sign: number; verify: number }[] = [];
    let pdfsigCert = '';

    /** Checks of a signed file: bigger than the input, the input as its prefix, pdfsig valid. */
    const checkSigned = (file: string): string | null => {
      const b = fs.readFileSync(file);
      if (b.length < size) return `signed file ${b.length} B < input ${size} B`;
      if (!b.subarray(0, size).equals(original)) return 'the signed file does not begin with the input';
      const t = performance.now();
      // -no-ocsp: pdfsig runs synchronously, so the revocation server in this process cannot
      // answer it (revocation is checked by the desk's and the CLI's own verification)
      const r = runPdfsig(file, { nss, noOcsp: true });
      log(`pdfsig ${ms(performance.now() - t)}`);
      const s = r.signatures;
      if (s.length !== 1 || !s[0].signatureValid) return `pdfsig: ${s.map((x) => x.signatureValidation).join(', ') || (r.stdout + r.stderr).trim().slice(0, 200)}`;
      pdfsigCert = s[0].certificateValidation ?? '';
      return null;
    };

    async function deskRun(i: number, counted: boolean): Promise<void> {
      const label = counted ? `desk run ${i + 1}` : 'desk warm-up';
      const page: Page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
      try {
        log(`${label}`);
        await page.goto(host.newLaunchUrl());
        await page.getByRole('button', { name: 'Ký số' }).click();
        await page.locator('#sign-files').waitFor();
        const cdp = await page.context().newCDPSession(page);
        await cdp.send('Performance.enable');
        await cdp.send('HeapProfiler.collectGarbage');
        const sampler = heapSampler(cdp);
        await new Promise((r) => setTimeout(r, 100));
        const base = sampler.samples[sampler.samples.length - 1];
        await page.locator('#sign-files').setInputFiles(pdf);
        await page.getByTestId('sign-token').waitFor();
        await page.getByTestId('sign-token').selectOption(LABEL_A);
        const option = await page.getByTestId('sign-token').locator('option:checked').innerText();
        await page.locator('#sign-kind').selectOption(''); // invisible
        await page.locator('#sign-level').selectOption('B-B');
        await page.locator('[data-testid="sign-viewer"][data-pages="20"]').waitFor({ timeout: 60_000 });
        log('viewer ready');
        await new Promise((r) => setTimeout(r, 1000)); // the document open, inspected and drawn
        // the clock, in the page: the click on 'Ký văn bản' → the frame the verified result shows
        await page.evaluate(() => {
          const w = window as unknown as { __sign: { t0: number | null; t1: number | null; verdict: string | null; pin: boolean } };
          w.__sign = { t0: null, t1: null, verdict: null, pin: false };
          const button = [...document.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Ký văn bản')!;
          button.addEventListener('click', () => { w.__sign.t0 = performance.now(); }, { capture: true, once: true });
          const obs = new MutationObserver(() => {
            if (document.querySelector('[data-testid="pin-dialog"]')) w.__sign.pin = true;
            const v = document.querySelector('[data-testid="sign-verify-verdict"]');
            if (v && w.__sign.t1 === null && document.querySelector('[data-testid="signature-panel"]')) {
              w.__sign.verdict = v.getAttribute('data-verdict');
              requestAnimationFrame(() => { w.__sign.t1 = performance.now(); });
              obs.disconnect();
            } else if (document.querySelector('[data-testid="sign-result"][data-status="failed"]')) {
              w.__sign.verdict = 'SIGN_FAILED';
              w.__sign.t1 = performance.now();
              obs.disconnect();
            }
          });
          obs.observe(document.body, { childList: true, subtree: true, attributes: true });
        });
        await page.getByRole('button', { name: 'Ký văn bản' }).click();
        await page.waitForFunction(() => {
          const s = (window as unknown as { __sign: { t1: number | null; pin: boolean } }).__sign;
          return s.t1 !== null || s.pin;
        }, null, { timeout: 180_000, polling: 50 });
        await new Promise((r) => setTimeout(r, 100));
        await sampler.stop();
        const r = await page.evaluate(() => (window as unknown as { __sign: { t0: number; t1: number | null; verdict: string | null; pin: boolean } }).__sign);
        if (r.pin) throw new Error(`a PIN dialog opened (the token was not unlocked: "${option}")`);
        if (r.verdict !== 'TOTAL_PASSED') throw new Error(`verdict ${r.verdict}`);
        log(`signed and verified: ${ms(r.t1! - r.t0)}`);
        const link = page.getByTestId('sign-results').getByRole('link').first();
        const [dl] = await Promise.all([page.waitForEvent('download'), link.click()]);
        const signed = path.join(work, `desk-signed-${i}.pdf`);
        await dl.saveAs(signed);
        const bad = checkSigned(signed);
        if (bad) throw new Error(bad);
        const s = sampler.samples;
        if (counted) {
          desk.push({
            ms: r.t1! - r.t0, baseline: base.used + base.backing, samples: s.length,
            peak: Math.max(...s.map((x) => x.used + x.backing)), peakV8: Math.max(...s.map((x) => x.used)), peakMetric: Math.max(...s.map((x) => x.metric)),
            signedSize: fs.statSync(signed).size,
          });
        }
        fs.rmSync(signed, { force: true });
        await cdp.detach();
      } catch (e) {
        failures.push(`${label}: ${(e as Error).message.split('\n')[0]}`);
      } finally {
        await page.close();
      }
    }

    async function cliRun(i: number, counted: boolean): Promise<void> {
      const label = counted ? `cli run ${i + 1}` : 'cli warm-up';
      log(label);
      const signed = path.join(work, `cli-signed-${i}.pdf`);
      fs.rmSync(signed, { force: true });
      const s = await run(BIN, ['sign', '--token-label', LABEL_A, '--pkcs11-module', hsm.module, '--key-id', '01', '--level', 'B-B', '--out', signed, pdf], cliEnv);
      if (s.code !== 0) return void failures.push(`${label}: vanthu sign exit ${s.code}: ${s.stderr.trim().split('\n')[0]}`);
      const v = await run(BIN, ['verify', '--json', '--trust', pki.root.pemPath, '--cache', cliCache, signed], process.env);
      let verdict = '?';
      try { verdict = ([JSON.parse(v.stdout)].flat()[0] as { verdict: string }).verdict; } catch { /* reported below */ }
      if (v.code !== 0 || verdict !== 'TOTAL_PASSED') return void failures.push(`${label}: vanthu verify exit ${v.code}, verdict ${verdict}`);
      const bad = checkSigned(signed);
      fs.rmSync(signed, { force: true });
      if (bad) return void failures.push(`${label}: ${bad}`);
      log(`sign ${ms(s.wallMs)}, verify ${ms(v.wallMs)}`);
      if (counted) cli.push({ sign: s.wallMs, verify: v.wallMs });
    }

    let loginMs = 0;
    try {
      // the PIN, once, before every run: 'Thiết bị ký', the token's PIN field, 'Nhập PIN' (the login lasts for the host)
      {
        const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
        await page.goto(host.newLaunchUrl());
        await page.getByRole('button', { name: 'Thiết bị ký' }).click();
        const card = page.getByRole('heading', { name: new RegExp(LABEL_A) }).locator('..');
        const t0 = Date.now();
        await card.getByLabel(`PIN ${LABEL_A}`).fill(PIN_A);
        await card.getByRole('button', { name: 'Nhập PIN' }).click();
        await card.getByRole('button', { name: 'Khóa thiết bị' }).waitFor({ timeout: 30_000 });
        loginMs = Date.now() - t0;
        await page.close();
      }
      await deskRun(-1, false);
      await cliRun(-1, false);
      for (let i = 0; i < runs; i++) {
        // alternate which goes first, so neither always follows the other
        if (i % 2 === 0) { await deskRun(i, true); await cliRun(i, true); } else { await cliRun(i, true); await deskRun(i, true); }
      }
    } finally {
      await host.close();
      await rev.close();
    }
    const pinLogged = fs.existsSync(logFile) && fs.readFileSync(logFile, 'utf8').includes(PIN_A);
    if (pinLogged) failures.push('the PIN appears in the token service log');

    const dm = median(desk.map((d) => d.ms));
    const cs = median(cli.map((c) => c.sign)), cv = median(cli.map((c) => c.verify)), ct = median(cli.map((c) => c.sign + c.verify));
    const ratio = dm / ct;
    const peak = Math.max(...desk.map((d) => d.peak));
    const heapRatio = peak / size;
    const timeMet = desk.length > 0 && cli.length > 0 && ratio <= 1.5;
    const heapMet = desk.length > 0 && peak <= 3 * size;
    const notes: string[] = [];
    if (failures.length) notes.push('Runs that failed their check (not counted):', ...failures.map((f) => `  - ${f}`));
    if (desk.length && cli.length && !timeMet) notes.push(`desk sign+verify NOT MET by ${ms(dm - 1.5 * ct)} (${ratio.toFixed(2)}× against 1.5×).`);
    if (desk.length && !heapMet) notes.push(`renderer heap peak NOT MET by ${mb(peak - 3 * size)} (${heapRatio.toFixed(2)}× the file against 3×).`);
    return {
      rows: [
        `file: ${mb(size)}, 20 pages (mkpdf.py OUT 20 20); token: SoftHSM2 "${LABEL_A}", RSA-2048, PAdES B-B invisible; PIN entered once before the runs (${ms(loginMs)}, not timed); runs: ${runs} each, interleaved, after one warm-up of each (${desk.length} desk / ${cli.length} CLI checked: TOTAL_PASSED, signed file ≥ input with the input as prefix, pdfsig "Signature is Valid."${pdfsigCert ? `, certificate: "${pdfsigCert}"` : ''})`,
        '',
        '| path | median | range | ratio |',
        '|---|---|---|---|',
        `| desk: click 'Ký văn bản' → signature panel, verdict TOTAL_PASSED | ${ms(dm)} | ${range(desk.map((d) => d.ms), ms)} | **${ratio.toFixed(2)}×** |`,
        `| vanthu sign + vanthu verify (whole processes, sum per run) | ${ms(ct)} | ${range(cli.map((c) => c.sign + c.verify), ms)} | 1 |`,
        `| … vanthu sign --token-label --pkcs11-module (VANTHU_PIN) | ${ms(cs)} | ${range(cli.map((c) => c.sign), ms)} | |`,
        `| … vanthu verify --trust root.pem --cache DIR (online) | ${ms(cv)} | ${range(cli.map((c) => c.verify), ms)} | |`,
        '',
        '| renderer heap (page main isolate, sampled every 20 ms) | value |',
        '|---|---|',
        `| baseline: desk open, before the file is chosen (V8 heap + ArrayBuffers), median | ${mb(median(desk.map((d) => d.baseline)))} |`,
        `| peak, V8 heap + ArrayBuffer backing stores (Runtime.getHeapUsage), max over runs | **${mb(peak)}** (${heapRatio.toFixed(2)}× the file; median of runs ${mb(median(desk.map((d) => d.peak)))}) |`,
        `| peak, V8 heap only (Runtime.getHeapUsage usedSize) | ${mb(Math.max(...desk.map((d) => d.peakV8)))} |`,
        `| peak, Performance.getMetrics JSHeapUsedSize | ${mb(Math.max(...desk.map((d) => d.peakMetric)))} |`,
        `| samples per run (median) | ${median(desk.map((d) => d.samples))} |`,
      ],
      notes,
      targets: [
        { label: 'desk sign+verify ≤ 1.5× (vanthu sign + vanthu verify)', value: `${ratio.toFixed(2)}× (${ms(dm)} vs ${ms(ct)})`, met: timeMet && !pinLogged },
        { label: `renderer heap peak ≤ 3× file size (${Math.round((3 * size) / MB)} MB)`, value: `${mb(peak)} (${heapRatio.toFixed(2)}×)`, met: heapMet },
      ],
    };
  },
};
