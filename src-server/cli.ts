// `npm run server` — starts the reference gateway on 127.0.0.1 with embedded defaults;
// `npm run server -- seed` creates the demo province and prints its logins.
// Environment: VANTHU_SERVER_DIR (data dir, default ./.vanthu-server), VANTHU_SERVER_PORT (default 8787),
// VANTHU_TRUST_PROXY (behind a reverse proxy: `true`, a hop count, or comma-separated proxy addresses /
// CIDRs, so each client's X-Forwarded-For address is what the rate limits count; default: not trusted).
import path from 'node:path';
import { buildGateway, startGateway, type GatewayOptions } from './app';
import { seedDemo } from './seed';
import { ROLE_LABEL } from '../src-shared/domain/levels';

const dataDir = path.resolve(process.env.VANTHU_SERVER_DIR ?? '.vanthu-server');
const port = Number(process.env.VANTHU_SERVER_PORT ?? 8787);
const cmd = process.argv[2] ?? 'start';

function trustProxy(v: string | undefined): GatewayOptions['trustProxy'] {
  const t = (v ?? '').trim();
  if (t === '' || t === 'false') return false;
  if (t === 'true') return true;
  if (/^\d+$/.test(t)) return Number(t);
  return t.split(',').map((a) => a.trim()).filter(Boolean);
}

if (cmd === 'seed') {
  const g = await buildGateway({ dataDir });
  const logins = await seedDemo(g.db);
  if (logins.length === 0) console.log(`Đã có dữ liệu trong ${dataDir}; không tạo lại. / Already seeded.`);
  else {
    console.log(`Tỉnh mẫu đã tạo trong ${dataDir} / Demo province created:\n`);
    for (const l of logins) console.log(`  ${l.username.padEnd(24)} ${l.password.padEnd(14)} ${ROLE_LABEL[l.role].padEnd(16)} ${l.orgName}`);
    console.log('\nMật khẩu chỉ hiển thị một lần. / Passwords are shown only once.');
  }
  await g.close();
} else if (cmd === 'start') {
  const g = await startGateway({ dataDir, port, host: '127.0.0.1', trustProxy: trustProxy(process.env.VANTHU_TRUST_PROXY) });
  const users = (g.db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n;
  console.log(`Văn thư số gateway: ${g.url}  (data: ${dataDir}, OpenAPI: ${g.url}/openapi.json)`);
  if (users === 0) console.log('Chưa có người dùng: chạy `npm run server -- seed`. / No users yet: run `npm run server -- seed`.');
  const stop = async () => { await g.close(); process.exit(0); };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} else {
  console.error('Usage: npm run server [-- start|seed]');
  process.exit(2);
}
