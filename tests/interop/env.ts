// Interop test environment: the test PKI (certificates pointing at a loopback OCSP/CRL server),
// a loopback TSA, an NSS DB (trusting the test root, knowing the intermediate, holding the RSA
// signer's key for pdfsig), asynchronous process helpers (the servers run in this process, so a
// child that fetches from them must not block the event loop), tool detection, and the Java
// programs of tests/interop/java compiled once per source hash and run one JVM per batch.
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeTestPki, type TestPki } from '../helpers/pki';
import { startRevocationServer, type RevocationServer } from '../helpers/ocsp';
import { startTsa, type TsaServer } from '../helpers/tsa';
import { addCertificate, importPkcs12, makeNssDb, type NssDb } from '../helpers/nss';

export const REPO = path.resolve(import.meta.dirname, '../..');
export const SHARED = path.resolve(REPO, '../shared');
export const CORPUS = path.join(SHARED, 'corpus/pdf');
export const OUT = path.join(REPO, 'test-artifacts/interop');
export const JAVA_SRC = path.join(import.meta.dirname, 'java');
const JAVA_LIB = '/usr/share/java';

export interface InteropEnv {
  name: string;
  dir: string;
  pki: TestPki;
  rev: RevocationServer;
  tsa: TsaServer;
  rootPem: string;
  intermediatePem: string;
  /** Trusts the root, knows the intermediate, holds signer-rsa2048's key (nickname = entity name). */
  nss: NssDb;
  close(): Promise<void>;
}

export function fresh(dir: string): string {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

export async function makeEnv(name: string): Promise<InteropEnv> {
  const dir = fresh(path.join(OUT, 'runs', name));
  const rev = await startRevocationServer();
  const pki = await makeTestPki(path.join(dir, 'pki'), { ...rev.pkiOptions, signerTypes: ['rsa2048', 'p256'] });
  rev.attach(pki);
  const tsa = await startTsa(pki.tsa);
  const nss = makeNssDb(path.join(dir, 'nss'), pki.root.pemPath);
  addCertificate(nss, { name: 'Vanthu Test Issuing CA', pemPath: pki.intermediate.pemPath, trust: ',,' });
  importPkcs12(nss, pki.signers.rsa2048.p12Path!, pki.password);
  return {
    name, dir, pki, rev, tsa, rootPem: pki.root.pemPath, intermediatePem: pki.intermediate.pemPath, nss,
    close: async () => {
      await tsa.close();
      await rev.close();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Processes

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Run a program without blocking the event loop; never throws for a non-zero exit. */
export function run(cmd: string, args: string[], opts: { timeoutMs?: number; cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    execFile(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, timeout: opts.timeoutMs ?? 60_000, cwd: opts.cwd, env: opts.env ?? process.env }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : null) : 0;
      resolve({ code, stdout: stdout ?? '', stderr: (stderr ?? '') + (err && code === null ? `\n${err.message}` : ''), ms: Date.now() - t0 });
    });
  });
}

/** Run `fn` over `items` with at most `limit` in flight; results in input order. */
export async function pool<T, R>(items: T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i], i);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

function onPath(cmd: string): boolean {
  return (process.env.PATH ?? '').split(':').some((d) => d && existsSync(path.join(d, cmd)));
}

// ---------------------------------------------------------------------------------------------
// Tool detection

export type JavaGroup = 'itext' | 'pdfbox';

/** Jars per group; every one must be present except those marked optional. */
const JARS: Record<JavaGroup, { jar: string; optional?: boolean }[]> = {
  itext: [{ jar: 'itext5.jar' }, { jar: 'bcprov.jar' }, { jar: 'bcpkix.jar' }, { jar: 'bcutil.jar', optional: true }],
  pdfbox: [{ jar: 'pdfbox2.jar' }, { jar: 'fontbox2.jar' }, { jar: 'commons-logging.jar' }, { jar: 'bcprov.jar' }, { jar: 'bcpkix.jar' }, { jar: 'bcutil.jar', optional: true }],
};
const SOURCES: Record<JavaGroup, string[]> = {
  itext: ['Json.java', 'InteropUtil.java', 'ItextSign.java', 'ItextVerify.java'],
  pdfbox: ['Json.java', 'InteropUtil.java', 'PdfboxSign.java', 'PdfboxVerify.java'],
};

export interface Tools {
  java: boolean;
  itext: boolean;
  pdfbox: boolean;
  podofo: boolean;
  mutool: boolean;
  pdfsig: boolean;
  qpdf: boolean;
  /** Why a tool is missing, for the report. */
  missing: Record<string, string>;
}

function findJar(name: string): string | null {
  const p = path.join(JAVA_LIB, name);
  if (existsSync(p)) return p;
  // versioned only (e.g. commons-logging-1.2.jar)
  const stem = name.replace(/\.jar$/, '');
  const hit = existsSync(JAVA_LIB) ? readdirSync(JAVA_LIB).find((f) => f.startsWith(`${stem}-`) && /^[\d.]+\.jar$/.test(f.slice(stem.length + 1))) : undefined;
  return hit ? path.join(JAVA_LIB, hit) : null;
}

export function classpathOf(group: JavaGroup): { jars: string[]; missing: string[] } {
  const jars: string[] = [];
  const missing: string[] = [];
  for (const j of JARS[group]) {
    const p = findJar(j.jar);
    if (p) jars.push(p);
    else if (!j.optional) missing.push(j.jar);
  }
  return { jars, missing };
}

export function detectTools(): Tools {
  const missing: Record<string, string> = {};
  const java = onPath('java') && onPath('javac');
  if (!java) missing.java = 'java/javac not on PATH';
  const group = (g: JavaGroup) => {
    if (!java) { missing[g] = 'no JDK'; return false; }
    const m = classpathOf(g).missing;
    if (m.length) { missing[g] = `missing ${m.join(', ')} in ${JAVA_LIB}`; return false; }
    return true;
  };
  const bin = (key: string, cmd: string) => {
    const ok = onPath(cmd);
    if (!ok) missing[key] = `${cmd} not on PATH`;
    return ok;
  };
  return {
    java, itext: group('itext'), pdfbox: group('pdfbox'), podofo: bin('podofo', 'podofosign'), mutool: bin('mutool', 'mutool'),
    pdfsig: bin('pdfsig', 'pdfsig'), qpdf: bin('qpdf', 'qpdf'), missing,
  };
}

// ---------------------------------------------------------------------------------------------
// Java

const compiled = new Map<JavaGroup, Promise<string>>();

/**
 * The classes of one group, compiled with javac into a temporary directory and then moved to
 * test-artifacts/interop/classes/<group>-<hash> (hash of the sources, the classpath and the javac
 * version), so reruns and the other test files reuse them.
 */
export function javaClasses(group: JavaGroup): Promise<string> {
  let p = compiled.get(group);
  if (!p) {
    p = compileGroup(group);
    compiled.set(group, p);
  }
  return p;
}

async function compileGroup(group: JavaGroup): Promise<string> {
  const { jars } = classpathOf(group);
  const version = (await run('javac', ['-version'])).stdout + (await run('javac', ['-version'])).stderr;
  const h = createHash('sha256');
  for (const f of SOURCES[group]) h.update(f).update(readFileSync(path.join(JAVA_SRC, f)));
  h.update(jars.join(':')).update(version);
  const hash = h.digest('hex').slice(0, 16);
  const base = path.join(OUT, 'classes');
  const target = path.join(base, `${group}-${hash}`);
  if (existsSync(path.join(target, '.ok'))) return target;
  mkdirSync(base, { recursive: true });
  const tmp = mkdtempSync(path.join(base, `.tmp-${group}-`));
  const r = await run('javac', ['-nowarn', '-encoding', 'UTF-8', '-d', tmp, '-cp', jars.join(':'), ...SOURCES[group].map((f) => path.join(JAVA_SRC, f))], { timeoutMs: 120_000 });
  if (r.code !== 0) {
    rmSync(tmp, { recursive: true, force: true });
    throw new Error(`javac failed for ${group}:\n${r.stderr}\n${r.stdout}`);
  }
  writeFileSync(path.join(tmp, '.ok'), hash);
  try {
    renameSync(tmp, target);
  } catch {
    // another test file won the race: its classes are the same
    rmSync(tmp, { recursive: true, force: true });
  }
  return target;
}

/**
 * Run `main` of a group over a JSON job in one JVM; returns the JSON lines it printed. A crashed
 * JVM throws with its stderr.
 */
export async function runJava<T = Record<string, unknown>>(group: JavaGroup, main: string, job: unknown, jobDir: string): Promise<{ lines: T[]; ms: number; stderr: string }> {
  const classes = await javaClasses(group);
  mkdirSync(jobDir, { recursive: true });
  const jobPath = path.join(jobDir, `${main}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}.json`);
  writeFileSync(jobPath, JSON.stringify(job, null, 1));
  const cp = [classes, ...classpathOf(group).jars].join(':');
  const args = ['-Djava.awt.headless=true', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Xshare:auto', '-Djava.util.logging.config.file=/dev/null', '-cp', cp, main, jobPath];
  const r = await runStreaming('java', args, 300_000);
  const lines: T[] = [];
  for (const l of r.stdout.split('\n')) {
    const t = l.trim();
    if (t.startsWith('{')) lines.push(JSON.parse(t) as T);
  }
  if (r.code !== 0) throw new Error(`java ${main} exited ${r.code}:\n${r.stderr.slice(-4000)}`);
  return { lines, ms: r.ms, stderr: r.stderr };
}

function runStreaming(cmd: string, args: string[], timeoutMs: number): Promise<RunResult> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { if (stderr.length < 1 << 20) stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - t0 });
    });
  });
}
