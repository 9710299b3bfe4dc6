// CRL parsing and the RFC 5280 §6.3 scope rules: issuer/indirect CRLs, issuing distribution
// point matching, onlyContains*/onlySomeReasons, delta CRL selection, entry lookup with
// certificateIssuer tracking and reason codes (certificateHold, removeFromCRL); serial numbers are
// compared by value. The one CRL implementation: the signing side (src-shared/cms/crl.ts) uses it too.
import { DerError, type Tlv, U, bytesEqual, bitsOf, bitStringBytes, boolOf, ctxChild, decodeInt, decodeOid, intOf, parseDer, readTlv, timeOf, tlvContent, tlvKids, tlvRaw, toHex } from './der';
import { type AlgId, type DistributionPoint, type ParsedCert, parseAlgId, parseDistributionPoints } from './cert';
import { type GeneralName, type Name, generalNameEqual, nameAppendRdn, nameKey, parseGeneralNames, parseName } from './names';
import { OID as C } from '../crypto/oids';
import { registerCache } from '../caches';
import { serialKey } from './ocsp';

export const CRL_OID = {
  crlNumber: '2.5.29.20', deltaIndicator: '2.5.29.27', idp: '2.5.29.28', aki: C.authorityKeyIdentifier, issuerAltName: '2.5.29.18',
  freshest: '2.5.29.46', reasonCode: '2.5.29.21', invalidityDate: '2.5.29.24', certIssuer: '2.5.29.29', holdInstruction: '2.5.29.23',
  expiredCertsOnCRL: '2.5.29.60',
} as const;
const KNOWN_CRL_EXT = new Set<string>([CRL_OID.crlNumber, CRL_OID.deltaIndicator, CRL_OID.idp, CRL_OID.aki, CRL_OID.issuerAltName, CRL_OID.freshest, CRL_OID.expiredCertsOnCRL]);
const KNOWN_ENTRY_EXT = new Set<string>([CRL_OID.reasonCode, CRL_OID.invalidityDate, CRL_OID.certIssuer, CRL_OID.holdInstruction]);

export const REASON_NAMES: Record<number, { en: string; vi: string }> = {
  0: { en: 'unspecified', vi: 'không nêu lý do' },
  1: { en: 'key compromise', vi: 'lộ khóa' },
  2: { en: 'CA compromise', vi: 'CA bị xâm phạm' },
  3: { en: 'affiliation changed', vi: 'thay đổi đơn vị công tác' },
  4: { en: 'superseded', vi: 'đã được thay thế' },
  5: { en: 'cessation of operation', vi: 'ngừng hoạt động' },
  6: { en: 'certificate hold', vi: 'tạm dừng chứng thư' },
  8: { en: 'remove from CRL', vi: 'gỡ khỏi CRL' },
  9: { en: 'privilege withdrawn', vi: 'thu hồi đặc quyền' },
  10: { en: 'AA compromise', vi: 'AA bị xâm phạm' },
};
/** ReasonFlags bit for a CRLReason code. */
export function reasonBit(code: number): number {
  if (code >= 1 && code <= 6) return code;
  if (code === 9) return 7;
  if (code === 10) return 8;
  return -1;
}
export const ALL_REASONS = [1, 2, 3, 4, 5, 6, 7, 8];

export interface CrlEntry { date: Date; reason: number; }
export interface IssuingDistPoint {
  fullName?: GeneralName[];
  relativeName?: DistributionPoint['relativeName'];
  onlyUser: boolean;
  onlyCA: boolean;
  onlySomeReasons?: boolean[];
  indirect: boolean;
  onlyAttr: boolean;
  raw: Uint8Array;
}
export interface ParsedCrl {
  der: Uint8Array;
  tbs: Uint8Array;
  sigAlg: AlgId;
  signature: Uint8Array;
  issuer: Name;
  thisUpdate: Date;
  nextUpdate?: Date;
  crlNumber?: bigint;
  deltaBase?: bigint;
  idp?: IssuingDistPoint;
  akiKeyId?: Uint8Array;
  unknownCritical?: string;
  /** key: nameKey(issuer) + '|' + serial hex */
  entries: Map<string, CrlEntry>;
}

function parseIdp(v: Uint8Array): IssuingDistPoint {
  const n = parseDer(v);
  const out: IssuingDistPoint = { onlyUser: false, onlyCA: false, indirect: false, onlyAttr: false, raw: v };
  const dp = ctxChild(n, 0);
  if (dp) {
    const parsed = parseDistributionPoints({ ...n, kids: [{ ...n, kids: [dp] }] })[0];
    out.fullName = parsed.fullName;
    out.relativeName = parsed.relativeName;
  }
  const b = (t: number) => { const k = ctxChild(n, t); return k ? boolOf(k) : false; };
  out.onlyUser = b(1);
  out.onlyCA = b(2);
  const osr = ctxChild(n, 3);
  if (osr) out.onlySomeReasons = bitsOf(osr);
  out.indirect = b(4);
  out.onlyAttr = b(5);
  return out;
}

const crlCache = new Map<string, ParsedCrl>();
registerCache('pki.crls', crlCache);

function extValue(der: Uint8Array, ext: Tlv): { oid: string; critical: boolean; value: Uint8Array } {
  const k = tlvKids(der, ext);
  if (k.length < 2 || k[0].tag !== U.OID) throw new DerError('bad extension');
  const critical = k.length === 3 && k[1].tag === U.BOOLEAN && der[k[1].start + k[1].hl] !== 0;
  const v = k[k.length - 1];
  if (v.tag !== U.OCTETSTRING || v.cls !== 0) throw new DerError('bad extnValue');
  return { oid: decodeOid(tlvContent(der, k[0])), critical, value: tlvContent(der, v) };
}

export function parseCrl(input: Uint8Array): ParsedCrl {
  const key = toHex(input.subarray(0, 64)) + input.length + toHex(input.subarray(input.length - 64));
  const hit = crlCache.get(key);
  if (hit && bytesEqual(hit.der, input)) return hit;
  const der = input.slice(); // private copy: the cached result must not follow later buffer changes
  // the outer structure and the entries are walked with the light TLV reader; the small
  // header fields (names, times, algorithm, extensions) go through the asn1js-based tree
  const rootT = readTlv(der, 0);
  if (rootT.end !== der.length) throw new DerError('trailing data after CRL');
  const top = tlvKids(der, rootT);
  if (top.length !== 3 || top[0].tag !== U.SEQUENCE) throw new DerError('not a CRL');
  const tbsT = top[0];
  const f = tlvKids(der, tbsT);
  let i = 0;
  if (f[i] && f[i].cls === 0 && f[i].tag === U.INTEGER) i++;
  const innerAlg = f[i++];
  if (!innerAlg || !bytesEqual(tlvRaw(der, innerAlg), tlvRaw(der, top[1]))) throw new DerError('CRL signature algorithm mismatch');
  const issuerT = f[i++];
  const thisT = f[i++];
  if (!issuerT || !thisT) throw new DerError('truncated CRL');
  const thisUpdate = timeOf(parseDer(tlvRaw(der, thisT)));
  let nextUpdate: Date | undefined;
  if (f[i] && f[i].cls === 0 && (f[i].tag === U.UTCTIME || f[i].tag === U.GENTIME)) nextUpdate = timeOf(parseDer(tlvRaw(der, f[i++])));
  const crl: ParsedCrl = {
    der, tbs: tlvRaw(der, tbsT), sigAlg: parseAlgId(parseDer(tlvRaw(der, top[1]))), signature: bitStringBytes(parseDer(tlvRaw(der, top[2]))),
    issuer: parseName(parseDer(tlvRaw(der, issuerT))), thisUpdate, nextUpdate, entries: new Map(),
  };
  let revokedT: Tlv | undefined;
  if (f[i] && f[i].cls === 0 && f[i].tag === U.SEQUENCE) revokedT = f[i++];
  const extsT = f[i] && f[i].cls === 2 && f[i].tag === 0 ? f[i] : undefined;
  if (extsT) {
    const seq = tlvKids(der, extsT)[0];
    if (seq) for (const ext of tlvKids(der, seq)) {
      const { oid, critical, value: val } = extValue(der, ext);
      if (critical && !KNOWN_CRL_EXT.has(oid)) crl.unknownCritical = oid;
      if (oid === CRL_OID.crlNumber) crl.crlNumber = intOf(parseDer(val));
      else if (oid === CRL_OID.deltaIndicator) crl.deltaBase = intOf(parseDer(val));
      else if (oid === CRL_OID.idp) crl.idp = parseIdp(val);
      else if (oid === CRL_OID.aki) { const k = ctxChild(parseDer(val), 0); if (k) crl.akiKeyId = k.content; }
    }
  }
  let currentIssuer = nameKey(crl.issuer);
  if (revokedT) for (const e of tlvKids(der, revokedT)) {
    const ek = tlvKids(der, e);
    if (ek.length < 2 || ek[0].tag !== U.INTEGER) throw new DerError('bad CRL entry');
    const serial = serialKey(toHex(tlvContent(der, ek[0])));
    const date = timeOf({ cls: 0, tag: ek[1].tag, cons: false, raw: tlvRaw(der, ek[1]), content: tlvContent(der, ek[1]), kids: [] });
    let reason = 0;
    if (ek[2]) for (const ext of tlvKids(der, ek[2])) {
      const { oid, critical, value: val } = extValue(der, ext);
      if (critical && !KNOWN_ENTRY_EXT.has(oid)) crl.unknownCritical = oid;
      if (oid === CRL_OID.reasonCode) {
        const rt = readTlv(val, 0);
        reason = Number(decodeInt(tlvContent(val, rt)));
      } else if (oid === CRL_OID.certIssuer && crl.idp?.indirect) {
        const dn = parseGeneralNames(parseDer(val)).find((g) => g.kind === 'dn');
        if (dn && dn.kind === 'dn') currentIssuer = nameKey(dn.value);
      }
    }
    crl.entries.set(currentIssuer + '|' + serial, { date, reason });
  }
  if (crlCache.size > 64) crlCache.clear();
  crlCache.set(key, crl);
  return crl;
}

/** Why a CRL does not apply to / cannot be used for a certificate. */
export type ScopeMiss =
  | 'issuer' | 'dp-name' | 'only-user' | 'only-ca' | 'only-attr' | 'indirect-required';

function dpNames(dp: { fullName?: GeneralName[]; relativeName?: DistributionPoint['relativeName'] }, base: Name | undefined): GeneralName[] {
  if (dp.fullName) return dp.fullName;
  if (dp.relativeName && base) return [{ kind: 'dn', value: nameAppendRdn(base, dp.relativeName) }];
  return [];
}

/**
 * §6.3.3 (b): does `crl` cover `cert` (issued by `certIssuer`) for distribution point `dp`?
 * `dp` undefined means the certificate has no CRL distribution points extension.
 */
export function crlScopeMatches(crl: ParsedCrl, cert: ParsedCert, dp: DistributionPoint | undefined): ScopeMiss | undefined {
  const crlIssuerDn: GeneralName = { kind: 'dn', value: crl.issuer };
  if (dp?.crlIssuer) {
    if (!dp.crlIssuer.some((g) => generalNameEqual(g, crlIssuerDn))) return 'issuer';
    if (!crl.idp?.indirect) return 'indirect-required';
  } else if (nameKey(crl.issuer) !== nameKey(cert.issuer)) {
    // indirect CRL without a cRLIssuer field in the certificate: the entry's certificateIssuer decides
    if (!crl.idp?.indirect) return 'issuer';
  }
  const idp = crl.idp;
  if (idp) {
    const idpN = dpNames(idp, crl.issuer);
    if (idpN.length > 0) {
      let certN: GeneralName[] = [];
      if (dp) {
        certN = dpNames(dp, dp.crlIssuer ? undefined : cert.issuer);
        if (dp.relativeName && dp.crlIssuer) {
          const dn = dp.crlIssuer.find((g) => g.kind === 'dn');
          if (dn && dn.kind === 'dn') certN = [{ kind: 'dn', value: nameAppendRdn(dn.value, dp.relativeName) }];
        }
        if (certN.length === 0 && dp.crlIssuer) certN = dp.crlIssuer;
      }
      if (!certN.some((a) => idpN.some((b) => generalNameEqual(a, b)))) return 'dp-name';
    }
    const isCa = !!cert.basicConstraints?.ca;
    if (idp.onlyUser && isCa) return 'only-user';
    if (idp.onlyCA && !isCa) return 'only-ca';
    if (idp.onlyAttr) return 'only-attr';
  }
  return undefined;
}

/** §6.3.3 (d): reasons this CRL can vouch for, for the given distribution point. */
export function interimReasons(crl: ParsedCrl, dp: DistributionPoint | undefined): Set<number> {
  const fromBits = (b: boolean[]) => new Set(ALL_REASONS.filter((r) => b[r]));
  const idpR = crl.idp?.onlySomeReasons ? fromBits(crl.idp.onlySomeReasons) : undefined;
  const dpR = dp?.reasons ? fromBits(dp.reasons) : undefined;
  if (idpR && dpR) return new Set([...idpR].filter((r) => dpR.has(r)));
  return idpR ?? dpR ?? new Set(ALL_REASONS);
}

export function lookupEntry(crl: ParsedCrl, cert: ParsedCert): CrlEntry | undefined {
  return crl.entries.get(nameKey(cert.issuer) + '|' + serialKey(cert.serialHex));
}

export function crlIsFresh(crl: ParsedCrl, time: Date): boolean {
  if (!crl.nextUpdate) return true;
  return crl.nextUpdate.getTime() >= time.getTime() || crl.thisUpdate.getTime() >= time.getTime();
}

/** Same scope for delta matching: identical IDP encodings (or both absent) and same issuer. */
export function sameScope(a: ParsedCrl, b: ParsedCrl): boolean {
  if (nameKey(a.issuer) !== nameKey(b.issuer)) return false;
  if (!a.idp && !b.idp) return true;
  if (!a.idp || !b.idp) return false;
  return toHex(a.idp.raw) === toHex(b.idp.raw);
}
