// ChainValidator backed by the PKI module's RFC 5280 validatePath: trust anchors from
// configuration, revocation offline (embedded CMS/DSS data + local cache) or online (OCSP/CRL
// fetched with timeouts through injected HTTP functions). Maps PathResult onto the verifier's
// chain statuses; an undetermined revocation status is never reported as valid.

import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { parseCrl, parseOcsp, validatePath, type PathResult, type RevocationCache, type RevocationFetcher } from '../pki';
import { parseCertShared } from '../pki/cert';
import { type DerNode, stringOf } from '../pki/der';
import { toHex } from './algorithms';
import type { ChainRequest, ChainResult, ChainValidator } from './chain';
import { ATTR_NAMES, formatName, nameToString } from './identity';
import type { RevocationReport } from './report';

export interface TrustConfig {
  /** DER trust anchors (test roots, national roots). */
  anchors: Uint8Array[];
  /** 'offline': embedded data and cache only; 'online': then OCSP/CRL over the network. */
  mode: 'offline' | 'online';
  cache?: RevocationCache;
  fetcher?: RevocationFetcher;
}

/** A string attribute value as text, anything else as #hex (the same text identity.ts gives). */
function avaText(v: DerNode): string {
  const s = v.cls === 0 ? stringOf(v) : undefined;
  return s ?? '#' + toHex(v.content);
}

/** Subject of a chain certificate, from the PKI module's parse (validatePath has already made it). */
function subjectOf(der: Uint8Array): string {
  try {
    const name = parseCertShared(der).subject;
    return formatName(name.rdns.flat().map((a) => [ATTR_NAMES[a.type] ?? a.type, avaText(a.value)] as [string, string]));
  } catch {
    try {
      return nameToString(new pkijs.Certificate({ schema: asn1js.fromBER(der).result }).subject);
    } catch {
      return '?';
    }
  }
}

function contains(list: Uint8Array[], item: Uint8Array): boolean {
  return list.some((x) => x.length === item.length && x.every((b, i) => b === item[i]));
}

function revocationOf(r: PathResult, req: ChainRequest, mode: TrustConfig['mode']): RevocationReport {
  const leaf = r.revocation?.find((x) => x.index === 0);
  if (!r.revocationChecked || !leaf) return { status: 'not-checked', source: null };
  const used = [...(r.usedCrls ?? []), ...(r.usedOcsps ?? [])];
  const inCms = used.some((u) => contains(req.evidence.cms.crls, u) || contains(req.evidence.cms.ocsps, u));
  const inDss = used.some((u) => contains(req.evidence.dss.crls, u) || contains(req.evidence.dss.ocsps, u));
  // not embedded: from the local cache (offline) or fetched / cached earlier (online)
  const source = inDss ? 'dss' : inCms ? 'cms-archival' : used.length > 0 ? (mode === 'offline' ? 'cache' : 'online') : null;
  return {
    status: leaf.status,
    source,
    checkedAt: evidenceTime(r),
    revokedAt: leaf.revokedAt ? leaf.revokedAt.toISOString() : null,
    reason_vi: leaf.detailVi ?? leaf.detail,
    reason_en: leaf.detail,
  };
}

/** When the freshest revocation evidence used was issued: OCSP producedAt, else CRL thisUpdate. */
function evidenceTime(r: PathResult): string | null {
  let best: Date | null = null;
  const keep = (d: Date | undefined) => {
    if (d && !Number.isNaN(d.getTime()) && (!best || d > best)) best = d;
  };
  for (const o of r.usedOcsps ?? []) {
    try {
      keep(parseOcsp(o).producedAt);
    } catch {
      /* not readable here: its time is not reported */
    }
  }
  if (!best) {
    for (const c of r.usedCrls ?? []) {
      try {
        keep(parseCrl(c).thisUpdate);
      } catch {
        /* idem */
      }
    }
  }
  return best ? (best as Date).toISOString() : null;
}

export function pkiChainValidator(cfg: TrustConfig): ChainValidator {
  return async (req: ChainRequest): Promise<ChainResult> => {
    const r = await validatePath(req.leaf, {
      intermediates: req.pool,
      anchors: cfg.anchors,
      time: req.at,
      crypto: req.crypto,
      revocation: {
        mode: cfg.mode,
        crls: [...req.evidence.cms.crls, ...req.evidence.dss.crls],
        ocsps: [...req.evidence.cms.ocsps, ...req.evidence.dss.ocsps],
        cache: cfg.cache,
        fetcher: cfg.mode === 'online' ? cfg.fetcher : undefined,
      },
    });
    const revocation = revocationOf(r, req, cfg.mode);
    const base = {
      chain: r.chain.map(subjectOf),
      ders: r.chain,
      detail_vi: r.reason?.message_vi ?? '',
      detail_en: r.reason?.message_en ?? '',
      revocation,
    };
    if (r.status === 'VALID') return { status: 'valid', ...base };
    const code = r.reason?.code ?? '';
    // not a revocation question: the chain's own signature algorithm cannot be checked here
    if (code === 'PKI_ALGORITHM_UNSUPPORTED') return { status: 'invalid', ...base };
    if (code === 'PKI_REVOCATION_UNKNOWN' || r.status === 'INDETERMINATE') {
      if (revocation.status === 'not-checked') revocation.status = 'unknown';
      return { status: 'revocation-unknown', ...base };
    }
    if (code === 'PKI_NO_PATH') return { status: 'no-chain', ...base };
    if (code === 'PKI_REVOKED') {
      const rv = r.revocation?.find((x) => x.status === 'revoked');
      return { status: 'revoked', ...base, revocation: { ...revocation, status: 'revoked', revokedAt: rv?.revokedAt?.toISOString() ?? null } };
    }
    if (code === 'PKI_EXPIRED') return { status: 'expired', ...base };
    if (code === 'PKI_NOT_YET_VALID') return { status: 'not-yet-valid', ...base };
    return { status: 'invalid', ...base };
  };
}
