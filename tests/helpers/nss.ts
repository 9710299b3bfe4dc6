// NSS database and pdfsig helpers for tests: create a throw-away NSS DB (sql: format, empty
// password) that trusts a given root, optionally holding a PKCS#12 key for `pdfsig -add-signature`,
// then run `pdfsig -nssdir sql:DIR file.pdf` and parse its report into one record per signature.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface NssDb {
  dir: string;
  /** Value for `-nssdir` / `-d`: `sql:${dir}`. */
  nssdir: string;
}

export interface TrustedCert {
  /** Nickname inside the DB. */
  name: string;
  pemPath: string;
  /** certutil trust flags, default "CT,C,C" (trusted CA for TLS, e-mail and object signing). */
  trust?: string;
}

/** Create an NSS DB in `dir` trusting each given certificate (a root CA normally). */
export function makeNssDb(dir: string, trusted: TrustedCert[] | string = []): NssDb {
  mkdirSync(dir, { recursive: true });
  const nssdir = `sql:${dir}`;
  execFileSync('certutil', ['-N', '-d', nssdir, '--empty-password'], { stdio: 'pipe' });
  const list = typeof trusted === 'string' ? [{ name: 'Vanthu Test Root', pemPath: trusted }] : trusted;
  for (const t of list) addCertificate({ dir, nssdir }, t);
  return { dir, nssdir };
}

/** Add one certificate (trusted or, with trust ",,", just known, e.g. an intermediate). */
export function addCertificate(db: NssDb, cert: TrustedCert): void {
  execFileSync('certutil', ['-A', '-d', db.nssdir, '-n', cert.name, '-t', cert.trust ?? 'CT,C,C', '-i', cert.pemPath], { stdio: 'pipe' });
}

/**
 * Import a PKCS#12 (key + certificate + chain) so `pdfsig -add-signature -nick NAME` can sign.
 * The password goes through a file readable only by us, never through argv.
 */
export function importPkcs12(db: NssDb, p12Path: string, password: string): void {
  const pwFile = join(db.dir, '.p12pass');
  writeFileSync(pwFile, password, { mode: 0o600 });
  execFileSync('pk12util', ['-i', p12Path, '-d', db.nssdir, '-w', pwFile], { stdio: 'pipe' });
}

/** Nicknames of the certificates with keys in the DB (what `-nick` takes). */
export function listNicknames(db: NssDb): string[] {
  const out = spawnSync('pdfsig', ['-nssdir', db.nssdir, '-list-nicks'], { encoding: 'utf8' });
  return out.stdout.split('\n').map((l) => l.trim()).filter((l) => l && !l.endsWith(':'));
}

export interface PdfsigSignature {
  /** 1-based, as pdfsig numbers them. */
  index: number;
  fieldName?: string;
  commonName?: string;
  distinguishedName?: string;
  signingTime?: string;
  hashAlgorithm?: string;
  /** e.g. "ETSI.CAdES.detached", "adbe.pkcs7.detached", "ETSI.RFC3161". */
  signatureType?: string;
  ranges: Array<[number, number]>;
  /** pdfsig says "Total document signed" (true) or "Not total document signed" (false). */
  totalDocumentSigned: boolean;
  /** Raw text after "Signature Validation:", e.g. "Signature is Valid.", "Digest Mismatch.". */
  signatureValidation?: string;
  signatureValid: boolean;
  digestMismatch: boolean;
  /** Raw text after "Certificate Validation:", e.g. "Certificate is Trusted.". */
  certificateValidation?: string;
  certificateTrusted: boolean;
  /** The lines of this signature's block. */
  raw: string[];
}

export interface PdfsigResult {
  status: number | null;
  stdout: string;
  stderr: string;
  /** pdfsig printed "File '…' does not contain any signatures". */
  unsigned: boolean;
  signatures: PdfsigSignature[];
}

export interface PdfsigOptions {
  /** NSS DB (or its `sql:` path) to validate against. */
  nss?: NssDb | string;
  /** Pass -nocert (skip certificate validation). */
  noCert?: boolean;
  /** Pass -no-ocsp (no online revocation check). */
  noOcsp?: boolean;
  /** Pass -aia (fetch missing issuers through AIA). */
  aia?: boolean;
}

/** Parse pdfsig's report text. */
export function parsePdfsig(stdout: string): PdfsigSignature[] {
  const sigs: PdfsigSignature[] = [];
  let cur: PdfsigSignature | undefined;
  for (const line of stdout.split('\n')) {
    const head = /^Signature #(\d+):/.exec(line);
    if (head) {
      cur = {
        index: Number(head[1]), ranges: [], totalDocumentSigned: false, signatureValid: false,
        digestMismatch: false, certificateTrusted: false, raw: [],
      };
      sigs.push(cur);
      continue;
    }
    if (!cur) continue;
    const m = /^\s+- (.*)$/.exec(line);
    if (!m) continue;
    const item = m[1];
    cur.raw.push(item);
    const kv = /^([^:]+):\s?(.*)$/.exec(item);
    const key = kv?.[1];
    const val = kv?.[2] ?? '';
    if (item === 'Total document signed') cur.totalDocumentSigned = true;
    else if (item === 'Not total document signed') cur.totalDocumentSigned = false;
    else if (key === 'Signature Field Name') cur.fieldName = val;
    else if (key === 'Signer Certificate Common Name') cur.commonName = val;
    else if (key === 'Signer full Distinguished Name') cur.distinguishedName = val;
    else if (key === 'Signing Time') cur.signingTime = val;
    else if (key === 'Signing Hash Algorithm') cur.hashAlgorithm = val;
    else if (key === 'Signature Type') cur.signatureType = val;
    else if (key === 'Signed Ranges') {
      for (const r of val.matchAll(/\[(\d+) - (\d+)\]/g)) cur.ranges.push([Number(r[1]), Number(r[2])]);
    } else if (key === 'Signature Validation') {
      cur.signatureValidation = val;
      cur.signatureValid = val === 'Signature is Valid.';
      cur.digestMismatch = val === 'Digest Mismatch.';
    } else if (key === 'Certificate Validation') {
      cur.certificateValidation = val;
      cur.certificateTrusted = val === 'Certificate is Trusted.';
    }
  }
  return sigs;
}

/** Run pdfsig on a file and parse the result. */
export function runPdfsig(file: string, opts: PdfsigOptions = {}): PdfsigResult {
  const args: string[] = [];
  if (opts.nss) args.push('-nssdir', typeof opts.nss === 'string' ? opts.nss : opts.nss.nssdir);
  if (opts.noCert) args.push('-nocert');
  if (opts.noOcsp) args.push('-no-ocsp');
  if (opts.aia) args.push('-aia');
  args.push(file);
  const r = spawnSync('pdfsig', args, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  return {
    status: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
    unsigned: /does not contain any signatures/.test(r.stdout + r.stderr),
    signatures: parsePdfsig(r.stdout),
  };
}

/**
 * Sign with poppler itself (`pdfsig -add-signature`), using a key imported with importPkcs12.
 * Used to prove that the test PKI is accepted by NSS and as the peer in benchmarks.
 */
export function pdfsigAddSignature(db: NssDb, nick: string, input: string, output: string, opts: { etsi?: boolean; digest?: string; fieldName?: string } = {}): void {
  const args = ['-nssdir', db.nssdir, '-add-signature', '-nick', nick];
  if (opts.etsi) args.push('-etsi'); // poppler 22.12 refuses -etsi together with -add-signature
  if (opts.digest) args.push('-digest', opts.digest);
  if (opts.fieldName) args.push('-new-signature-field-name', opts.fieldName);
  args.push(input, output);
  execFileSync('pdfsig', args, { stdio: 'pipe' });
}
