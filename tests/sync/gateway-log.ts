// The gateway's intent log and change feed read through the gateway's own data layer, so checks
// built on chaos-checks' GatewayLog run on either engine: from an in-process gateway
// (gatewayLogOf), or from the database of gateways running in other processes (readLogAt: a
// postgres:// URL or a SQLite file).
import type { Gateway } from '../../src-server/app';
import { openDatabase } from '../../src-server/db';
import { dbAll } from '../server/fixture';
import type { GatewayLog } from './chaos-checks';

export async function gatewayLogOf(t: { gw: Pick<Gateway, 'db'> }): Promise<GatewayLog> {
  const intents = (await dbAll<Record<string, any>>(t.gw, 'SELECT intent_id, client_id, seq, kind, outcome, result FROM intents'))
    .map((r) => ({ intentId: r.intent_id, clientId: r.client_id, seq: Number(r.seq), kind: r.kind, outcome: r.outcome, result: r.result ? JSON.parse(r.result) : null }));
  const changeSeqs = (await dbAll<{ seq: number }>(t.gw, 'SELECT seq FROM changes ORDER BY seq')).map((r) => Number(r.seq));
  return { intents, changeSeqs } as GatewayLog;
}

/** The log of the gateway database at `where`: postgres://… or the path of a gateway.sqlite. */
export async function readLogAt(where: string): Promise<GatewayLog> {
  const db = await openDatabase(where.startsWith('postgres') ? { url: where, sqliteFile: '' } : { sqliteFile: where });
  try { return await gatewayLogOf({ gw: { db } }); } finally { await db.close(); }
}
