// The `vanthu` command line dispatcher: `vanthu <command> [args]`. Each command module exports
// `run(argv): Promise<number>` (the exit code), loaded only when its command is run (a plain
// `sign` never loads the verification or token code). `tokens` and `verify` belong to other areas.

import { EXIT, EXIT_HELP } from './exit-codes';

const VERSION = '0.1.0';

export const HELP = `vanthu — Văn thư số command line (ký số PAdES, kiểm tra chữ ký, thiết bị ký)

Usage: vanthu <command> [options]

Commands:
  sign     sign PDFs (PKCS#12 file or USB token), PAdES B-B | B-T | B-LT | B-LTA, invisible or visible (Decree 30)
  extend   add validation data / document timestamp to a signed PDF (after signing offline)
  verify   verify the signatures of PDFs
  tokens   list PKCS#11 modules, tokens and certificates

Run "vanthu <command> --help" for the options of a command.

${EXIT_HELP}
`;

type Runner = (argv: string[]) => Promise<number>;

/**
 * End the process with `code` now that the command is done (every output renamed into place, the
 * signer closed, helper threads and child processes stopped). process.exit skips tearing down the
 * heap and the isolate, which a natural exit does (several milliseconds). Only when stdout and
 * stderr hold no unwritten data (they can be asynchronous pipes on some systems); otherwise the
 * process ends by itself once they are flushed.
 */
export function finish(code: number): void {
  process.exitCode = code;
  if (process.stdout.writableLength === 0 && process.stderr.writableLength === 0) process.exit(code);
}

async function load(cmd: string): Promise<Runner | null> {
  switch (cmd) {
    case 'sign':
      return (await import('./sign')).run;
    case 'extend':
      return (await import('./extend')).run;
    case 'tokens':
      return (await import('./tokens')).run;
    case 'verify':
      return (await import('./verify')).run;
    default:
      return null;
  }
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    process.stdout.write(HELP);
    return cmd ? EXIT.OK : EXIT.USAGE;
  }
  if (cmd === '--version' || cmd === '-v') {
    process.stdout.write(`vanthu ${VERSION}\n`);
    return EXIT.OK;
  }
  const run = await load(cmd);
  if (!run) {
    process.stderr.write(`vanthu: unknown or unavailable command "${cmd}"\n\n${HELP}`);
    return EXIT.USAGE;
  }
  try {
    return await run(rest);
  } catch (e) {
    process.stderr.write(`vanthu ${cmd}: internal error: ${(e as Error)?.message ?? String(e)}\n`);
    return EXIT.INTERNAL;
  }
}
