// RFC 5280 §4.2.1.10 / §6.1.3(b)(c) name constraints: permitted subtrees accumulate as layers
// (a name must satisfy every layer that constrains its form), excluded subtrees as a union.
// Forms: directoryName, rfc822Name, dNSName, URI, iPAddress; other forms are refused when constrained.
import { type GeneralName, type Name, OID_EMAIL, nameWithin } from './names';
import { stringOf } from './der';
import type { GeneralSubtree } from './cert';

export interface NameConstraintState {
  /** each entry is one CA's permitted set */
  permitted: GeneralSubtree[][];
  excluded: GeneralSubtree[];
}

export function emptyConstraints(): NameConstraintState {
  return { permitted: [], excluded: [] };
}
export function addConstraints(s: NameConstraintState, nc: { permitted?: GeneralSubtree[]; excluded?: GeneralSubtree[] }): NameConstraintState {
  return {
    permitted: nc.permitted ? [...s.permitted, nc.permitted] : s.permitted,
    excluded: nc.excluded ? [...s.excluded, ...nc.excluded] : s.excluded,
  };
}

function hostMatchesDomain(host: string, base: string): boolean {
  host = host.toLowerCase().replace(/\.$/, '');
  base = base.toLowerCase().replace(/\.$/, '');
  if (base === '') return true;
  if (base.startsWith('.')) return host.endsWith(base);
  return host === base || host.endsWith('.' + base);
}

export function dnsMatches(name: string, base: string): boolean {
  return hostMatchesDomain(name, base);
}

export function emailMatches(addr: string, base: string): boolean {
  const at = addr.lastIndexOf('@');
  if (at < 0) return false;
  const host = addr.slice(at + 1).toLowerCase();
  if (base.includes('@')) {
    const bat = base.lastIndexOf('@');
    return addr.slice(0, at) === base.slice(0, bat) && host === base.slice(bat + 1).toLowerCase();
  }
  if (base.startsWith('.')) return host.endsWith(base.toLowerCase());
  return host === base.toLowerCase();
}

export function uriHost(uri: string): string | undefined {
  const m = uri.match(/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)/);
  if (!m || !m[1]) return undefined;
  return m[1];
}
export function uriMatches(uri: string, base: string): boolean {
  const host = uriHost(uri);
  if (host === undefined) return false;
  const h = host.toLowerCase();
  const b = base.toLowerCase();
  if (b.startsWith('.')) return h.endsWith(b);
  return h === b;
}

export function ipMatches(ip: Uint8Array, base: Uint8Array): boolean {
  const n = ip.length;
  if (base.length !== n * 2) return false;
  for (let i = 0; i < n; i++) if ((ip[i] & base[n + i]) !== (base[i] & base[n + i])) return false;
  return true;
}

/** Does `name` fall within the subtree `base` (same form only)? undefined when forms differ. */
export function generalNameWithin(name: GeneralName, base: GeneralName): boolean | undefined {
  if (name.kind !== base.kind) return undefined;
  switch (name.kind) {
    case 'dn': return nameWithin(name.value, (base as { value: Name }).value);
    case 'rfc822': return emailMatches(name.value, (base as { value: string }).value);
    case 'dns': return dnsMatches(name.value, (base as { value: string }).value);
    case 'uri': return uriMatches(name.value, (base as { value: string }).value);
    case 'ip': return ipMatches(name.value, (base as { value: Uint8Array }).value);
    default: return undefined;
  }
}

/** The names of a certificate subject that constraints apply to. */
export function constrainedNames(subject: Name, san: GeneralName[] | undefined): GeneralName[] {
  const out: GeneralName[] = [];
  if (subject.rdns.length > 0) out.push({ kind: 'dn', value: subject });
  for (const rdn of subject.rdns) for (const a of rdn) {
    if (a.type === OID_EMAIL) { const s = stringOf(a.value); if (s !== undefined) out.push({ kind: 'rfc822', value: s }); }
  }
  if (san) out.push(...san);
  return out;
}

export type NcViolation = { kind: 'excluded' | 'not-permitted'; name: GeneralName };

export function checkNameConstraints(s: NameConstraintState, names: GeneralName[]): NcViolation | undefined {
  for (const name of names) {
    for (const ex of s.excluded) {
      if (ex.base.kind === 'other' && name.kind === 'other' && ex.base.tag === name.tag) return { kind: 'excluded', name };
      if (generalNameWithin(name, ex.base) === true) return { kind: 'excluded', name };
    }
    for (const layer of s.permitted) {
      const sameForm = layer.filter((st) => st.base.kind === name.kind && (name.kind !== 'other' || (st.base as { tag: number }).tag === (name as { tag: number }).tag));
      if (sameForm.length === 0) continue;
      if (name.kind === 'other') return { kind: 'not-permitted', name };
      if (!sameForm.some((st) => generalNameWithin(name, st.base) === true)) return { kind: 'not-permitted', name };
    }
  }
  return undefined;
}
