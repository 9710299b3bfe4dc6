// Path building (name chaining, AKI/SKI preference, backtracking over alternatives) and the
// RFC 5280 §6.1 basic path validation, followed by revocation checking of every certificate.
import { DerError, bytesEqual, toHex } from './der';
import { KU, OID, type ParsedCert, SUPPORTED_CERT_EXTENSIONS, parseCertShared } from './cert';
import { nameEqual, nameKey } from './names';
import { addConstraints, checkNameConstraints, constrainedNames, emptyConstraints } from './nameconstraints';
import { ANY_POLICY, type PolicyNode, applyMappings, intersectWithInitial, leafNotices, leafPolicies, newTree, processCertPolicies } from './policy';
import { type WorkingKey, verifySignature, workingKeyOf } from './sig';
import { type PkiReason, reason } from './reasons';
import type { CertRevocation, PathResult, ValidatePathOptions } from './types';
import { RevocationSession, type RevocationEnv } from './revocation';

const MAX_PATH_DEPTH = 16;
const MAX_CANDIDATES = 64;
/** bound on DFS steps so that adversarial pools (many same-named certificates) cannot explode */
const MAX_BUILD_STEPS = 4096;
const MAX_RECURSION = 4;

export interface Candidate { anchor: ParsedCert; certs: ParsedCert[]; }

/** Internal context shared across recursive validations (CRL and OCSP signer paths). */
export interface Ctx {
  pool: ParsedCert[];
  anchors: ParsedCert[];
  opts: ValidatePathOptions;
  depth: number;
  inProgress: Set<string>;
  session?: RevocationSession;
}

/** Enumerate candidate paths target→anchor (returned anchor-side first). */
export function* buildPaths(target: ParsedCert, pool: ParsedCert[], anchors: ParsedCert[]): Generator<Candidate> {
  let yielded = 0;
  let steps = 0;
  const issuersOf = (c: ParsedCert, list: ParsedCert[]) => {
    const k = nameKey(c.issuer);
    const hits = list.filter((x) => nameKey(x.subject) === k);
    const score = (x: ParsedCert) => (c.akiKeyId && x.ski ? (bytesEqual(c.akiKeyId, x.ski) ? 0 : 2) : 1);
    return hits.sort((a, b) => score(a) - score(b));
  };
  const stack: ParsedCert[] = [target];
  function* dfs(cur: ParsedCert): Generator<Candidate> {
    for (const a of issuersOf(cur, anchors)) {
      if (yielded++ >= MAX_CANDIDATES) return;
      yield { anchor: a, certs: [...stack].reverse() };
    }
    if (stack.length >= MAX_PATH_DEPTH) return;
    for (const i of issuersOf(cur, pool)) {
      if (++steps > MAX_BUILD_STEPS) return;
      if (stack.includes(i) || anchors.includes(i)) continue;
      if (stack.some((s) => bytesEqual(s.der, i.der))) continue;
      stack.push(i);
      yield* dfs(i);
      stack.pop();
      if (yielded >= MAX_CANDIDATES) return;
    }
  }
  yield* dfs(target);
}

interface Processed {
  ok: boolean;
  reason?: PkiReason;
  policies?: string[];
  notices?: string[];
  /** the failure proves nothing either way (an algorithm that cannot be checked here) */
  indeterminate?: boolean;
  /** working key of the issuer of certs[i] (index aligned with certs) */
  issuerKeys: WorkingKey[];
}

function isCritical(c: ParsedCert, oid: string) {
  return c.extensions.get(oid)?.critical ?? false;
}
function unsupportedCritical(c: ParsedCert): string | undefined {
  for (const e of c.extensions.values()) if (e.critical && !SUPPORTED_CERT_EXTENSIONS.has(e.oid)) return e.oid;
  return undefined;
}

/** RFC 5280 §6.1.2–6.1.5 over certs (certs[0] issued by the anchor, last = target). */
export async function processPath(anchor: ParsedCert, certs: ParsedCert[], opts: ValidatePathOptions): Promise<Processed> {
  const n = certs.length;
  const pol = opts.policy ?? {};
  const initial = pol.initialPolicySet && pol.initialPolicySet.length > 0 ? pol.initialPolicySet : [ANY_POLICY];
  let tree: PolicyNode | null = newTree();
  let nc = emptyConstraints();
  let explicitPolicy = pol.explicitPolicy ? 0 : n + 1;
  let inhibitAny = pol.anyPolicyInhibit ? 0 : n + 1;
  let policyMapping = pol.policyMappingInhibit ? 0 : n + 1;
  let key: WorkingKey = workingKeyOf(anchor.spki, anchor.keyAlg);
  let issuerName = anchor.subject;
  let maxPathLen = n;
  const t = opts.time.getTime();
  const issuerKeys: WorkingKey[] = [];
  const fail = (code: string, i: number, extra?: { vi?: string; en?: string }): Processed => ({ ok: false, reason: reason(code, n - i, n), issuerKeys });
  // with extra detail
  const failX = (code: string, i: number, en: string, vi: string): Processed => ({ ok: false, reason: reason(code, n - i, n, { en, vi }), issuerKeys });

  for (let i = 1; i <= n; i++) {
    const c = certs[i - 1];
    const selfIssued = nameEqual(c.issuer, c.subject);
    issuerKeys.push(key);
    // (a)(1) signature
    const sr = await verifySignature(key, c.sigAlg, c.tbs, c.signature, opts.crypto);
    // an algorithm the provider cannot check proves nothing either way: INDETERMINATE, named
    if (!sr.ok && sr.unsupported) return { ...failX('PKI_ALGORITHM_UNSUPPORTED', i, sr.detail, sr.detail), indeterminate: true };
    if (!sr.ok) return failX('PKI_SIGNATURE_INVALID', i, sr.detail, sr.detail);
    // (a)(2) validity
    if (c.notBefore.getTime() > t) return failX('PKI_NOT_YET_VALID', i, `valid from ${c.notBefore.toISOString()}`, `hiệu lực từ ${c.notBefore.toISOString()}`);
    if (c.notAfter.getTime() < t) return failX('PKI_EXPIRED', i, `expired ${c.notAfter.toISOString()}`, `hết hạn ${c.notAfter.toISOString()}`);
    // (a)(4) name chaining
    if (!nameEqual(c.issuer, issuerName)) return fail('PKI_NAME_CHAINING', i);
    if (c.duplicateExtension) return failX('PKI_UNKNOWN_CRITICAL_EXTENSION', i, 'duplicate extension', 'phần mở rộng lặp lại');
    // (b)(c) name constraints
    if (!(selfIssued && i < n)) {
      const v = checkNameConstraints(nc, constrainedNames(c.subject, c.subjectAltNames));
      if (v) return fail(v.kind === 'excluded' ? 'PKI_NAME_EXCLUDED' : 'PKI_NAME_NOT_PERMITTED', i);
    }
    // (d)(e) policies
    if (tree && c.policies) tree = processCertPolicies(tree, c, i, n, inhibitAny, selfIssued);
    else tree = null;
    // (f)
    if (explicitPolicy <= 0 && !tree) return fail('PKI_POLICY', i);

    if (i < n) {
      // 6.1.4 preparation for the next certificate
      if (c.policyMappings) {
        if (c.policyMappings.some((m) => m.issuer === ANY_POLICY || m.subject === ANY_POLICY)) return fail('PKI_POLICY_MAPPING_ANY', i);
        if (tree) tree = applyMappings(tree, c, i, policyMapping);
      }
      issuerName = c.subject;
      key = workingKeyOf(c.spki, c.keyAlg, key);
      if (c.nameConstraints) nc = addConstraints(nc, c.nameConstraints);
      if (!selfIssued) {
        if (explicitPolicy > 0) explicitPolicy--;
        if (policyMapping > 0) policyMapping--;
        if (inhibitAny > 0) inhibitAny--;
      }
      const pc = c.policyConstraints;
      if (pc?.requireExplicit !== undefined) explicitPolicy = Math.min(explicitPolicy, pc.requireExplicit);
      if (pc?.inhibitMapping !== undefined) policyMapping = Math.min(policyMapping, pc.inhibitMapping);
      if (c.inhibitAnyPolicy !== undefined) inhibitAny = Math.min(inhibitAny, c.inhibitAnyPolicy);
      // (k) CA
      if (!c.basicConstraints?.ca) return fail('PKI_NOT_CA', i);
      // (l)
      if (!selfIssued) {
        if (maxPathLen <= 0) return fail('PKI_PATH_LENGTH', i);
        maxPathLen--;
      }
      // (m)
      if (c.basicConstraints.pathLen !== undefined) maxPathLen = Math.min(maxPathLen, c.basicConstraints.pathLen);
      // (n)
      if (c.keyUsage && !c.keyUsage[KU.keyCertSign]) return fail('PKI_KEY_USAGE', i);
      // (o)
      const uc = unsupportedCritical(c);
      if (uc) return failX('PKI_UNKNOWN_CRITICAL_EXTENSION', i, uc, uc);
    } else {
      // 6.1.5 wrap-up
      if (explicitPolicy > 0) explicitPolicy--;
      if (c.policyConstraints?.requireExplicit === 0) explicitPolicy = 0;
      const uc = unsupportedCritical(c);
      if (uc) return failX('PKI_UNKNOWN_CRITICAL_EXTENSION', i, uc, uc);
      tree = intersectWithInitial(tree, initial, n);
      if (explicitPolicy <= 0 && !tree) return fail('PKI_POLICY', i);
    }
  }
  void isCritical;
  let policies = leafPolicies(tree, n);
  if (!tree && explicitPolicy > 0) policies = [];
  return { ok: true, policies, notices: leafNotices(tree, n), issuerKeys };
}

function rank(r: PathResult, revoked: boolean): number {
  if (r.status === 'VALID') return 0;
  if (revoked) return 1;
  if (r.status === 'INDETERMINATE') return 2;
  return 3;
}

/** Validate an already parsed target within a context (used recursively for CRL/OCSP signers). */
export async function validateParsed(target: ParsedCert, ctx: Ctx): Promise<PathResult> {
  const revocationChecked = !!ctx.opts.revocation;
  // a trust anchor itself is valid by definition
  if (ctx.anchors.some((a) => bytesEqual(a.der, target.der))) {
    return { status: 'VALID', chain: [target.der], revocationChecked, validPolicies: [ANY_POLICY], revocation: [] };
  }
  ctx.inProgress.add(toHex(target.der));
  let best: { r: PathResult; rank: number } | undefined;
  let tried = 0;
  try {
    for (const cand of buildPaths(target, ctx.pool, ctx.anchors)) {
      tried++;
      const chain = [...cand.certs].reverse().map((c) => c.der).concat([cand.anchor.der]);
      const p = await processPath(cand.anchor, cand.certs, ctx.opts);
      let result: PathResult;
      let revoked = false;
      if (!p.ok) {
        result = { status: p.indeterminate ? 'INDETERMINATE' : 'INVALID', reason: p.reason, chain, revocationChecked };
      } else if (!ctx.opts.revocation || !ctx.session) {
        result = { status: 'VALID', chain, revocationChecked: false, validPolicies: p.policies, userNotices: p.notices };
      } else {
        const n = cand.certs.length;
        const revs: (CertRevocation & { detailVi?: string })[] = [];
        let status: PathResult['status'] = 'VALID';
        let why: PkiReason | undefined;
        for (let i = 0; i < n && status === 'VALID'; i++) {
          const c = cand.certs[i];
          const issuer = i === 0 ? cand.anchor : cand.certs[i - 1];
          const rv = await ctx.session.check(c, issuer, p.issuerKeys[i], ctx);
          revs.push({ ...rv, index: n - 1 - i });
          if (rv.status === 'revoked') {
            status = 'INVALID';
            revoked = true;
            why = reason('PKI_REVOKED', n - 1 - i, n, {
              en: `revoked at ${rv.revokedAt?.toISOString()}${rv.detail ? ', ' + rv.detail : ''}`,
              vi: `thu hồi lúc ${rv.revokedAt?.toISOString()}${rv.detailVi ? ', ' + rv.detailVi : ''}`,
            });
          } else if (rv.status === 'unknown') {
            status = 'INDETERMINATE';
            why = reason('PKI_REVOCATION_UNKNOWN', n - 1 - i, n, { en: rv.detail, vi: rv.detailVi ?? rv.detail });
          }
        }
        result = {
          status, reason: why, chain, revocationChecked: true, revocation: revs,
          validPolicies: status === 'VALID' ? p.policies : undefined,
          userNotices: status === 'VALID' ? p.notices : undefined,
        };
      }
      const rk = rank(result, revoked);
      if (rk === 0) return ctx.session ? ctx.session.finish(result) : result;
      if (!best || rk < best.rank) best = { r: result, rank: rk };
    }
  } finally {
    ctx.inProgress.delete(toHex(target.der));
  }
  if (best) return ctx.session ? ctx.session.finish(best.r) : best.r;
  void tried;
  return { status: 'INVALID', reason: reason('PKI_NO_PATH', 0, undefined), chain: [target.der], revocationChecked };
}

function parseAll(list: Uint8Array[]): ParsedCert[] {
  const out: ParsedCert[] = [];
  for (const d of list) {
    try { out.push(parseCertShared(d)); } catch { /* unparseable pool entries are ignored */ }
  }
  return out;
}

/** Public entry (see index.ts). */
export async function validatePathImpl(target: Uint8Array, opts: ValidatePathOptions, env?: RevocationEnv): Promise<PathResult> {
  let t: ParsedCert;
  try {
    t = parseCertShared(target);
  } catch (e) {
    const r = reason('PKI_BAD_CERTIFICATE', 0, undefined, e instanceof DerError ? { en: e.message, vi: e.message } : undefined);
    return { status: 'INVALID', reason: r, chain: [target], revocationChecked: false };
  }
  const ctx: Ctx = {
    pool: parseAll(opts.intermediates),
    anchors: parseAll(opts.anchors),
    opts,
    depth: 0,
    inProgress: new Set(),
  };
  if (opts.revocation) ctx.session = new RevocationSession(opts.revocation, opts.time, env, (c, depth) => validateNested(c, ctx, depth));
  try {
    return await validateParsed(t, ctx);
  } catch (e) {
    // malformed revocation data or an unexpected structure: never a silent VALID, never a crash
    const msg = e instanceof Error ? e.message : String(e);
    return { status: 'INDETERMINATE', reason: reason('PKI_INTERNAL', undefined, undefined, { en: msg, vi: msg }), chain: [target], revocationChecked: !!opts.revocation };
  }
}

/** Validate a CRL/OCSP signer certificate to the same anchors; cycles count as accepted. */
async function validateNested(c: ParsedCert, ctx: Ctx, depth: number): Promise<{ ok: boolean; detail?: string; revoked?: boolean }> {
  // a CRL signer whose own status is given by the CRL it signs (RFC 5280 allows it; PKITS 4.5.6,
  // 4.14.30): the cycle is accepted — its path was already validated structurally at this point.
  // The certificate under check itself is never accepted as its own CRL signer (revocation.ts).
  if (ctx.inProgress.has(toHex(c.der))) return { ok: true };
  if (depth > MAX_RECURSION) return { ok: false, detail: 'revocation signer recursion too deep' };
  const sub: Ctx = { ...ctx, depth, session: ctx.session?.child() };
  const r = await validateParsed(c, sub);
  return r.status === 'VALID' ? { ok: true } : { ok: false, detail: r.reason?.message_en, revoked: r.reason?.code === 'PKI_REVOKED' };
}
void OID;
