// A tiny event log for the token service: JSON lines appended to a file (VANTHU_PKCS11_LOG or
// an explicit path) or dropped. Callers pass only non-secret fields; `scrub` drops any field
// whose name looks like a PIN or password as a second line of defence.

import { appendFileSync } from 'node:fs';

export type LogFn = (event: string, fields?: Record<string, unknown>) => void;

const SECRET = /pin|pass|secret|puk/i;

function scrub(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (SECRET.test(k) && !/^pin(State|Remaining)$/.test(k)) continue;
    out[k] = v instanceof Uint8Array ? `<${v.length} bytes>` : v;
  }
  return out;
}

export function fileLogger(file: string): LogFn {
  return (event, fields = {}) => {
    try {
      appendFileSync(file, JSON.stringify({ t: new Date().toISOString(), event, ...scrub(fields) }) + '\n');
    } catch { /* logging never breaks signing */ }
  };
}

export const noLog: LogFn = () => {};

export function defaultLogger(env: NodeJS.ProcessEnv = process.env): LogFn {
  return env.VANTHU_PKCS11_LOG ? fileLogger(env.VANTHU_PKCS11_LOG) : noLog;
}
