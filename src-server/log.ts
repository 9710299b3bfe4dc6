// Structured logs (pino, JSON lines). Nothing secret is written: Fastify's request serializer logs
// method, URL, host and address only (never headers or bodies), and these paths are redacted in
// case a log call passes a request, a body or an error carrying one: authorization headers (bearer
// tokens), passwords, PINs and session tokens.
import pino, { type LoggerOptions } from 'pino';

export const LOG_REDACT: LoggerOptions['redact'] = {
  paths: [
    'req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'authorization',
    'password', 'pin', 'token', 'pw_hash', 'pwHash',
    '*.password', '*.pin', '*.token', '*.pw_hash', '*.pwHash', '*.authorization',
    'body.password', 'body.pin', 'req.body.password', 'req.body.pin',
  ],
  censor: '[redacted]',
};

/** The gateway's logger: info and up to stdout (or `dest`), secrets redacted. */
export function gatewayLogger(level = process.env.VANTHU_LOG_LEVEL ?? 'info', dest?: pino.DestinationStream) {
  return pino({ level, redact: LOG_REDACT, base: { svc: 'vanthu-gateway', pid: process.pid } }, dest);
}
