// Small HTTP helpers shared by the loopback test servers (TSA, OCSP/CRL).
import type { IncomingMessage } from 'node:http';

/** The whole request body. */
export function readBody(req: IncomingMessage): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}
