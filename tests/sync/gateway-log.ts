// The gateway's intent log and change feed read through the gateway's own data layer, so checks
// built on chaos-checks' GatewayLog run on either engine (readGatewayLog opens the SQLite file).
import { dbAll, type TestGateway } from '../server/fixture';
import type { GatewayLog } from './chaos-checks';

export async function gatewayLogOf(t: Pick<TestGateway, 'gw'>): Promise<GatewayLog> {
  const intents = (await dbAll<Record<string, any>>(t.gw, 'SELECT intent_id, client_id, seq, kind, outcome, result FROM intents'))
    .map((r) => ({ intentId: r.intent_id, clientId: r.client_id, seq: Number(r.seq), kind: r.kind, outcome: r.outcome, result: r.result ? JSON.parse(r.result) : null }));
  const changeSeqs = (await dbAll<{ seq: number }>(t.gw, 'SELECT seq FROM changes ORDER BY seq')).map((r) => Number(r.seq));
  return { intents, changeSeqs } as GatewayLog;
}
