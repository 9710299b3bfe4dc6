// A CRL of national-CA size (20 000 entries, made by `openssl ca -gencrl`) is parsed with the
// light TLV walker and used for revocation: the listed certificate is revoked, another is good.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseCrl, validatePath } from '../../src-shared/pki';

describe('large CRL', () => {
  it('finds the revoked certificate among 20 000 entries and passes an unlisted one', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vanthu-pki-bigcrl-'));
    const o = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    writeFileSync(path.join(dir, 'ca.ext'), 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n');
    o(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-subj', '/C=VN/CN=CA lớn', '-utf8', '-days', '30', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    for (const n of ['a', 'b']) {
      o(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${n}.key`, '-out', `${n}.csr`, '-subj', `/C=VN/CN=${n}`]);
      o(['x509', '-req', '-in', `${n}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', n === 'a' ? '0x0A0B0C0D' : '0x0E0F1011', '-days', '10', '-out', `${n}.pem`]);
    }
    const lines: string[] = [];
    for (let i = 0; i < 20_000; i++) lines.push(`R\t301231000000Z\t250101000000Z,keyCompromise\t${(0x20000000 + i * 7).toString(16).toUpperCase()}\tunknown\t/CN=x${i}`);
    lines.splice(12_345, 0, 'R\t301231000000Z\t250301000000Z,superseded\t0A0B0C0D\tunknown\t/CN=a');
    writeFileSync(path.join(dir, 'index.txt'), lines.join('\n') + '\n');
    writeFileSync(path.join(dir, 'crlnumber'), '01\n');
    writeFileSync(path.join(dir, 'cnf'), `[ca]\ndefault_ca=d\n[d]\ndatabase=${dir}/index.txt\ncrlnumber=${dir}/crlnumber\ndefault_md=sha256\ndefault_crl_days=30\n`);
    o(['ca', '-gencrl', '-config', 'cnf', '-keyfile', 'ca.key', '-cert', 'ca.pem', '-out', 'crl.pem']);
    const crl = new Uint8Array(o(['crl', '-in', 'crl.pem', '-outform', 'DER']));
    const der = (f: string) => new Uint8Array(o(['x509', '-in', f, '-outform', 'DER']));
    expect(parseCrl(crl).entries.size).toBe(20_001);
    const opts = { intermediates: [], anchors: [der('ca.pem')], time: new Date(), revocation: { mode: 'offline' as const, crls: [crl] } };
    const a = await validatePath(der('a.pem'), opts);
    expect(a.status).toBe('INVALID');
    expect(a.revocation?.[0]).toMatchObject({ status: 'revoked', reasonCode: 4, revokedAt: new Date('2025-03-01T00:00:00Z') });
    const b = await validatePath(der('b.pem'), opts);
    expect(b.status).toBe('VALID');
  });
});
