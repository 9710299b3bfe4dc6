// Unit tests for the PKI building blocks that PKITS alone does not pin: name comparison and
// name-constraint matching per form, permitted-subtree layering, the policy tree (mapping,
// anyPolicy expansion, inhibit mapping, initial-set intersection), CRL scope/reasons, robustness.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { encOid, tlv } from '../../src-shared/pki/der';
import { type Name, nameEqual, nameWithin, parseNameDer } from '../../src-shared/pki/names';
import {
  addConstraints, checkNameConstraints, dnsMatches, emailMatches, emptyConstraints, ipMatches, uriMatches,
} from '../../src-shared/pki/nameconstraints';
import { ANY_POLICY, applyMappings, intersectWithInitial, leafPolicies, newTree, processCertPolicies } from '../../src-shared/pki/policy';
import type { ParsedCert } from '../../src-shared/pki/cert';
import { parseCert } from '../../src-shared/pki/cert';
import { crlScopeMatches, interimReasons, parseCrl } from '../../src-shared/pki/crl';
import { validatePath } from '../../src-shared/pki';

const te = new TextEncoder();
const str = (tag: number, s: string) => tlv(tag, te.encode(s));
const PRINTABLE = 0x13;
const UTF8 = 0x0c;
function dn(...rdns: [string, number, string][]): Name {
  const der = tlv(0x30, ...rdns.map(([oid, tag, v]) => tlv(0x31, tlv(0x30, encOid(oid), str(tag, v)))));
  return parseNameDer(der);
}
const C = '2.5.4.6', O = '2.5.4.10', OU = '2.5.4.11', CN = '2.5.4.3';

describe('distinguished name comparison (RFC 5280 §7.1)', () => {
  it('treats names differing only in case, surrounding and repeated spaces, or string type as equal', () => {
    const a = dn([C, PRINTABLE, 'VN'], [O, UTF8, 'Ban Cơ yếu  Chính phủ'], [CN, UTF8, 'Nguyễn Văn An']);
    const b = dn([C, PRINTABLE, 'vn'], [O, UTF8, ' ban cơ yếu chính phủ '], [CN, UTF8, 'NGUYỄN VĂN AN']);
    expect(nameEqual(a, b)).toBe(true);
    const p = dn([C, PRINTABLE, 'US'], [O, PRINTABLE, 'Test Certificates 2011']);
    const u = dn([C, UTF8, 'US'], [O, UTF8, 'Test Certificates 2011']);
    expect(nameEqual(p, u)).toBe(true);
  });
  it('distinguishes different values and different RDN order', () => {
    expect(nameEqual(dn([C, PRINTABLE, 'VN'], [O, UTF8, 'A']), dn([C, PRINTABLE, 'VN'], [O, UTF8, 'B']))).toBe(false);
    expect(nameEqual(dn([C, PRINTABLE, 'VN'], [O, UTF8, 'A']), dn([O, UTF8, 'A'], [C, PRINTABLE, 'VN']))).toBe(false);
  });
  it('matches a subtree only by whole leading RDNs', () => {
    const base = dn([C, PRINTABLE, 'VN'], [O, UTF8, 'UBND tỉnh Hải Phòng']);
    expect(nameWithin(dn([C, PRINTABLE, 'VN'], [O, UTF8, 'UBND tỉnh Hải Phòng'], [OU, UTF8, 'Văn phòng']), base)).toBe(true);
    expect(nameWithin(dn([C, PRINTABLE, 'VN'], [O, UTF8, 'UBND tỉnh Hải Phòng 2']), base)).toBe(false);
    expect(nameWithin(dn([C, PRINTABLE, 'VN']), base)).toBe(false);
  });
});

describe('name constraint forms', () => {
  it('dNSName: the domain and its subdomains, never a suffix that is not a label boundary', () => {
    expect(dnsMatches('host.example.com', 'example.com')).toBe(true);
    expect(dnsMatches('EXAMPLE.com', 'example.COM')).toBe(true);
    expect(dnsMatches('badexample.com', 'example.com')).toBe(false);
    expect(dnsMatches('example.com', '.example.com')).toBe(false);
    expect(dnsMatches('anything.vn', '')).toBe(true);
  });
  it('rfc822Name: mailbox, host, or any host in a domain (leading dot)', () => {
    expect(emailMatches('an@mail.gov.vn', '.gov.vn')).toBe(true);
    expect(emailMatches('an@gov.vn', '.gov.vn')).toBe(false);
    expect(emailMatches('an@gov.vn', 'gov.vn')).toBe(true);
    expect(emailMatches('an@sub.gov.vn', 'gov.vn')).toBe(false);
    expect(emailMatches('an@GOV.vn', 'an@gov.vn')).toBe(true);
    expect(emailMatches('An@gov.vn', 'an@gov.vn')).toBe(false);
  });
  it('URI: constraint applies to the host part; URIs without a host never match', () => {
    expect(uriMatches('https://dichvucong.gov.vn:443/x?y', '.gov.vn')).toBe(true);
    expect(uriMatches('https://gov.vn/', '.gov.vn')).toBe(false);
    expect(uriMatches('https://gov.vn/', 'gov.vn')).toBe(true);
    expect(uriMatches('https://user@gov.vn/', 'gov.vn')).toBe(true);
    expect(uriMatches('urn:isbn:0451450523', 'gov.vn')).toBe(false);
  });
  it('iPAddress: address within network/mask, IPv4 vs IPv6 never mixed', () => {
    const net = new Uint8Array([192, 168, 1, 0, 255, 255, 255, 0]);
    expect(ipMatches(new Uint8Array([192, 168, 1, 77]), net)).toBe(true);
    expect(ipMatches(new Uint8Array([192, 168, 2, 77]), net)).toBe(false);
    expect(ipMatches(new Uint8Array(16), net)).toBe(false);
  });
  it('permitted subtrees of successive CAs intersect; excluded subtrees accumulate', () => {
    let s = emptyConstraints();
    s = addConstraints(s, { permitted: [{ base: { kind: 'dns', value: 'gov.vn' } }] });
    s = addConstraints(s, { permitted: [{ base: { kind: 'dns', value: 'haiphong.gov.vn' } }], excluded: [{ base: { kind: 'dns', value: 'test.haiphong.gov.vn' } }] });
    expect(checkNameConstraints(s, [{ kind: 'dns', value: 'vp.haiphong.gov.vn' }])).toBeUndefined();
    expect(checkNameConstraints(s, [{ kind: 'dns', value: 'hanoi.gov.vn' }])?.kind).toBe('not-permitted');
    expect(checkNameConstraints(s, [{ kind: 'dns', value: 'a.test.haiphong.gov.vn' }])?.kind).toBe('excluded');
    // a form without constraints is unconstrained
    expect(checkNameConstraints(s, [{ kind: 'rfc822', value: 'x@example.com' }])).toBeUndefined();
  });
});

function fakeCert(p: Partial<ParsedCert>): ParsedCert {
  return { extensions: new Map(), ocspUrls: [], ...p } as ParsedCert;
}
const P1 = '2.16.840.1.101.3.2.1.48.1', P2 = '2.16.840.1.101.3.2.1.48.2', P3 = '2.16.840.1.101.3.2.1.48.3';

describe('policy tree (RFC 5280 §6.1.3–6.1.5)', () => {
  it('follows a mapping P1→P2 and reports the authority-domain policy at the end', () => {
    const ca = fakeCert({ policies: [{ oid: P1 }], policyMappings: [{ issuer: P1, subject: P2 }] });
    const ee = fakeCert({ policies: [{ oid: P2 }] });
    let t = processCertPolicies(newTree(), ca, 1, 2, 3, false);
    t = applyMappings(t!, ca, 1, 3);
    t = processCertPolicies(t!, ee, 2, 2, 3, false);
    expect(t).not.toBeNull();
    expect(leafPolicies(t, 2)).toEqual([P2]);
    // initial set {P1}: the user-constrained set keeps the branch (valid_policy P1 at depth 1)
    expect(intersectWithInitial(t, [P1], 2)).not.toBeNull();
  });
  it('prunes a branch when mapping is inhibited (policy_mapping = 0)', () => {
    const ca = fakeCert({ policies: [{ oid: P1 }], policyMappings: [{ issuer: P1, subject: P2 }] });
    let t = processCertPolicies(newTree(), ca, 1, 2, 3, false);
    t = applyMappings(t!, ca, 1, 0);
    expect(t).toBeNull();
  });
  it('expands anyPolicy into the expected policies of the parent and honours inhibit-anyPolicy', () => {
    const ca = fakeCert({ policies: [{ oid: P1 }, { oid: P2 }] });
    const ee = fakeCert({ policies: [{ oid: ANY_POLICY }] });
    const t1 = processCertPolicies(processCertPolicies(newTree(), ca, 1, 2, 3, false)!, ee, 2, 2, 3, false);
    expect(leafPolicies(t1, 2).sort()).toEqual([P1, P2]);
    const t0 = processCertPolicies(processCertPolicies(newTree(), ca, 1, 2, 3, false)!, ee, 2, 2, 0, false);
    expect(t0).toBeNull();
  });
  it('intersects an anyPolicy leaf with the user-initial-policy-set', () => {
    const ca = fakeCert({ policies: [{ oid: ANY_POLICY }] });
    const ee = fakeCert({ policies: [{ oid: ANY_POLICY }] });
    let t = processCertPolicies(processCertPolicies(newTree(), ca, 1, 2, 3, false)!, ee, 2, 2, 3, false);
    t = intersectWithInitial(t, [P3], 2);
    expect(leafPolicies(t, 2)).toEqual([P3]);
  });
});

const corpus = path.join(path.resolve(__dirname, '../..', '../shared'), 'corpus/pkits');
const pk = (d: string, f: string) => new Uint8Array(readFileSync(path.join(corpus, d, f)));

describe('CRL scope', () => {
  it('an onlyContainsUserCerts CRL does not cover a CA certificate but covers an end entity', () => {
    const crl = parseCrl(pk('crls', 'onlyContainsUserCertsCACRL.crl'));
    // PKITS 4.14.11: the target carries basicConstraints cA=TRUE, so the user-only CRL is out of scope
    const target = parseCert(pk('certs', 'InvalidonlyContainsUserCertsTest11EE.crt'));
    expect(crl.idp?.onlyUser).toBe(true);
    expect(target.basicConstraints?.ca).toBe(true);
    expect(crlScopeMatches(crl, target, target.crlDistributionPoints?.[0])).toBe('only-user');
    expect(crlScopeMatches(crl, { ...target, basicConstraints: undefined }, target.crlDistributionPoints?.[0])).toBeUndefined();
  });
  it('onlySomeReasons limits the reasons a CRL can vouch for', () => {
    const crl = parseCrl(pk('crls', 'onlySomeReasonsCA1compromiseCRL.crl'));
    const r = interimReasons(crl, undefined);
    expect([...r].sort()).toEqual([1, 2]);
  });
  it('a CRL from another issuer is out of scope', () => {
    const crl = parseCrl(pk('crls', 'GoodCACRL.crl'));
    const ee = parseCert(pk('certs', 'ValidDNnameConstraintsTest1EE.crt'));
    expect(crlScopeMatches(crl, ee, undefined)).toBe('issuer');
  });
});

describe('robustness', () => {
  it('rejects an unparseable target with PKI_BAD_CERTIFICATE and ignores garbage in the pool', async () => {
    const anchor = pk('certs', 'TrustAnchorRootCertificate.crt');
    const bad = await validatePath(new Uint8Array([0x30, 0x82, 0xff, 0xff, 1, 2, 3]), { intermediates: [], anchors: [anchor], time: new Date() });
    expect(bad.status).toBe('INVALID');
    expect(bad.reason?.code).toBe('PKI_BAD_CERTIFICATE');
    const ok = await validatePath(pk('certs', 'ValidCertificatePathTest1EE.crt'), {
      intermediates: [new Uint8Array([1, 2, 3]), pk('certs', 'GoodCACert.crt')], anchors: [anchor], time: new Date('2022-01-01Z'),
    });
    expect(ok.status).toBe('VALID');
    expect(ok.revocationChecked).toBe(false);
    expect(ok.chain.length).toBe(3);
  });
  it('reports PKI_NO_PATH when the issuer is not in the pool', async () => {
    const r = await validatePath(pk('certs', 'ValidCertificatePathTest1EE.crt'), {
      intermediates: [], anchors: [pk('certs', 'TrustAnchorRootCertificate.crt')], time: new Date('2022-01-01Z'),
    });
    expect(r.status).toBe('INVALID');
    expect(r.reason?.code).toBe('PKI_NO_PATH');
    expect(r.reason?.message_vi).toMatch(/chuỗi chứng thư/);
  });
  it('treats a target that is itself a trust anchor as valid', async () => {
    const a = pk('certs', 'TrustAnchorRootCertificate.crt');
    expect((await validatePath(a, { intermediates: [], anchors: [a], time: new Date('2022-01-01Z') })).status).toBe('VALID');
  });
});
