// Signing in to the gateway: stores the server URL and the session (token, expiry, user) in the
// profile's store. The password is sent once and never stored or logged.
import { GatewayClient, type FetchLike } from './http';
import { loginResponse, orgsResponse } from './protocol';
import type { LocalStore } from './store';
import type { Session } from './engine';
import { VanthuError } from '../errors';

export function normaliseServerUrl(url: string): string {
  const u = url.trim().replace(/\/+$/, '');
  if (!/^https?:\/\/[^\s/]+(:\d+)?(\/[^\s]*)?$/i.test(u))
    throw new VanthuError('SERVER_URL_INVALID', 'Địa chỉ máy chủ không hợp lệ (ví dụ http://127.0.0.1:8787).', 'Invalid server URL (e.g. http://127.0.0.1:8787).');
  return u;
}

export async function signIn(store: LocalStore, fetch: FetchLike, serverUrl: string, username: string, password: string): Promise<Session> {
  const url = normaliseServerUrl(serverUrl);
  const client = new GatewayClient(fetch, url);
  const s = await client.json('POST', '/v1/auth/login', loginResponse, { username, password });
  const prev = await store.getKv<Session>('session');
  if (prev && prev.user.id !== s.user.id) {
    // One profile belongs to one user: a different account needs a different profile, so the
    // outbox never pushes one person's intents under another's session.
    const pending = await store.db.outbox.count();
    if (pending > 0) throw new VanthuError('PROFILE_OTHER_USER', 'Hồ sơ này còn thay đổi chưa đồng bộ của người dùng khác.', 'This profile still holds unsynced changes of another user.');
  }
  await store.setKv('serverUrl', url);
  await store.setKv('session', s);
  // The organisation tree, kept for choosing recipients while offline.
  try {
    client.token = s.token;
    await store.setKv('orgs', (await client.json('GET', '/v1/orgs', orgsResponse)).orgs);
  } catch { /* optional: the recipient list stays as it was */ }
  return s;
}

export async function signOut(store: LocalStore, fetch: FetchLike): Promise<void> {
  const s = await store.getKv<Session>('session');
  const url = await store.getKv<string>('serverUrl');
  if (s && url) { try { await new GatewayClient(fetch, url, s.token).raw('POST', '/v1/auth/logout'); } catch { /* offline: token expires anyway */ } }
  await store.db.kv.delete('session');
}
