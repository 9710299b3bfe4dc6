// Where to fetch revocation data and issuers from: AIA (id-ad-ocsp, id-ad-caIssuers) and CRL
// distribution points of a certificate, limited to http(s) URIs.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { OID } from '../crypto/oids';

function extension(cert: pkijs.Certificate, oid: string): pkijs.Extension | undefined {
  return cert.extensions?.find((e) => e.extnID === oid);
}

function isHttp(u: string): boolean {
  return /^https?:\/\//i.test(u);
}

function aia(cert: pkijs.Certificate, method: string): string[] {
  const ext = extension(cert, OID.authorityInfoAccess);
  if (!ext) return [];
  const parsed = (ext.parsedValue as pkijs.InfoAccess | undefined) ?? new pkijs.InfoAccess({ schema: asn1js.fromBER(ext.extnValue.valueBlock.valueHexView).result });
  return parsed.accessDescriptions
    .filter((d) => d.accessMethod === method && d.accessLocation.type === 6)
    .map((d) => String(d.accessLocation.value))
    .filter(isHttp);
}

export function ocspUrls(cert: pkijs.Certificate): string[] {
  return aia(cert, OID.adOcsp);
}

export function caIssuersUrls(cert: pkijs.Certificate): string[] {
  return aia(cert, OID.adCaIssuers);
}

export function crlUrls(cert: pkijs.Certificate): string[] {
  const ext = extension(cert, OID.crlDistributionPoints);
  if (!ext) return [];
  const parsed = (ext.parsedValue as pkijs.CRLDistributionPoints | undefined) ?? new pkijs.CRLDistributionPoints({ schema: asn1js.fromBER(ext.extnValue.valueBlock.valueHexView).result });
  const out: string[] = [];
  for (const dp of parsed.distributionPoints) {
    if (Array.isArray(dp.distributionPoint)) {
      for (const gn of dp.distributionPoint) if (gn.type === 6 && isHttp(String(gn.value))) out.push(String(gn.value));
    }
  }
  return out;
}
