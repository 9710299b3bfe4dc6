// NIST PKITS harness: every case of ../shared/corpus/pkits/pkits.json is validated with
// validatePath (certificates from the corpus, CRLs as embedded offline revocation data) and
// compared with the expected outcome (an `error` entry = the path must be rejected).
// Reproduce: npx vitest run tests/pki/pkits.test.ts  (figures and mismatches: docs/pkits.md)
import { describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { validatePath, type PathResult } from '../../src-shared/pki';

const repoRoot = path.resolve(__dirname, '../..');
const corpus = path.join(path.resolve(repoRoot, '../shared'), 'corpus/pkits');
const artifacts = path.join(repoRoot, 'test-artifacts/pki');

interface Case {
  id: string;
  name: string;
  cert: string;
  other_certs?: string[];
  crls?: string[];
  revocation?: boolean;
  error?: { class: string; msg_regex: string };
  notice?: string;
  params?: { user_initial_policy_set?: string[]; initial_explicit_policy?: boolean; initial_policy_mapping_inhibit?: boolean; initial_any_policy_inhibit?: boolean };
}

const files = new Map<string, Uint8Array>();
function load(dir: 'certs' | 'crls', name: string): Uint8Array {
  const k = dir + '/' + name;
  let b = files.get(k);
  if (!b) { b = new Uint8Array(readFileSync(path.join(corpus, dir, name))); files.set(k, b); }
  return b;
}

/** A moment inside the suite's validity (certificates 2010-01-01 … 2030-12-31), after the 2011 expiry tests. */
export const PKITS_TIME = new Date('2022-06-01T00:00:00Z');

export async function runCase(c: Case): Promise<PathResult> {
  return validatePath(load('certs', c.cert), {
    intermediates: (c.other_certs ?? []).map((f) => load('certs', f)),
    anchors: [load('certs', 'TrustAnchorRootCertificate.crt')],
    time: PKITS_TIME,
    // the trust anchor's own CRL is part of the suite's environment (as in every PKITS harness)
    revocation: c.revocation === false ? undefined : { mode: 'offline', crls: ['TrustAnchorRootCRL.crl', ...(c.crls ?? [])].map((f) => load('crls', f)) },
    policy: c.params ? {
      initialPolicySet: c.params.user_initial_policy_set,
      explicitPolicy: c.params.initial_explicit_policy,
      policyMappingInhibit: c.params.initial_policy_mapping_inhibit,
      anyPolicyInhibit: c.params.initial_any_policy_inhibit,
    } : undefined,
  });
}

/**
 * Rejections must also be of the expected kind: path errors → INVALID (not revoked),
 * revoked → PKI_REVOKED, missing/stale/unusable revocation data → INDETERMINATE.
 */
function sameClass(c: Case, r: PathResult): boolean {
  if (!c.error) return r.status === 'VALID';
  switch (c.error.class) {
    case 'PathValidationError': return r.status === 'INVALID' && r.reason?.code !== 'PKI_REVOKED';
    case 'RevokedError': return r.status === 'INVALID' && r.reason?.code === 'PKI_REVOKED';
    case 'InsufficientRevinfoError': case 'StaleRevinfoError': return r.status === 'INDETERMINATE' && r.reason?.code === 'PKI_REVOCATION_UNKNOWN';
    default: return false;
  }
}

describe('NIST PKITS', () => {
  const cases = JSON.parse(readFileSync(path.join(corpus, 'pkits.json'), 'utf8')) as Case[];

  it('matches the expected outcome, and the expected kind of failure, on all 246 PKITS cases', async () => {
    const rows: { id: string; name: string; expected: string; got: string; code?: string; message?: string; match: boolean; sameClass: boolean }[] = [];
    for (const c of cases) {
      const r = await runCase(c);
      const expectedValid = !c.error;
      const match = expectedValid ? r.status === 'VALID' : r.status !== 'VALID';
      rows.push({ id: c.id, name: c.name, expected: expectedValid ? 'VALID' : 'rejected', got: r.status, code: r.reason?.code, message: r.reason?.message_en, match, sameClass: match && sameClass(c, r) });
    }
    const pass = rows.filter((r) => r.match).length;
    const mismatches = rows.filter((r) => !r.match);
    mkdirSync(artifacts, { recursive: true });
    writeFileSync(path.join(artifacts, 'pkits-results.json'), JSON.stringify(rows, null, 1));
    const classPass = rows.filter((r) => r.sameClass).length;
    console.log(`PKITS: ${pass}/${rows.length} cases match (${((100 * pass) / rows.length).toFixed(1)}%); ${classPass}/${rows.length} also for the expected kind of failure`);
    for (const m of mismatches) console.log(`  mismatch ${m.id} ${m.name}: expected ${m.expected}, got ${m.got} ${m.code ?? ''} ${m.message ?? ''}`);
    expect(rows.length).toBe(246);
    expect(mismatches.map((m) => `${m.id} ${m.name}`)).toEqual([]);
    expect(pass).toBe(246);
    expect(classPass).toBe(246);
  });

  it('returns the expected user notice for every case of pkits-user-notice.json', async () => {
    const noticeCases = JSON.parse(readFileSync(path.join(corpus, 'pkits-user-notice.json'), 'utf8')) as Case[];
    let ok = 0;
    for (const c of noticeCases) {
      const r = await runCase(c);
      // the notice of the most specific (leaf-side) qualifier comes first
      const hit = r.status === 'VALID' && r.userNotices?.[0] === c.notice;
      if (hit) ok++;
      else console.log(`  notice mismatch ${c.id} ${c.name}: ${r.status} ${JSON.stringify(r.userNotices)}`);
    }
    console.log(`PKITS user notices: ${ok}/${noticeCases.length}`);
    expect(ok).toBe(noticeCases.length);
  });
});
