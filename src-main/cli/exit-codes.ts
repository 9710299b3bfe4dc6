// Exit codes of the vanthu command line (also printed by `vanthu --help` and in docs/cli.md).

export const EXIT = {
  OK: 0,
  /** One or more input files failed; the others were written. The summary names the failures. */
  SOME_FAILED: 1,
  /** Bad command line. */
  USAGE: 2,
  /** The key could not be used: unreadable PKCS#12, wrong password, no private key, token not found, wrong/locked PIN. */
  KEY: 3,
  /** Every input failed. */
  ALL_FAILED: 4,
  /** Signed, but offline: a lower level than requested; run `vanthu extend` later. */
  PENDING: 5,
  /** The batch stopped because the token went away (removed, hung, locked); the files before are signed, the rest are not. */
  STOPPED: 6,
  /** Unexpected internal error. */
  INTERNAL: 70,
} as const;

export const EXIT_HELP = `Exit codes:
  0   success
  1   some input files failed (the others were written; the summary names the failed ones)
  2   usage error
  3   key problem: unreadable PKCS#12 file, wrong password, no private key; token not found,
      wrong or locked PIN (the message says how many tries remain)
  4   every input file failed
  5   signed offline at a lower level than requested (timestamp/validation data pending;
      complete later with "vanthu extend FILE --level B-LT|B-LTA")
  6   the batch stopped: the token was removed, hung or locked; files reported signed are
      complete, the others were not signed (no partial file is left)
  70  internal error`;
