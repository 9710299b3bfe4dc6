// `vanthu sign`: sign one or many PDFs with one signer session (a PKCS#12 file, or a PKCS#11 token
// logged in once for the whole batch), at PAdES level B-B … B-LTA, invisible or with a Decree 30
// visible appearance. Each output is written to a temp file and renamed (never a partial file); a
// bad input does not stop the batch; a token that goes away (removed, hung, locked) stops it: the
// files signed so far are kept and reported, the rest are reported unsigned.

import { readFileSync, existsSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { toAppError, VanthuError, type AppError } from '../../src-shared/errors';
import { LEVELS, type PadesLevel, type SignPdfOptions } from '../../src-shared/pades/sign';
import type { CopyForm } from '../../src-shared/appearance/index';
import type { HashAlgorithm, Signer } from '../../src-shared/sign/signer';
import { nodePadesServices } from '../services/signing/node-services';
import { visibleSignature, VISIBLE_KINDS, type VisibleChoice } from '../services/signing/visible';
import { batchStopping } from '../services/pkcs11/batch';
import { parseCommand, one, UsageError, type ParsedArgs } from './args';
import { EXIT } from './exit-codes';
import { openPkcs12 } from '../services/p12/index';
import { readP12Key, loadTokenSigner } from './key';
import { signOneFile, type FileResult } from './sign-file';
import { runSignThread, signThreadCount, signWorkerUrl, type QueuedFile } from './sign-threads';

export const SIGN_USAGE = `Usage: vanthu sign (--p12 FILE | --token-label LABEL [--pkcs11-module PATH] [--key-id HEX])
                  [--level B-B|B-T|B-LT|B-LTA] [--tsa URL]
                  [--visible signer|organisation|attachment|copy --page N --rect X,Y,W,H
                   --image PNG --seal PNG --text LINE… --title LINE… --name NAME
                   --number SO/KY-HIEU --copy-form "SAO Y"|"SAO LỤC"|"TRÍCH SAO" --agency NAME]
                  [--reason TEXT] [--location TEXT] [--hash SHA-256|SHA-384|SHA-512] [--pss] [--field NAME] [--json]
                  (--out FILE | --out-dir DIR) IN.pdf…
The PKCS#12 password is read from VANTHU_P12_PASSWORD or prompted for; never from argv.
A token (USB PKCS#11) is chosen by --token-label (see "vanthu tokens"); --pkcs11-module uses that
driver only (default: the known drivers), --key-id the key/certificate with that CKA_ID (default:
the first signing certificate). The PIN is read from VANTHU_PIN or prompted for, once per batch.
--pss signs RSA keys with RSASSA-PSS (default PKCS#1 v1.5, what most tokens do).
--rect is in PDF points from the page's lower-left corner. For "organisation", --rect is the
signer's (ký duyệt) box the seal must overlap; without it the last visible signature on the page is used.
--field NAME signs into the document's existing empty signature field NAME (its page and box; a
--visible appearance is drawn in that box) instead of adding a field; a file without that field,
or where it is signed already, fails (FIELD_NOT_FOUND, FIELD_ALREADY_SIGNED).`;

/** Files signed concurrently in a batch with a PKCS#12 key (one signer session). */
const BATCH_CONCURRENCY = 4;
/** A token signs one file at a time (its driver is serial anyway), so a batch stops right at the file where it went away. */
const TOKEN_CONCURRENCY = 1;

const SPEC = {
  flags: ['json', 'help', 'pss'],
  values: ['p12', 'pkcs11-module', 'token-label', 'key-id', 'level', 'tsa', 'visible', 'page', 'rect', 'image', 'seal', 'text', 'title', 'name', 'number', 'copy-form', 'agency', 'reason', 'location', 'out', 'out-dir', 'hash', 'field'],
};

function parseRect(s: string): [number, number, number, number] {
  const n = s.split(',').map((x) => Number(x.trim()));
  if (n.length !== 4 || n.some((x) => !Number.isFinite(x)) || n[2] <= 0 || n[3] <= 0) throw new UsageError(`--rect must be X,Y,W,H with positive W and H, got "${s}"`);
  return [n[0], n[1], n[0] + n[2], n[1] + n[3]];
}

function readInput(path: string, what: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch {
    throw new VanthuError('FILE_UNREADABLE', `Không đọc được ${what}: ${path}`, `Cannot read ${what}: ${path}`);
  }
}

/** The person's --visible choice from the command line (images read here); undefined without --visible. */
function visibleChoice(args: ParsedArgs): VisibleChoice | undefined {
  const kind = one(args, 'visible') as VisibleChoice['kind'] | undefined;
  if (!kind) return undefined;
  if (!VISIBLE_KINDS.includes(kind)) throw new UsageError(`--visible must be ${VISIBLE_KINDS.join(', ')} (got "${kind}")`);
  const page = Number(one(args, 'page') ?? '1');
  if (!Number.isInteger(page) || page < 1) throw new UsageError('--page must be a page number ≥ 1');
  const rect = one(args, 'rect');
  const image = one(args, 'image');
  const seal = one(args, 'seal');
  const text = args.values.get('text');
  return {
    kind,
    pageIndex: page - 1,
    rect: rect ? parseRect(rect) : undefined,
    signatureImage: image ? readInput(image, 'signature image') : undefined,
    sealImage: seal ? readInput(seal, 'seal image') : undefined,
    // for a signer, --text lines serve as the title when --title is not given
    title: args.values.get('title') ?? (kind === 'signer' ? text : undefined),
    fullName: one(args, 'name'),
    documentNumber: one(args, 'number'),
    copyForm: one(args, 'copy-form') as CopyForm | undefined,
    copyingAgency: one(args, 'agency'),
    lines: kind === 'signer' ? undefined : text,
  };
}

/** What the command line asks for, checked before any key is opened. */
interface SignJob {
  inputs: string[];
  outputs: string[];
  key: { p12: string } | { tokenLabel: string; pkcs11Module?: string; keyId?: string };
  options: SignPdfOptions;
  pss: boolean;
  visible?: VisibleChoice;
  json: boolean;
}

/** The job for these arguments; throws UsageError for a bad command line. */
function signJob(args: ParsedArgs): SignJob {
  const inputs = args.positional;
  if (inputs.length === 0) throw new UsageError('no input PDF given');
  const out = one(args, 'out');
  const outDir = one(args, 'out-dir');
  if (!!out === !!outDir) throw new UsageError('give exactly one of --out FILE or --out-dir DIR');
  if (out && inputs.length > 1) throw new UsageError('--out takes one input; use --out-dir for several');
  if (outDir && (!existsSync(outDir) || !statSync(outDir).isDirectory())) throw new UsageError(`--out-dir ${outDir} is not a directory`);
  if (outDir) {
    const names = inputs.map((i) => basename(i));
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup) throw new UsageError(`two inputs would both be written to ${join(outDir, dup)}`);
  }
  const level = (one(args, 'level') ?? 'B-B').toUpperCase() as PadesLevel;
  if (!LEVELS.includes(level)) throw new UsageError(`--level must be one of ${LEVELS.join(', ')}`);
  const tsa = one(args, 'tsa');
  if (level !== 'B-B' && !tsa) throw new UsageError(`--level ${level} needs --tsa URL`);
  const hashArg = one(args, 'hash');
  const hash = hashArg ? (hashArg.toUpperCase().replace(/^SHA-?/, 'SHA-') as HashAlgorithm) : undefined;
  if (hash && !['SHA-256', 'SHA-384', 'SHA-512'].includes(hash)) throw new UsageError('--hash must be SHA-256, SHA-384 or SHA-512');
  const p12 = one(args, 'p12');
  const tokenLabel = one(args, 'token-label');
  const useToken = tokenLabel !== undefined || one(args, 'pkcs11-module') !== undefined || one(args, 'key-id') !== undefined;
  if (p12 && useToken) throw new UsageError('give either --p12 FILE or a token (--token-label), not both');
  if (!p12 && !useToken) throw new UsageError('give --p12 FILE or --token-label LABEL (tokens: see "vanthu tokens")');
  if (useToken && !tokenLabel) throw new UsageError('--pkcs11-module and --key-id need --token-label LABEL (see "vanthu tokens")');
  return {
    inputs,
    outputs: inputs.map((input) => (out ? resolve(out) : join(resolve(outDir!), basename(input)))),
    key: p12 ? { p12 } : { tokenLabel: tokenLabel!, pkcs11Module: one(args, 'pkcs11-module'), keyId: one(args, 'key-id') },
    pss: args.flags.has('pss'),
    options: {
      level,
      hash,
      scheme: args.flags.has('pss') ? { kind: 'rsa-pss' } : undefined,
      tsaUrl: tsa,
      reason: one(args, 'reason'),
      location: one(args, 'location'),
      intoField: one(args, 'field'),
      signingTime: new Date(),
    },
    visible: visibleChoice(args),
    json: args.flags.has('json'),
  };
}

/** A PKCS#12 key as read (for worker threads that open their own signer from it). */
type P12Key = { bytes: Uint8Array; password: string };

/**
 * Sign every input with one signer (plus, for a large PKCS#12 batch, worker threads with their
 * own signer); results in input order, printed as they complete (in order). After an error that
 * makes the key unusable no further file is started and the rest are reported unsigned.
 */
async function signAll(job: SignJob, signer: Signer, opts: SignPdfOptions, p12: P12Key | undefined, print: (r: FileResult) => void): Promise<{ results: FileResult[]; stopped?: AppError }> {
  const services = nodePadesServices();
  const { inputs, outputs } = job;
  const results: (FileResult | undefined)[] = new Array(inputs.length);
  let next = 0, printed = 0;
  let stopped: AppError | undefined;
  const take = (): QueuedFile | undefined => {
    if (stopped || next >= inputs.length) return undefined;
    const index = next++;
    return { index, input: inputs[index], output: outputs[index] };
  };
  const settle = (i: number, r: FileResult) => {
    if (!r.ok && batchStopping(r.error!.code)) {
      stopped ??= r.error;
      r.unsigned = true;
    }
    results[i] = r;
    while (printed < inputs.length && results[printed]) print(results[printed++]!);
  };
  // a few files in flight: while one waits for the key, the next is parsed and hashed
  const loop = async () => {
    for (let f = take(); f; f = take()) settle(f.index, await signOneFile(f.input, f.output, signer, opts, services));
  };
  const threads: Promise<void>[] = [];
  const url = p12 ? signWorkerUrl() : null;
  if (p12 && url) {
    for (let t = signThreadCount(inputs.length); t > 0; t--) {
      threads.push(runSignThread(url, { p12: p12.bytes, password: p12.password, options: opts, concurrency: BATCH_CONCURRENCY }, take, settle));
    }
  }
  await Promise.all([...Array.from({ length: Math.min(p12 ? BATCH_CONCURRENCY : TOKEN_CONCURRENCY, inputs.length) }, loop), ...threads]);
  for (let i = 0; i < inputs.length; i++) if (!results[i]) settle(i, { input: inputs[i], ok: false, unsigned: true, error: stopped });
  return { results: results as FileResult[], stopped };
}

export async function run(argv: string[]): Promise<number> {
  const usage = (msg: string) => {
    process.stderr.write(`vanthu sign: ${msg}\n${SIGN_USAGE}\n`);
    return EXIT.USAGE;
  };
  const args = parseCommand('sign', argv, SPEC, SIGN_USAGE);
  if (typeof args === 'number') return args;
  let job: SignJob;
  try {
    job = signJob(args);
  } catch (e) {
    if (e instanceof UsageError) return usage(e.message);
    return usage(toAppError(e).message_en); // an unreadable image
  }
  const { json } = job;

  let signer: Signer;
  let p12: P12Key | undefined;
  try {
    if ('p12' in job.key) {
      p12 = await readP12Key(job.key.p12);
      signer = await openPkcs12(p12.bytes, p12.password);
    } else signer = await loadTokenSigner(job.key.tokenLabel, job.key.pkcs11Module, job.key.keyId);
  } catch (e) {
    p12?.bytes.fill(0);
    const err = toAppError(e);
    if (json) process.stdout.write(JSON.stringify({ ok: false, error: err }) + '\n');
    process.stderr.write(`vanthu sign: ${err.message_en} (${err.code})\n`);
    return EXIT.KEY;
  }
  let outcome: { results: FileResult[]; stopped?: AppError };
  try {
    if (job.pss && signer.key.type !== 'rsa') return usage('--pss needs an RSA key');
    let opts = job.options;
    try {
      if (job.visible) opts = { ...opts, visible: visibleSignature(job.visible, signer, { intoField: !!opts.intoField }) };
    } catch (e) {
      return usage(toAppError(e).message_en);
    }
    const print = (r: FileResult) => {
      if (json) process.stdout.write(JSON.stringify(r) + '\n');
      else if (r.ok) process.stderr.write(`signed ${r.input} → ${r.output} (${r.fieldName}, ${r.level}${r.pending?.length ? `, pending: ${r.pending.join(', ')}` : ''})\n`);
      else if (!r.unsigned) process.stderr.write(`FAILED ${r.input}: ${r.error!.message_en} (${r.error!.code})\n`);
    };
    outcome = await signAll(job, signer, opts, p12, print);
  } finally {
    p12?.bytes.fill(0);
    await signer.close().catch(() => undefined);
  }
  const { results, stopped } = outcome;
  const failed = results.filter((r) => !r.ok);
  if (!json && (results.length > 1 || stopped)) {
    let line = `${results.length - failed.length} of ${results.length} signed`;
    const own = failed.filter((f) => !f.unsigned);
    if (own.length) line += `; failed: ${own.map((f) => `${f.input} (${f.error!.code})`).join(', ')}`;
    if (stopped) line += `; stopped: ${stopped.message_en} (${stopped.code}); not signed: ${failed.filter((f) => f.unsigned).map((f) => f.input).join(', ')}`;
    process.stderr.write(line + '\n');
  }
  if (stopped) return EXIT.STOPPED;
  if (failed.length === results.length) return EXIT.ALL_FAILED;
  if (failed.length > 0) return EXIT.SOME_FAILED;
  if (results.some((r) => r.pending && r.pending.length > 0)) return EXIT.PENDING;
  return EXIT.OK;
}
