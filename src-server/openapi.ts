// OpenAPI 3.1 description of the gateway, generated from the shared zod protocol schemas.
import { z } from 'zod';
import * as P from '../src-shared/sync/protocol';

const json = (s: z.ZodType) => ({ 'application/json': { schema: z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) } });
const err = { description: 'Error', content: json(P.errorBody) };
const ok = (s: z.ZodType, description = 'OK') => ({ description, content: json(s) });
const bearer = [{ bearer: [] as string[] }];
const shaParam = { name: 'sha', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9a-f]{64}$' } };

export function buildOpenApi() {
  return {
    openapi: '3.1.0',
    info: { title: 'Văn thư số — provincial sync gateway', version: '1.0.0', description: 'Offline-first sync of Decree 30 documents: exactly-once intents, pull by cursor, resumable uploads addressed by SHA-256.' },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    paths: {
      '/health': { get: { summary: 'Liveness', responses: { 200: { description: 'OK' } } } },
      [`${P.API_PREFIX}/auth/login`]: { post: { summary: 'Sign in; returns a session token', requestBody: { content: json(P.loginRequest) }, responses: { 200: ok(P.loginResponse), 400: err, 401: err, 429: err } } },
      [`${P.API_PREFIX}/auth/logout`]: { post: { summary: 'Revoke this session', security: bearer, responses: { 200: { description: 'OK' }, 401: err } } },
      [`${P.API_PREFIX}/me`]: { get: { summary: 'Current user', security: bearer, responses: { 200: ok(z.object({ user: P.userInfo })), 401: err } } },
      [`${P.API_PREFIX}/orgs`]: { get: { summary: 'Organisation tree (for choosing recipients)', security: bearer, responses: { 200: ok(P.orgsResponse), 401: err } } },
      [`${P.API_PREFIX}/admin/revoke`]: { post: { summary: 'Revoke all sessions of a user in the admin\'s subtree', security: bearer, requestBody: { content: json(P.revokeRequest) }, responses: { 200: { description: 'OK' }, 403: err } } },
      [`${P.API_PREFIX}/push`]: { post: { summary: 'Push outbox intents; each applied exactly once per (clientId, seq)', security: bearer, requestBody: { content: json(P.pushRequest) }, responses: { 200: ok(P.pushResponse), 400: err, 401: err, 403: err, 413: err } } },
      [`${P.API_PREFIX}/changes`]: { get: { summary: 'Documents changed after a cursor, for the caller\'s organisation', security: bearer,
        parameters: [{ name: 'after', in: 'query', schema: { type: 'integer', minimum: 0 } }, { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000 } }],
        responses: { 200: ok(P.changesResponse), 401: err } } },
      [`${P.API_PREFIX}/uploads`]: { post: { summary: 'Start or resume an upload; returns the offset to continue from', security: bearer, requestBody: { content: json(P.uploadStart) }, responses: { 200: ok(P.uploadState), 400: err, 413: err } } },
      [`${P.API_PREFIX}/uploads/{sha}`]: {
        get: { summary: 'Upload state (offset)', security: bearer, parameters: [shaParam], responses: { 200: ok(P.uploadState), 404: err } },
        put: { summary: `Append a chunk (≤ ${P.MAX_CHUNK_BYTES} bytes) at ?offset=`, security: bearer, parameters: [shaParam, { name: 'offset', in: 'query', required: true, schema: { type: 'integer', minimum: 0 } }],
          requestBody: { content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } }, responses: { 200: ok(P.uploadState), 409: err, 413: err } },
      },
      [`${P.API_PREFIX}/uploads/{sha}/finalize`]: { post: { summary: 'Verify SHA-256 and store; a mismatch stores nothing (422)', security: bearer, parameters: [shaParam], responses: { 200: ok(P.uploadState), 409: err, 422: err } } },
      [`${P.API_PREFIX}/files/{sha}`]: { get: { summary: 'Download a file version visible to the caller\'s organisation', security: bearer, parameters: [shaParam], responses: { 200: { description: 'File bytes', content: { 'application/octet-stream': {} } }, 404: err } } },
    },
  };
}
