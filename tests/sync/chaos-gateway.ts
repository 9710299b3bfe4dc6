// Child-process gateway for the chaos test, so it can be killed with SIGKILL and restarted on the
// same port and data dir. Prints "READY <url>" once listening.
import { startGateway } from '../../src-server/app';
import { seedDemo } from '../../src-server/seed';
import { TEST_PASSWORD, dbGet } from '../server/fixture';

const dataDir = process.env.CHAOS_DATA_DIR!;
const port = Number(process.env.CHAOS_PORT ?? 0);
const gw = await startGateway({ dataDir, port, rateLimitPerMinute: 1_000_000 });
if (!(await dbGet(gw, 'SELECT 1 FROM users LIMIT 1'))) await seedDemo(gw.db, { password: TEST_PASSWORD });
process.stdout.write(`READY ${gw.url}\n`);
