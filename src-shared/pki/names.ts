// X.500 distinguished names and GeneralNames: parsing from DER, RFC 5280 §7.1 comparison
// (case-insensitive, whitespace-folded for string attributes) and printable forms for messages.
import { type DerNode, U, bytesEqual, isCtx, oidOf, parseDer, stringOf, toHex } from './der';

export interface Ava { type: string; value: DerNode; }
export type Rdn = Ava[];
export interface Name { rdns: Rdn[]; der: Uint8Array; }

export type GeneralName =
  | { kind: 'rfc822'; value: string }
  | { kind: 'dns'; value: string }
  | { kind: 'uri'; value: string }
  | { kind: 'dn'; value: Name }
  | { kind: 'ip'; value: Uint8Array }
  | { kind: 'other'; tag: number; raw: Uint8Array };

export const OID_EMAIL = '1.2.840.113549.1.9.1';

export function parseName(n: DerNode): Name {
  const rdns: Rdn[] = [];
  for (const set of n.kids) {
    const rdn: Rdn = [];
    for (const ava of set.kids) rdn.push({ type: oidOf(ava.kids[0]), value: ava.kids[1] });
    rdns.push(rdn);
  }
  return { rdns, der: n.raw };
}
export function parseNameDer(der: Uint8Array): Name {
  return parseName(parseDer(der));
}

const STRING_TAGS = new Set<number>([U.UTF8, U.PRINTABLE, U.T61, U.IA5, U.VISIBLE, U.BMP, U.UNIVERSAL, 18, 25, 27]);

function normalizeString(s: string): string {
  return s.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

function avaKey(a: Ava): string {
  if (a.value.cls === 0 && STRING_TAGS.has(a.value.tag)) {
    const s = stringOf(a.value);
    if (s !== undefined) return a.type + '=s:' + normalizeString(s);
  }
  return a.type + '=b:' + toHex(a.value.raw);
}
function rdnKey(r: Rdn): string {
  return r.map(avaKey).sort().join('+');
}
export function rdnEqual(a: Rdn, b: Rdn): boolean {
  return a.length === b.length && rdnKey(a) === rdnKey(b);
}
/** Canonical string key: equal keys ⇔ names match per RFC 5280 §7.1. */
export function nameKey(n: Name): string {
  return n.rdns.map(rdnKey).join(',');
}
export function nameEqual(a: Name, b: Name): boolean {
  if (bytesEqual(a.der, b.der)) return true;
  return a.rdns.length === b.rdns.length && nameKey(a) === nameKey(b);
}
/** True when `base` is a prefix (subtree root) of `name`. */
export function nameWithin(name: Name, base: Name): boolean {
  if (base.rdns.length > name.rdns.length) return false;
  for (let i = 0; i < base.rdns.length; i++) if (!rdnEqual(name.rdns[i], base.rdns[i])) return false;
  return true;
}
export function nameAppendRdn(base: Name, rdn: Rdn): Name {
  return { rdns: [...base.rdns, rdn], der: new Uint8Array(0) };
}

const SHORT: Record<string, string> = {
  '2.5.4.3': 'CN', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST', '2.5.4.10': 'O', '2.5.4.11': 'OU',
  '2.5.4.5': 'serialNumber', '0.9.2342.19200300.100.1.1': 'UID', '0.9.2342.19200300.100.1.25': 'DC', [OID_EMAIL]: 'E',
};
export function nameToString(n: Name): string {
  return n.rdns.slice().reverse().map((r) => r.map((a) => `${SHORT[a.type] ?? a.type}=${stringOf(a.value) ?? '#'}`).join('+')).join(', ');
}

export function parseGeneralName(n: DerNode): GeneralName {
  if (n.cls !== 2) return { kind: 'other', tag: -1, raw: n.raw };
  const txt = () => new TextDecoder().decode(n.content);
  switch (n.tag) {
    case 1: return { kind: 'rfc822', value: txt() };
    case 2: return { kind: 'dns', value: txt() };
    case 6: return { kind: 'uri', value: txt() };
    case 4: return { kind: 'dn', value: parseName(n.kids[0]) };
    case 7: return { kind: 'ip', value: n.content };
    default: return { kind: 'other', tag: n.tag, raw: n.raw };
  }
}
export function parseGeneralNames(n: DerNode): GeneralName[] {
  return n.kids.map(parseGeneralName);
}
export function generalNameEqual(a: GeneralName, b: GeneralName): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'dn': return nameEqual(a.value, (b as { value: Name }).value);
    case 'ip': return bytesEqual(a.value, (b as { value: Uint8Array }).value);
    case 'other': return bytesEqual(a.raw, (b as { raw: Uint8Array }).raw);
    default: return a.value.toLowerCase() === (b as { value: string }).value.toLowerCase();
  }
}
export { isCtx };
