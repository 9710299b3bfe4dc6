// `vanthu sign`: sign one or many PDFs with one signer session (a PKCS#12 file, or a PKCS#11 token
// logged in once for the whole batch), at PAdES level B-B … B-LTA, invisible or with a Decree 30
// visible appearance. Each output is written to a temp file and renamed (never a partial file); a
// bad input does not stop the batch; a token that goes away (removed, hung, locked) stops it: the
// files signed so far are kept and reported, the rest are reported unsigned.

import { readFileSync, existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toAppError, VanthuError } from '../../src-shared/errors';
import { FileSource } from '../services/pdf-io/file-source';
import { signPdf, LEVELS, type PadesLevel, type SignPdfOptions, type VisibleSignature } from '../../src-shared/pades/sign';
import type { PadesServices } from '../../src-shared/pades/services';
import type { AppearanceSpec, CopyForm } from '../../src-shared/appearance/index';
import type { HashAlgorithm, Signer } from '../../src-shared/sign/signer';
import { parseArgs, one, UsageError, type ParsedArgs } from './args';
import { EXIT, EXIT_HELP } from './exit-codes';
import { writeAppendedAsync } from './node-io';
import { cliServices } from './services';
import { batchStopping } from '../services/pkcs11/batch';
import { loadP12Signer, loadTokenSigner, signerCommonName } from './key';

export const SIGN_USAGE = `Usage: vanthu sign (--p12 FILE | --token-label LABEL [--pkcs11-module PATH] [--key-id HEX])
                  [--level B-B|B-T|B-LT|B-LTA] [--tsa URL]
                  [--visible signer|organisation|attachment|copy --page N --rect X,Y,W,H
                   --image PNG --seal PNG --text LINE… --title LINE… --name NAME
                   --number SO/KY-HIEU --copy-form "SAO Y"|"SAO LỤC"|"TRÍCH SAO" --agency NAME]
                  [--reason TEXT] [--location TEXT] [--hash SHA-256|SHA-384|SHA-512] [--pss] [--json]
                  (--out FILE | --out-dir DIR) IN.pdf…
The PKCS#12 password is read from VANTHU_P12_PASSWORD or prompted for; never from argv.
A token (USB PKCS#11) is chosen by --token-label (see "vanthu tokens"); --pkcs11-module uses that
driver only (default: the known drivers), --key-id the key/certificate with that CKA_ID (default:
the first signing certificate). The PIN is read from VANTHU_PIN or prompted for, once per batch.
--pss signs RSA keys with RSASSA-PSS (default PKCS#1 v1.5, what most tokens do).
--rect is in PDF points from the page's lower-left corner. For "organisation", --rect is the
signer's (ký duyệt) box the seal must overlap; without it the last visible signature on the page is used.`;

/** Files signed concurrently in a batch with a PKCS#12 key (one signer session). */
const BATCH_CONCURRENCY = 4;
/** A token signs one file at a time (its driver is serial anyway), so a batch stops right at the file where it went away. */
const TOKEN_CONCURRENCY = 1;

const SPEC = {
  flags: ['json', 'help', 'pss'],
  values: ['p12', 'pkcs11-module', 'token-label', 'key-id', 'level', 'tsa', 'visible', 'page', 'rect', 'image', 'seal', 'text', 'title', 'name', 'number', 'copy-form', 'agency', 'reason', 'location', 'out', 'out-dir', 'hash', 'field'],
};

export interface FileResult {
  input: string;
  output?: string;
  ok: boolean;
  /** Not attempted: the batch stopped before this file (token removed, hung, locked). */
  unsigned?: boolean;
  fieldName?: string;
  level?: PadesLevel;
  requestedLevel?: PadesLevel;
  pending?: string[];
  warnings?: string[];
  error?: { code: string; message_vi: string; message_en: string };
}

/** Where resources/ lives: next to the repo root of this file or of the bundle (out/cli). */
export function resourcesDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const up of ['../..', '..', '../../..']) {
    const d = resolve(here, up, 'resources');
    if (existsSync(join(d, 'fonts'))) return d;
  }
  return resolve(process.cwd(), 'resources');
}

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

/** The appearance spec for --visible, built once for the batch (the signer's box may be per file). */
function visibleFor(args: ParsedArgs, signer: Signer, signingTime: Date): VisibleSignature | undefined {
  const kind = one(args, 'visible');
  if (!kind) return undefined;
  const fontsDir = join(resourcesDir(), 'fonts');
  const fonts = {
    regular: readInput(join(fontsDir, 'LiberationSerif-Regular.ttf'), 'font'),
    bold: existsSync(join(fontsDir, 'LiberationSerif-Bold.ttf')) ? readInput(join(fontsDir, 'LiberationSerif-Bold.ttf'), 'font') : undefined,
  };
  const page = Number(one(args, 'page') ?? '1');
  if (!Number.isInteger(page) || page < 1) throw new UsageError('--page must be a page number ≥ 1');
  const rectArg = one(args, 'rect');
  const rect = rectArg ? parseRect(rectArg) : undefined;
  const text = args.values.get('text');
  let appearance: AppearanceSpec;
  switch (kind) {
    case 'signer': {
      const image = one(args, 'image');
      if (!image) throw new UsageError('--visible signer needs --image PNG');
      if (!rect) throw new UsageError('--visible signer needs --rect X,Y,W,H');
      appearance = {
        kind: 'signer',
        rect,
        signatureImage: readInput(image, 'signature image'),
        title: args.values.get('title') ?? text ?? [],
        fullName: one(args, 'name') ?? signerCommonName(signer) ?? '',
        fonts,
      };
      break;
    }
    case 'organisation': {
      const seal = one(args, 'seal');
      if (!seal) throw new UsageError('--visible organisation needs --seal PNG');
      // without --rect, signPdf finds the last visible signer signature on the page
      appearance = { kind: 'organisation', sealImage: readInput(seal, 'seal image'), signerRect: rect };
      break;
    }
    case 'attachment':
    case 'copy': {
      const number = one(args, 'number') ?? '';
      const base = { pageBox: undefined as never, documentNumber: number, signingTime, fonts, lines: text, rect } as const;
      if (kind === 'attachment') appearance = { kind: 'attachment', ...base };
      else
        appearance = {
          kind: 'copy',
          ...base,
          copyForm: (one(args, 'copy-form') ?? 'SAO Y') as CopyForm,
          copyingAgency: one(args, 'agency') ?? '',
        };
      break;
    }
    default:
      throw new UsageError(`--visible must be signer, organisation, attachment or copy (got "${kind}")`);
  }
  return { pageIndex: page - 1, appearance };
}

/** Sign one file; never throws (the error goes into the result). */
export async function signOneFile(input: string, output: string, signer: Signer, opts: SignPdfOptions, services: PadesServices, makeVisible?: (input: string) => VisibleSignature | undefined): Promise<FileResult> {
  let src: FileSource | undefined;
  try {
    try {
      if (!statSync(input).isFile()) throw new Error('not a file');
      src = FileSource.open(input);
    } catch {
      throw new VanthuError('FILE_UNREADABLE', `Không đọc được tệp: ${input}`, `Cannot read the file: ${input}`);
    }
    const visible = makeVisible ? makeVisible(input) : undefined;
    const res = await signPdf(src, signer, { ...opts, visible }, services);
    await writeAppendedAsync(input, src.length, res.appended, output);
    return { input, output, ok: true, fieldName: res.fieldName, level: res.level, requestedLevel: res.requestedLevel, pending: res.pending, warnings: res.warnings };
  } catch (e) {
    return { input, ok: false, error: toAppError(e) };
  } finally {
    src?.close();
  }
}

export async function run(argv: string[]): Promise<number> {
  let args: ParsedArgs;
  try {
    args = parseArgs(argv, SPEC);
  } catch (e) {
    process.stderr.write(`vanthu sign: ${(e as Error).message}\n${SIGN_USAGE}\n`);
    return EXIT.USAGE;
  }
  if (args.flags.has('help')) {
    process.stdout.write(`${SIGN_USAGE}\n\n${EXIT_HELP}\n`);
    return EXIT.OK;
  }
  const json = args.flags.has('json');
  const usage = (msg: string) => {
    process.stderr.write(`vanthu sign: ${msg}\n${SIGN_USAGE}\n`);
    return EXIT.USAGE;
  };
  const inputs = args.positional;
  if (inputs.length === 0) return usage('no input PDF given');
  const out = one(args, 'out');
  const outDir = one(args, 'out-dir');
  if (!!out === !!outDir) return usage('give exactly one of --out FILE or --out-dir DIR');
  if (out && inputs.length > 1) return usage('--out takes one input; use --out-dir for several');
  if (outDir && (!existsSync(outDir) || !statSync(outDir).isDirectory())) return usage(`--out-dir ${outDir} is not a directory`);
  if (outDir) {
    const names = inputs.map((i) => basename(i));
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup) return usage(`two inputs would both be written to ${join(outDir, dup)}`);
  }
  const level = (one(args, 'level') ?? 'B-B').toUpperCase() as PadesLevel;
  if (!LEVELS.includes(level)) return usage(`--level must be one of ${LEVELS.join(', ')}`);
  const tsa = one(args, 'tsa');
  if (level !== 'B-B' && !tsa) return usage(`--level ${level} needs --tsa URL`);
  const hashArg = one(args, 'hash');
  const hash = hashArg ? (hashArg.toUpperCase().replace(/^SHA-?/, 'SHA-') as HashAlgorithm) : undefined;
  if (hash && !['SHA-256', 'SHA-384', 'SHA-512'].includes(hash)) return usage('--hash must be SHA-256, SHA-384 or SHA-512');
  const p12 = one(args, 'p12');
  const tokenLabel = one(args, 'token-label');
  const useToken = tokenLabel !== undefined || one(args, 'pkcs11-module') !== undefined || one(args, 'key-id') !== undefined;
  if (p12 && useToken) return usage('give either --p12 FILE or a token (--token-label), not both');
  if (!p12 && !useToken) return usage('give --p12 FILE or --token-label LABEL (tokens: see "vanthu tokens")');
  if (useToken && !tokenLabel) return usage('--pkcs11-module and --key-id need --token-label LABEL (see "vanthu tokens")');

  let signer: Signer;
  try {
    signer = p12 ? await loadP12Signer(p12) : await loadTokenSigner(tokenLabel!, one(args, 'pkcs11-module'), one(args, 'key-id'));
  } catch (e) {
    const err = toAppError(e);
    if (json) process.stdout.write(JSON.stringify({ ok: false, error: err }) + '\n');
    process.stderr.write(`vanthu sign: ${err.message_en} (${err.code})\n`);
    return EXIT.KEY;
  }
  if (args.flags.has('pss') && signer.key.type !== 'rsa') {
    await signer.close();
    return usage('--pss needs an RSA key');
  }
  const signingTime = new Date();
  const opts: SignPdfOptions = {
    level,
    hash,
    scheme: args.flags.has('pss') ? { kind: 'rsa-pss' } : undefined,
    tsaUrl: tsa,
    reason: one(args, 'reason'),
    location: one(args, 'location'),
    fieldName: one(args, 'field'),
    signingTime,
  };
  let makeVisible: ((input: string) => VisibleSignature | undefined) | undefined;
  try {
    if (one(args, 'visible')) {
      const shared = visibleFor(args, signer, signingTime);
      makeVisible = () => shared;
    }
  } catch (e) {
    await signer.close();
    if (e instanceof UsageError) return usage(e.message);
    const err = toAppError(e);
    process.stderr.write(`vanthu sign: ${err.message_en}\n`);
    return EXIT.USAGE;
  }
  const services = cliServices();
  // a few files in flight: while one waits for the key (WebCrypto / token), the next is parsed
  const results: (FileResult | undefined)[] = new Array(inputs.length);
  let next = 0, printed = 0;
  const report = () => {
    while (printed < inputs.length && results[printed]) {
      const r = results[printed++]!;
      if (json) process.stdout.write(JSON.stringify(r) + '\n');
      else if (r.ok) process.stderr.write(`signed ${r.input} → ${r.output} (${r.fieldName}, ${r.level}${r.pending?.length ? `, pending: ${r.pending.join(', ')}` : ''})\n`);
      else if (!r.unsigned) process.stderr.write(`FAILED ${r.input}: ${r.error!.message_en} (${r.error!.code})\n`);
    }
  };
  const visible = makeVisible && ((i: string) => {
    try {
      return makeVisible!(i);
    } catch (e) {
      if (e instanceof UsageError) throw new VanthuError('VISIBLE_SPEC', e.message, e.message);
      throw e;
    }
  });
  const outputs = inputs.map((input) => (out ? resolve(out) : join(resolve(outDir!), basename(input))));
  // set when the key became unusable (token removed, hung, locked): no further file is started
  let stopped: FileResult['error'] | undefined;
  const worker = async () => {
    while (next < inputs.length && !stopped) {
      const i = next++;
      const r = await signOneFile(inputs[i], outputs[i], signer, opts, services, visible);
      if (!r.ok && batchStopping(r.error!.code)) {
        stopped ??= r.error;
        r.unsigned = true;
      }
      results[i] = r;
      report();
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(p12 ? BATCH_CONCURRENCY : TOKEN_CONCURRENCY, inputs.length) }, worker));
  } finally {
    await signer.close().catch(() => undefined);
  }
  for (let i = 0; i < inputs.length; i++) results[i] ??= { input: inputs[i], ok: false, unsigned: true, error: stopped };
  report();
  const done = results as FileResult[];
  const failed = done.filter((r) => !r.ok);
  const pending = done.filter((r) => r.ok && r.pending && r.pending.length > 0);
  if (!json && (done.length > 1 || stopped)) {
    process.stderr.write(`${done.length - failed.length} of ${done.length} signed`);
    const own = failed.filter((f) => !f.unsigned);
    if (own.length) process.stderr.write(`; failed: ${own.map((f) => `${f.input} (${f.error!.code})`).join(', ')}`);
    if (stopped) {
      const rest = failed.filter((f) => f.unsigned).map((f) => f.input);
      process.stderr.write(`; stopped: ${stopped.message_en} (${stopped.code})${rest.length ? `; not signed: ${rest.join(', ')}` : ''}`);
    }
    process.stderr.write('\n');
  }
  if (stopped) return EXIT.STOPPED;
  if (failed.length === done.length) return EXIT.ALL_FAILED;
  if (failed.length > 0) return EXIT.SOME_FAILED;
  if (pending.length > 0) return EXIT.PENDING;
  return EXIT.OK;
}
