// RFC 5280 §6.1 certificate policy processing: the valid_policy_tree with policy mappings,
// anyPolicy handling, pruning and the final intersection with the user-initial-policy-set.
import { OID, type ParsedCert } from './cert';
import { isUniv, oidOf, parseDer, stringOf } from './der';

export const ANY_POLICY = OID.anyPolicy;

export interface PolicyNode {
  validPolicy: string;
  qualifiers?: Uint8Array;
  expected: Set<string>;
  children: PolicyNode[];
  parent?: PolicyNode;
  depth: number;
}

export function newTree(): PolicyNode {
  return { validPolicy: ANY_POLICY, expected: new Set([ANY_POLICY]), children: [], depth: 0 };
}

export function nodesAtDepth(root: PolicyNode, d: number): PolicyNode[] {
  const out: PolicyNode[] = [];
  const walk = (n: PolicyNode) => {
    if (n.depth === d) { out.push(n); return; }
    for (const c of n.children) walk(c);
  };
  walk(root);
  return out;
}

function addChild(parent: PolicyNode, validPolicy: string, qualifiers: Uint8Array | undefined, expected: Set<string>): PolicyNode {
  const n: PolicyNode = { validPolicy, qualifiers, expected, children: [], parent, depth: parent.depth + 1 };
  parent.children.push(n);
  return n;
}

function removeNode(n: PolicyNode): void {
  if (n.parent) n.parent.children = n.parent.children.filter((c) => c !== n);
}

/** Remove childless nodes above `depth`; returns null when the root itself goes. */
export function prune(root: PolicyNode, depth: number): PolicyNode | null {
  const walk = (n: PolicyNode): boolean => {
    if (n.depth >= depth) return true;
    n.children = n.children.filter(walk);
    return n.children.length > 0;
  };
  return walk(root) ? root : null;
}

/** §6.1.3 (d): process the certificate policies of certificate i (1-based). */
export function processCertPolicies(root: PolicyNode, cert: ParsedCert, i: number, n: number, inhibitAnyPolicy: number, selfIssued: boolean): PolicyNode | null {
  const pols = cert.policies ?? [];
  const prev = nodesAtDepth(root, i - 1);
  for (const p of pols) {
    if (p.oid === ANY_POLICY) continue;
    let matched = false;
    for (const node of prev) {
      if (node.expected.has(p.oid)) { addChild(node, p.oid, p.qualifiers, new Set([p.oid])); matched = true; }
    }
    if (!matched) {
      for (const node of prev) if (node.validPolicy === ANY_POLICY) addChild(node, p.oid, p.qualifiers, new Set([p.oid]));
    }
  }
  const anyP = pols.find((p) => p.oid === ANY_POLICY);
  if (anyP && (inhibitAnyPolicy > 0 || (i < n && selfIssued))) {
    for (const node of prev) {
      for (const ev of node.expected) {
        if (!node.children.some((c) => c.validPolicy === ev)) addChild(node, ev, anyP.qualifiers, new Set([ev]));
      }
    }
  }
  return prune(root, i);
}

/** §6.1.4 (b): apply policy mappings of certificate i. */
export function applyMappings(root: PolicyNode, cert: ParsedCert, i: number, policyMapping: number): PolicyNode | null {
  const maps = cert.policyMappings ?? [];
  const byIssuer = new Map<string, Set<string>>();
  for (const m of maps) {
    if (!byIssuer.has(m.issuer)) byIssuer.set(m.issuer, new Set());
    byIssuer.get(m.issuer)!.add(m.subject);
  }
  let tree: PolicyNode | null = root;
  for (const [idp, subjects] of byIssuer) {
    if (!tree) break;
    const level = nodesAtDepth(tree, i);
    if (policyMapping > 0) {
      const hits = level.filter((nd) => nd.validPolicy === idp);
      if (hits.length > 0) for (const nd of hits) nd.expected = new Set(subjects);
      else {
        const anyNode = level.find((nd) => nd.validPolicy === ANY_POLICY);
        if (anyNode && anyNode.parent) addChild(anyNode.parent, idp, anyNode.qualifiers, new Set(subjects));
      }
    } else {
      for (const nd of level) if (nd.validPolicy === idp) removeNode(nd);
      tree = prune(tree, i);
    }
  }
  return tree;
}

/** §6.1.5 (g): intersect the tree with the user-initial-policy-set; returns the pruned tree. */
export function intersectWithInitial(root: PolicyNode | null, initial: string[], n: number): PolicyNode | null {
  if (!root) return null;
  if (initial.includes(ANY_POLICY)) return root;
  const validSet: PolicyNode[] = [];
  const walk = (nd: PolicyNode) => {
    for (const c of nd.children) {
      if (nd.validPolicy === ANY_POLICY) {
        if (c.validPolicy !== ANY_POLICY) validSet.push(c);
        else walk(c);
      }
    }
  };
  walk(root);
  for (const nd of validSet) if (!initial.includes(nd.validPolicy)) removeNode(nd);
  const leafAny = nodesAtDepth(root, n).find((nd) => nd.validPolicy === ANY_POLICY);
  if (leafAny && leafAny.parent) {
    const present = new Set(validSet.map((nd) => nd.validPolicy));
    for (const p of initial) if (!present.has(p)) addChild(leafAny.parent, p, leafAny.qualifiers, new Set([p]));
    removeNode(leafAny);
  }
  return prune(root, n);
}

/** Policies authorised for the path: the valid_policy of the leaves (anyPolicy included as such). */
export function leafPolicies(root: PolicyNode | null, n: number): string[] {
  if (!root) return [];
  return [...new Set(nodesAtDepth(root, n).map((nd) => nd.validPolicy))];
}

const OID_UNOTICE = '1.3.6.1.5.5.7.2.2';

/** explicitText of the user-notice qualifiers in a DER PolicyQualifiers sequence. */
export function userNoticeTexts(qualifiers: Uint8Array | undefined): string[] {
  if (!qualifiers) return [];
  const out: string[] = [];
  try {
    for (const pqi of parseDer(qualifiers).kids) {
      if (oidOf(pqi.kids[0]) !== OID_UNOTICE || !pqi.kids[1]) continue;
      for (const k of pqi.kids[1].kids) {
        if (isUniv(k, 16)) continue; // noticeRef
        const t = stringOf(k);
        if (t !== undefined) out.push(t);
      }
    }
  } catch { /* malformed qualifiers carry no notice */ }
  return out;
}

/**
 * User notices of the valid policy branches: for every leaf at depth n, the qualifiers of the
 * leaf and of its ancestors (a CA's notice applies to the policies it vouches for), leaf first.
 */
export function leafNotices(root: PolicyNode | null, n: number): string[] {
  if (!root) return [];
  const out = new Set<string>();
  for (const leaf of nodesAtDepth(root, n)) {
    for (let nd: PolicyNode | undefined = leaf; nd && nd.depth > 0; nd = nd.parent) for (const t of userNoticeTexts(nd.qualifiers)) out.add(t);
  }
  return [...out];
}
