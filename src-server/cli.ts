// `npm run server` — starts the reference gateway on 127.0.0.1 with embedded defaults;
// `npm run server -- seed` creates the demo province and prints its logins.
// Environment: VANTHU_SERVER_DIR (data dir, default ./.vanthu-server), VANTHU_SERVER_PORT (default 8787),
// VANTHU_TRUST_PROXY (behind a reverse proxy: `true`, a hop count, or comma-separated proxy addresses /
// CIDRs, so each client's X-Forwarded-For address is what the rate limits count; default: not trusted),
// VANTHU_DATABASE_URL (postgres://… : PostgreSQL shared by several nodes; default: SQLite in the data dir),
// VANTHU_DB_POOL_MAX (PostgreSQL connections per node, default 10),
// VANTHU_RATE_LIMIT_PER_MINUTE (requests per minute per user, default 600), VANTHU_LOGIN_RATE_LIMIT_PER_MINUTE
// (login attempts per minute per client address, default 300; raise it when many users share one address),
// VANTHU_FILES_DIR (the shared file store folder; default: the data dir), or for S3-compatible storage
// VANTHU_S3_BUCKET with VANTHU_S3_ENDPOINT, VANTHU_S3_REGION, VANTHU_S3_PREFIX (credentials come from
// the AWS SDK's usual sources: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, profile, instance role),
// VANTHU_LOG_LEVEL (pino level, default info; logs are JSON lines on stdout, secrets redacted).
import path from 'node:path';
import { buildGateway, startGateway, type GatewayOptions } from './app';
import { seedDemo } from './seed';
import { gatewayLogger } from './log';
import { ROLE_LABEL } from '../src-shared/domain/levels';

const env = process.env;
const dataDir = path.resolve(env.VANTHU_SERVER_DIR ?? '.vanthu-server');
const port = Number(env.VANTHU_SERVER_PORT ?? 8787);
const cmd = process.argv[2] ?? 'start';

function trustProxy(v: string | undefined): GatewayOptions['trustProxy'] {
  const t = (v ?? '').trim();
  if (t === '' || t === 'false') return false;
  if (t === 'true') return true;
  if (/^\d+$/.test(t)) return Number(t);
  return t.split(',').map((a) => a.trim()).filter(Boolean);
}

const common: GatewayOptions = {
  dataDir,
  databaseUrl: env.VANTHU_DATABASE_URL || undefined,
  pool: { max: env.VANTHU_DB_POOL_MAX ? Number(env.VANTHU_DB_POOL_MAX) : undefined },
  rateLimitPerMinute: env.VANTHU_RATE_LIMIT_PER_MINUTE ? Number(env.VANTHU_RATE_LIMIT_PER_MINUTE) : undefined,
  loginRateLimitPerMinute: env.VANTHU_LOGIN_RATE_LIMIT_PER_MINUTE ? Number(env.VANTHU_LOGIN_RATE_LIMIT_PER_MINUTE) : undefined,
  files: env.VANTHU_S3_BUCKET
    ? { s3: { bucket: env.VANTHU_S3_BUCKET, endpoint: env.VANTHU_S3_ENDPOINT, region: env.VANTHU_S3_REGION, prefix: env.VANTHU_S3_PREFIX } }
    : { dir: env.VANTHU_FILES_DIR ? path.resolve(env.VANTHU_FILES_DIR) : dataDir },
};
/** Where the data is, for messages: never the database URL's password. */
const where = common.databaseUrl ? common.databaseUrl.replace(/\/\/[^@/]*@/, '//***@') : dataDir;

try {
  if (cmd === 'seed') {
    const g = await buildGateway(common);
    const logins = await seedDemo(g.db);
    if (logins.length === 0) console.log(`Đã có dữ liệu trong ${where}; không tạo lại. / Already seeded.`);
    else {
      console.log(`Tỉnh mẫu đã tạo trong ${where} / Demo province created:\n`);
      for (const l of logins) console.log(`  ${l.username.padEnd(24)} ${l.password.padEnd(14)} ${ROLE_LABEL[l.role].padEnd(16)} ${l.orgName}`);
      console.log('\nMật khẩu chỉ hiển thị một lần. / Passwords are shown only once.');
    }
    await g.close();
  } else if (cmd === 'start') {
    const g = await startGateway({ ...common, port, host: '127.0.0.1', trustProxy: trustProxy(env.VANTHU_TRUST_PROXY), logger: gatewayLogger() });
    const { n } = await g.db.k.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    console.log(`Văn thư số gateway: ${g.url}  (data: ${where}, ${g.db.engine}; OpenAPI: ${g.url}/openapi.json)`);
    if (Number(n) === 0) console.log('Chưa có người dùng: chạy `npm run server -- seed`. / No users yet: run `npm run server -- seed`.');
    const stop = async () => { await g.close(); process.exit(0); };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  } else {
    console.error('Usage: npm run server [-- start|seed]');
    process.exit(2);
  }
} catch (e) {
  // A database too new for this code, or unreachable at start: one clear line, no stack, exit 1.
  console.error(`Văn thư số gateway: ${(e as Error).message}`);
  process.exit(1);
}
