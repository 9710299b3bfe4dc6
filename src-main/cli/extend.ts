// `vanthu extend FILE --level B-LT|B-LTA [--tsa URL] [--out FILE] [--json]`: complete a signed PDF
// later (after signing offline): DSS with certificates, OCSP responses and CRLs, and a document
// timestamp for B-LTA (or when a signature has no timestamp of its own). Existing signatures are
// not touched: everything goes into new incremental updates. Writes in place unless --out.

import { resolve } from 'node:path';
import { toAppError } from '../../src-shared/errors';
import { extendPdf } from '../../src-shared/pades/sign';
import { FileSource } from '../services/pdf-io/file-source';
import { nodePadesServices } from '../services/signing/node-services';
import { parseCommand, one } from './args';
import { EXIT } from './exit-codes';
import { writeAppendedAsync } from './node-io';

export const EXTEND_USAGE = `Usage: vanthu extend FILE --level B-LT|B-LTA [--tsa URL] [--out FILE] [--json]
Adds validation data (DSS) and, for B-LTA or signatures without their own timestamp, a document
timestamp. The file is replaced atomically unless --out is given.`;

export async function run(argv: string[]): Promise<number> {
  const args = parseCommand('extend', argv, { flags: ['json', 'help'], values: ['level', 'tsa', 'out'] }, EXTEND_USAGE);
  if (typeof args === 'number') return args;
  const level = (one(args, 'level') ?? '').toUpperCase();
  if (args.positional.length !== 1 || (level !== 'B-LT' && level !== 'B-LTA')) {
    process.stderr.write(`vanthu extend: give one FILE and --level B-LT or B-LTA\n${EXTEND_USAGE}\n`);
    return EXIT.USAGE;
  }
  const input = args.positional[0];
  const output = resolve(one(args, 'out') ?? input);
  const json = args.flags.has('json');
  let src: FileSource | undefined;
  try {
    src = FileSource.open(input);
    const r = await extendPdf(src, level, one(args, 'tsa'), nodePadesServices());
    await writeAppendedAsync(input, src.length, r.appended, output);
    const res = { input, output, ok: true, level: r.level, pending: r.pending, warnings: r.warnings };
    if (json) process.stdout.write(JSON.stringify(res) + '\n');
    else process.stderr.write(`extended ${input} → ${output} (${r.level}${r.pending.length ? `, pending: ${r.pending.join(', ')}` : ''})\n`);
    return r.pending.length ? EXIT.PENDING : EXIT.OK;
  } catch (e) {
    const err = toAppError(e);
    if ((e as NodeJS.ErrnoException)?.code === 'ENOENT') {
      err.code = 'FILE_UNREADABLE';
      err.message_en = `Cannot read the file: ${input}`;
      err.message_vi = `Không đọc được tệp: ${input}`;
    }
    if (json) process.stdout.write(JSON.stringify({ input, ok: false, error: err }) + '\n');
    process.stderr.write(`vanthu extend: ${err.message_en} (${err.code})\n`);
    return EXIT.ALL_FAILED;
  } finally {
    src?.close();
  }
}
