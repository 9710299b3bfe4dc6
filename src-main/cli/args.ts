// Tiny argv parser for the vanthu subcommands: --flag, --key value, --key=value, repeatable keys,
// positional arguments; unknown options are usage errors (exit code 2).

import { EXIT, EXIT_HELP } from './exit-codes';

export class UsageError extends Error {}

export interface ParsedArgs {
  flags: Set<string>;
  values: Map<string, string[]>;
  positional: string[];
}

export function parseArgs(argv: string[], spec: { flags: string[]; values: string[] }): ParsedArgs {
  const out: ParsedArgs = { flags: new Set(), values: new Map(), positional: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      out.positional.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('--') || a === '-') {
      if (a === '-h') out.flags.add('help');
      else out.positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const key = a.slice(2, eq > 0 ? eq : undefined);
    if (spec.flags.includes(key)) {
      if (eq > 0) throw new UsageError(`option --${key} takes no value`);
      out.flags.add(key);
    } else if (spec.values.includes(key)) {
      let v: string | undefined;
      if (eq > 0) v = a.slice(eq + 1);
      else v = argv[++i];
      if (v === undefined) throw new UsageError(`option --${key} needs a value`);
      const list = out.values.get(key) ?? [];
      list.push(v);
      out.values.set(key, list);
    } else throw new UsageError(`unknown option --${key}`);
  }
  return out;
}

export const one = (p: ParsedArgs, key: string): string | undefined => {
  const v = p.values.get(key);
  return v ? v[v.length - 1] : undefined;
};

/**
 * Parse a subcommand's argv. On a bad command line prints the problem and the usage and returns
 * EXIT.USAGE; on --help prints the usage and the exit codes and returns EXIT.OK.
 */
export function parseCommand(cmd: string, argv: string[], spec: { flags: string[]; values: string[] }, usage: string): ParsedArgs | number {
  let args: ParsedArgs;
  try {
    args = parseArgs(argv, spec);
  } catch (e) {
    process.stderr.write(`vanthu ${cmd}: ${(e as Error).message}\n${usage}\n`);
    return EXIT.USAGE;
  }
  if (args.flags.has('help')) {
    process.stdout.write(`${usage}\n\n${EXIT_HELP}\n`);
    return EXIT.OK;
  }
  return args;
}
