// Parsed X.509 certificate model for path validation: raw TBS/signature, names, validity, key,
// and the decoded RFC 5280 extensions the validator needs. Parsing is cached per DER buffer.
import { type DerNode, DerError, U, bitsOf, bitStringBytes, boolOf, ctxChild, decodeInt, expectUniv, intOf, isCtx, isUniv, oidOf, parseDer, timeOf, toHex } from './der';
import { type GeneralName, type Name, type Rdn, parseGeneralNames, parseName } from './names';
import { OID as C } from '../crypto/oids';
import { registerCache } from '../caches';

/** Path-validation OIDs; those the rest of the engine also uses come from src-shared/crypto/oids. */
export const OID = {
  basicConstraints: C.basicConstraints, keyUsage: C.keyUsage, certificatePolicies: '2.5.29.32', policyMappings: '2.5.29.33',
  nameConstraints: '2.5.29.30', policyConstraints: '2.5.29.36', inhibitAnyPolicy: '2.5.29.54', subjectAltName: '2.5.29.17',
  issuerAltName: '2.5.29.18', extKeyUsage: C.extKeyUsage, ski: C.subjectKeyIdentifier, aki: C.authorityKeyIdentifier,
  crlDistributionPoints: C.crlDistributionPoints, freshestCRL: '2.5.29.46', aia: C.authorityInfoAccess, ocspNoCheck: C.ocspNoCheck,
  anyPolicy: '2.5.29.32.0', kpOcspSigning: C.kpOcspSigning, adOcsp: C.adOcsp, adCaIssuers: C.adCaIssuers,
} as const;

/** Extensions whose semantics this validator implements; others marked critical cause rejection. */
export const SUPPORTED_CERT_EXTENSIONS = new Set<string>([
  OID.basicConstraints, OID.keyUsage, OID.certificatePolicies, OID.policyMappings, OID.nameConstraints, OID.policyConstraints,
  OID.inhibitAnyPolicy, OID.subjectAltName, OID.issuerAltName, OID.extKeyUsage, OID.ski, OID.aki, OID.crlDistributionPoints,
  OID.freshestCRL, OID.aia, OID.ocspNoCheck,
]);

export interface AlgId { oid: string; params?: DerNode; }
export interface Extension { oid: string; critical: boolean; value: Uint8Array; }
export interface PolicyInfo { oid: string; qualifiers?: Uint8Array; }
export interface GeneralSubtree { base: GeneralName; }
export interface DistributionPoint {
  fullName?: GeneralName[];
  relativeName?: Rdn;
  reasons?: boolean[];
  crlIssuer?: GeneralName[];
}

export interface ParsedCert {
  der: Uint8Array;
  tbs: Uint8Array;
  sigAlg: AlgId;
  signature: Uint8Array;
  version: number;
  serial: bigint;
  serialHex: string;
  serialBytes: Uint8Array;
  issuer: Name;
  subject: Name;
  notBefore: Date;
  notAfter: Date;
  spki: Uint8Array;
  keyAlg: AlgId;
  publicKey: Uint8Array;
  extensions: Map<string, Extension>;
  duplicateExtension: boolean;
  basicConstraints?: { ca: boolean; pathLen?: number };
  keyUsage?: boolean[];
  ski?: Uint8Array;
  akiKeyId?: Uint8Array;
  policies?: PolicyInfo[];
  policyMappings?: { issuer: string; subject: string }[];
  policyConstraints?: { requireExplicit?: number; inhibitMapping?: number };
  inhibitAnyPolicy?: number;
  nameConstraints?: { permitted?: GeneralSubtree[]; excluded?: GeneralSubtree[] };
  subjectAltNames?: GeneralName[];
  extKeyUsage?: string[];
  crlDistributionPoints?: DistributionPoint[];
  freshestCrl?: DistributionPoint[];
  ocspUrls: string[];
}

export const KU = { digitalSignature: 0, nonRepudiation: 1, keyEncipherment: 2, dataEncipherment: 3, keyAgreement: 4, keyCertSign: 5, cRLSign: 6 } as const;

export function parseAlgId(n: DerNode): AlgId {
  return { oid: oidOf(n.kids[0]), params: n.kids[1] };
}

export function parseDistributionPoints(n: DerNode): DistributionPoint[] {
  return n.kids.map((dp) => {
    const out: DistributionPoint = {};
    const name = ctxChild(dp, 0);
    if (name) {
      const inner = name.kids[0];
      if (isCtx(inner, 0)) out.fullName = parseGeneralNames(inner);
      else if (isCtx(inner, 1)) out.relativeName = parseName({ ...inner, kids: [inner] }).rdns[0];
    }
    const reasons = ctxChild(dp, 1);
    if (reasons) out.reasons = bitsOf(reasons);
    const issuer = ctxChild(dp, 2);
    if (issuer) out.crlIssuer = parseGeneralNames(issuer);
    return out;
  });
}

function parseSubtrees(n: DerNode): GeneralSubtree[] {
  return n.kids.map((st) => ({ base: parseGeneralNames({ ...st, kids: [st.kids[0]] })[0] }));
}

function decodeExtension(c: ParsedCert, e: Extension): void {
  const v = parseDer(e.value);
  switch (e.oid) {
    case OID.basicConstraints: {
      let ca = false;
      let pathLen: number | undefined;
      for (const k of v.kids) {
        if (isUniv(k, U.BOOLEAN)) ca = boolOf(k);
        else if (isUniv(k, U.INTEGER)) pathLen = Number(intOf(k));
      }
      c.basicConstraints = { ca, pathLen };
      break;
    }
    case OID.keyUsage: c.keyUsage = bitsOf(v); break;
    case OID.ski: c.ski = expectUniv(v, U.OCTETSTRING, 'SKI').content; break;
    case OID.aki: { const k = ctxChild(v, 0); if (k) c.akiKeyId = k.content; break; }
    case OID.certificatePolicies:
      c.policies = v.kids.map((pi) => ({ oid: oidOf(pi.kids[0]), qualifiers: pi.kids[1]?.raw }));
      break;
    case OID.policyMappings:
      c.policyMappings = v.kids.map((m) => ({ issuer: oidOf(m.kids[0]), subject: oidOf(m.kids[1]) }));
      break;
    case OID.policyConstraints: {
      const pc: { requireExplicit?: number; inhibitMapping?: number } = {};
      const r = ctxChild(v, 0); if (r) pc.requireExplicit = Number(decodeInt(r.content));
      const m = ctxChild(v, 1); if (m) pc.inhibitMapping = Number(decodeInt(m.content));
      c.policyConstraints = pc;
      break;
    }
    case OID.inhibitAnyPolicy: c.inhibitAnyPolicy = Number(intOf(v)); break;
    case OID.nameConstraints: {
      const p = ctxChild(v, 0); const x = ctxChild(v, 1);
      c.nameConstraints = { permitted: p ? parseSubtrees(p) : undefined, excluded: x ? parseSubtrees(x) : undefined };
      break;
    }
    case OID.subjectAltName: c.subjectAltNames = parseGeneralNames(v); break;
    case OID.extKeyUsage: c.extKeyUsage = v.kids.map((k) => oidOf(k)); break;
    case OID.crlDistributionPoints: c.crlDistributionPoints = parseDistributionPoints(v); break;
    case OID.freshestCRL: c.freshestCrl = parseDistributionPoints(v); break;
    case OID.aia:
      for (const ad of v.kids) {
        if (oidOf(ad.kids[0]) === OID.adOcsp && isCtx(ad.kids[1], 6)) c.ocspUrls.push(new TextDecoder().decode(ad.kids[1].content));
      }
      break;
  }
}

const byHex = new Map<string, ParsedCert>();
registerCache('pki.certificates', byHex);

/** Parse a DER certificate. Throws DerError when malformed. The result keeps views into `der`. */
export function parseCert(der: Uint8Array): ParsedCert {
  const root = parseDer(der);
  const tbsN = root.kids[0];
  if (!tbsN || root.kids.length !== 3) throw new DerError('not a certificate');
  let i = 0;
  let version = 1;
  if (isCtx(tbsN.kids[0], 0)) { version = Number(intOf(tbsN.kids[0].kids[0])) + 1; i++; }
  const serialN = expectUniv(tbsN.kids[i++], U.INTEGER, 'serial');
  const tbsSig = tbsN.kids[i++];
  const issuerN = tbsN.kids[i++];
  const validity = tbsN.kids[i++];
  const subjectN = tbsN.kids[i++];
  const spkiN = tbsN.kids[i++];
  if (!spkiN) throw new DerError('truncated TBSCertificate');
  const c: ParsedCert = {
    der,
    tbs: tbsN.raw,
    sigAlg: parseAlgId(root.kids[1]),
    signature: bitStringBytes(root.kids[2]),
    version,
    serial: decodeInt(serialN.content),
    serialHex: toHex(serialN.content),
    serialBytes: serialN.content,
    issuer: parseName(issuerN),
    subject: parseName(subjectN),
    notBefore: timeOf(validity.kids[0]),
    notAfter: timeOf(validity.kids[1]),
    spki: spkiN.raw,
    keyAlg: parseAlgId(spkiN.kids[0]),
    publicKey: bitStringBytes(spkiN.kids[1]),
    extensions: new Map(),
    duplicateExtension: false,
    ocspUrls: [],
  };
  if (tbsSig && root.kids[1] && toHex(tbsSig.raw) !== toHex(root.kids[1].raw)) throw new DerError('signature algorithm mismatch');
  for (; i < tbsN.kids.length; i++) {
    const k = tbsN.kids[i];
    if (!isCtx(k, 3)) continue;
    for (const ext of k.kids[0].kids) {
      const oid = oidOf(ext.kids[0]);
      const critical = isUniv(ext.kids[1], U.BOOLEAN) ? boolOf(ext.kids[1]) : false;
      const val = ext.kids[ext.kids.length - 1];
      const e: Extension = { oid, critical, value: expectUniv(val, U.OCTETSTRING, 'extnValue').content };
      if (c.extensions.has(oid)) c.duplicateExtension = true;
      c.extensions.set(oid, e);
      decodeExtension(c, e);
    }
  }
  return c;
}

/**
 * Parse with de-duplication by content (identical DER shares one parsed object across calls);
 * parses a private copy so later changes to the caller's buffer cannot alter a cached result.
 */
export function parseCertShared(der: Uint8Array): ParsedCert {
  const key = toHex(der);
  const h = byHex.get(key);
  if (h) return h;
  const c = parseCert(der.slice());
  if (byHex.size > 5000) byHex.clear();
  byHex.set(key, c);
  return c;
}

export function isSelfIssued(c: ParsedCert, eq: (a: Name, b: Name) => boolean): boolean {
  return eq(c.issuer, c.subject);
}
export function certLabel(c: ParsedCert): string {
  const cn = c.subject.rdns.flat().find((a) => a.type === '2.5.4.3');
  const s = cn ? new TextDecoder().decode(cn.value.content) : c.serialHex;
  return s;
}
