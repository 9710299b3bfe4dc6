// `vanthu tokens [--json] [--pkcs11-module PATH]...`: which PKCS#11 modules loaded (or why not),
// the tokens present and their certificates (subject, Vietnamese identifiers, issuer, serial,
// validity, key usage), signing-capable ones first. With --pkcs11-module only the given modules
// are used, else the discovery list. Exit code 0 when at least one module loaded.

import { toAppError } from '../../src-shared/errors';
import { TokenService, type TokenCertificate } from '../services/pkcs11/index';

function parseArgs(argv: string[]): { json: boolean; modules: string[]; help: boolean } {
  const out = { json: false, modules: [] as string[], help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') out.json = true;
    else if (a === '--help' || a === '-h') out.help = true;
    else if (a === '--pkcs11-module') out.modules.push(argv[++i] ?? '');
    else if (a.startsWith('--pkcs11-module=')) out.modules.push(a.slice('--pkcs11-module='.length));
    else throw new Error(`unknown argument ${a}`);
  }
  return out;
}

const certJson = (c: TokenCertificate) => ({
  keyId: c.keyId, label: c.label, privateKey: c.privateKey, ...c.info,
});

export async function run(argv: string[]): Promise<number> {
  let args;
  try { args = parseArgs(argv); } catch (e) {
    process.stderr.write(`${(e as Error).message}\nUsage: vanthu tokens [--json] [--pkcs11-module PATH]\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write('Usage: vanthu tokens [--json] [--pkcs11-module PATH]...\nLiệt kê trình điều khiển, thiết bị ký số và chứng thư số / Lists PKCS#11 modules, tokens and certificates.\n');
    return 0;
  }
  // An explicit --pkcs11-module means exactly those modules; otherwise full discovery.
  const service = new TokenService({ modules: args.modules, builtinModules: args.modules.length === 0, idleLogoutMs: 0 });
  try {
    const modules = await service.modules();
    const tokens = await service.listTokens();
    const withCerts = [];
    for (const t of tokens) {
      let certificates: TokenCertificate[] = [];
      let error;
      try { certificates = await service.listCertificates(t); } catch (e) { error = toAppError(e); }
      withCerts.push({ token: t, certificates, error });
    }
    if (args.json) {
      process.stdout.write(JSON.stringify({
        modules,
        moduleListProblems: service.moduleListProblems,
        tokens: withCerts.map(({ token, certificates, error }) => ({ ...token, certificates: certificates.map(certJson), error })),
      }, null, 2) + '\n');
    } else {
      const w = (s: string) => process.stdout.write(s + '\n');
      w('Trình điều khiển PKCS#11 / PKCS#11 modules:');
      if (!modules.length) w('  (không tìm thấy / none found)');
      for (const m of modules) {
        w(`  [${m.loaded ? 'OK ' : 'LỖI'}] ${m.path} — ${m.vendor} (${m.source})${m.loaded ? ` ${m.info?.manufacturer ?? ''} ${m.info?.libraryVersion ?? ''}` : `: ${m.reason}`}`);
      }
      w('Thiết bị ký số / Tokens:');
      if (!tokens.length) w('  (không có thiết bị nào / none present)');
      for (const { token: t, certificates, error } of withCerts) {
        w(`  "${t.label}" — ${t.manufacturer} ${t.model}, số sê-ri/serial ${t.serial}, PIN: ${t.pin.remaining}${t.protectedAuthPath ? ', PIN pad' : ''}`);
        if (error) w(`    lỗi/error: ${error.message_vi} / ${error.message_en}`);
        for (const c of certificates) {
          const i = c.info;
          const ids = Object.entries(i.identifiers).map(([k, v]) => `${k.toUpperCase()}:${v}`).join(' ');
          w(`    • [${c.keyId}] ${i.subject.cn ?? i.subject.dn}${i.subject.o ? ` — ${i.subject.o}` : ''}${ids ? ` (${ids})` : ''}`);
          w(`      cấp bởi/issuer: ${i.issuer.cn ?? i.issuer.dn}; serial ${i.serialNumber}; ${i.notBefore.slice(0, 10)} → ${i.notAfter.slice(0, 10)}; ${i.key.type.toUpperCase()}-${i.key.bits}; KU: ${i.keyUsage?.join(',') ?? '-'}${i.isCa ? ' (CA)' : ''}`);
          for (const warn of i.warnings) w(`      ! ${warn.message_vi} / ${warn.message_en}`);
        }
      }
    }
    return modules.some((m) => m.loaded) ? 0 : 1;
  } catch (e) {
    const err = toAppError(e);
    process.stderr.write(`${err.message_vi}\n${err.message_en}\n`);
    return 1;
  } finally {
    await service.close();
  }
}
