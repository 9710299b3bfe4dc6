// SoftHSM2 in a temporary directory for the token tests: its own softhsm2.conf and tokendir
// (SOFTHSM2_CONF is set for this process and inherited by the worker), tokens created with
// softhsm2-util, keys and certificates from the shared test PKI imported with pkcs11-tool.

import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestEntity } from '../../helpers/pki';

export const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so';

export interface SoftHsm { dir: string; conf: string; tokendir: string; module: string }

export function makeSoftHsm(dir: string): SoftHsm {
  const tokendir = path.join(dir, 'tokens');
  mkdirSync(tokendir, { recursive: true });
  const conf = path.join(dir, 'softhsm2.conf');
  writeFileSync(conf, `directories.tokendir = ${tokendir}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = true\n`);
  process.env.SOFTHSM2_CONF = conf;
  return { dir, conf, tokendir, module: SOFTHSM_MODULE };
}

const run = (cmd: string, args: string[], env?: NodeJS.ProcessEnv) =>
  execFileSync(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }).toString();

export function initToken(hsm: SoftHsm, label: string, pin: string, soPin = '87654321'): void {
  run('softhsm2-util', ['--init-token', '--free', '--label', label, '--pin', pin, '--so-pin', soPin], { SOFTHSM2_CONF: hsm.conf });
}

/** Import an entity's private key (as `id`, hex) and its certificate under the same CKA_ID. */
export function importEntity(hsm: SoftHsm, tokenLabel: string, pin: string, entity: TestEntity, id: string, module = hsm.module): void {
  const keyDer = path.join(hsm.dir, `${entity.name}-${id}.key.der`);
  run('openssl', ['pkey', '-in', entity.keyPemPath, '-outform', 'DER', '-out', keyDer]);
  const base = ['--module', module, '--token-label', tokenLabel, '--login', '--pin', pin, '--id', id, '--label', entity.name];
  run('pkcs11-tool', [...base, '--write-object', keyDer, '--type', 'privkey', '--usage-sign'], { SOFTHSM2_CONF: hsm.conf });
  importCertificate(hsm, tokenLabel, pin, entity.derPath, id, entity.name, module);
}

export function importCertificate(hsm: SoftHsm, tokenLabel: string, pin: string, derPath: string, id: string, label: string, module = hsm.module): void {
  run('pkcs11-tool', ['--module', module, '--token-label', tokenLabel, '--login', '--pin', pin, '--id', id, '--label', label,
    '--write-object', derPath, '--type', 'cert'], { SOFTHSM2_CONF: hsm.conf });
}
