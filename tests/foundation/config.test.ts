// Central configuration for deployments: a machine-wide folder set by IT staff and the user's
// profile folder; the machine-wide settings win; bad files are reported, not half-applied; the
// configured gateway is the only extra origin the renderer may reach.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src-main/services/config';
import { contentSecurityPolicy, gatewayOrigins } from '../../src-main/services/csp';

const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'vanthu-config-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  delete process.env.VANTHU_MACHINE_CONFIG_DIR;
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('deployment configuration', () => {
  it('merges the profile and machine-wide files, machine-wide winning, and finds trust folders', () => {
    const profile = tmp();
    const machine = tmp();
    process.env.VANTHU_MACHINE_CONFIG_DIR = machine;
    fs.writeFileSync(path.join(profile, 'config.json'), JSON.stringify({ tsaUrl: 'http://127.0.0.1:1/tsa', gatewayUrl: 'https://user.example.vn' }));
    fs.writeFileSync(path.join(machine, 'config.json'), JSON.stringify({ gatewayUrl: 'https://vanthu.haiduong.gov.vn/api', pkcs11Modules: ['/opt/ca/lib.so'] }));
    fs.mkdirSync(path.join(machine, 'trust'));
    const c = loadConfig(profile);
    expect(c).toMatchObject({
      tsaUrl: 'http://127.0.0.1:1/tsa',
      gatewayUrl: 'https://vanthu.haiduong.gov.vn/api',
      pkcs11Modules: ['/opt/ca/lib.so'],
      problems: [],
    });
    expect(c.trustPaths).toEqual([path.join(machine, 'trust')]);
  });

  it('reports an invalid file and ignores it whole', () => {
    const profile = tmp();
    process.env.VANTHU_MACHINE_CONFIG_DIR = tmp();
    fs.writeFileSync(path.join(profile, 'config.json'), JSON.stringify({ gatewayUrl: 'not a url', pkcs11Modules: ['/x.so'] }));
    const c = loadConfig(profile);
    expect(c.gatewayUrl).toBeUndefined();
    expect(c.pkcs11Modules).toBeUndefined();
    expect(c.problems[0]).toContain('gatewayUrl');
  });

  it('lets the renderer reach the configured gateway origin and nothing else remote', () => {
    const origins = gatewayOrigins('https://vanthu.haiduong.gov.vn/api/v1', {});
    expect(origins).toEqual(['https://vanthu.haiduong.gov.vn']);
    const csp = contentSecurityPolicy({ connectOrigins: origins });
    expect(csp).toMatch(/connect-src 'self' http:\/\/127\.0\.0\.1:\* ws:\/\/127\.0\.0\.1:\* http:\/\/localhost:\* https:\/\/vanthu\.haiduong\.gov\.vn;/);
    expect(gatewayOrigins(undefined, { VANTHU_GATEWAY_ORIGINS: 'https://a.gov.vn, javascript:alert(1)' })).toEqual(['https://a.gov.vn']);
  });
});
