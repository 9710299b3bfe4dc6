// Reads a secret (a token PIN, a PKCS#12 password) from the terminal without echo, for the
// command line. Works on bytes so the caller can wipe them; backspace removes a whole UTF-8
// character (Vietnamese passwords have multi-byte letters). Never prints or logs the secret.

import type { VanthuError } from '../../src-shared/errors';

export interface SecretPromptErrors {
  /** Thrown when stdin is not a terminal (say which environment variable to set instead). */
  notATerminal: () => VanthuError;
  /** Thrown on Ctrl+C. */
  cancelled: () => VanthuError;
}

export async function readSecretFromTerminal(prompt: string, errors: SecretPromptErrors): Promise<Uint8Array> {
  const stdin = process.stdin;
  if (!stdin.isTTY) throw errors.notATerminal();
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  const bytes: number[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        for (const b of chunk) {
          if (b === 0x0d || b === 0x0a) {
            stdin.off('data', onData);
            resolve();
            break;
          }
          if (b === 0x03) {
            stdin.off('data', onData);
            reject(errors.cancelled());
            break;
          }
          if (b === 0x7f || b === 0x08) {
            // drop UTF-8 continuation bytes, then the character's first byte
            while (bytes.length && (bytes[bytes.length - 1] & 0xc0) === 0x80) bytes.pop();
            bytes.pop();
          } else bytes.push(b);
        }
        chunk.fill(0);
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    process.stderr.write('\n');
  }
  const out = new Uint8Array(bytes);
  bytes.fill(0);
  return out;
}
