// RFC 3161 timestamp token verification: the token is a CMS SignedData over a TSTInfo, verified as
// a CMS of its own (message digest of the TSTInfo, the TSA's signature through the injected
// CryptoProvider); its message imprint must match the data it stamps (the signature value for a
// signature timestamp, the ByteRange for a document timestamp; not checked for archive
// timestamps); the TSA certificate must carry the timeStamping EKU and chain to a trust anchor
// through the injected ChainValidator. A token whose TSTInfo or signature does not verify is
// TOTAL_FAILED and proves no time (genTime null).

import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { OID, bytesEqual, type DigestName } from './algorithms';
import { digestOfAlgorithm } from '../crypto/algorithms';
import { webCryptoProvider, type CryptoProvider } from '../crypto/provider';
import type { ChainValidator } from './chain';
import { verifySignedData, type SignedDataCheck } from './cms-verify';
import { derOf } from '../cms/signed-data';
import { extendedKeyUsage } from '../crypto/certificate';
import { nameToString } from './identity';
import { finding } from './messages';
import type { Finding, Indication, SubIndication, TimestampReport } from './report';

export type ImprintSource =
  | { kind: 'bytes'; data: Uint8Array }
  | { kind: 'digestOf'; fn: (alg: DigestName) => Promise<Uint8Array> }
  /** The stamped data is not recomputed (archive timestamps). */
  | { kind: 'none' };

export interface TimestampCheck {
  report: TimestampReport;
  genTime: Date | null;
  cms: SignedDataCheck;
}

function hasTimestampEku(cert: pkijs.Certificate): boolean {
  return !!extendedKeyUsage(cert)?.purposes.includes(OID.kpTimeStamping);
}

/**
 * Verify a timestamp token. `validateChain` may be null (no PKI module): the chain is then reported
 * as unchecked and the token at best INDETERMINATE.
 */
export async function verifyTimestampToken(
  token: Uint8Array,
  kind: TimestampReport['kind'],
  imprint: ImprintSource,
  validateChain: ChainValidator | null,
  extra: { pool: Uint8Array[]; crls: Uint8Array[]; ocsps: Uint8Array[] },
  crypto: CryptoProvider = webCryptoProvider,
): Promise<TimestampCheck> {
  const findings: Finding[] = [];
  let indication: Indication = 'TOTAL_PASSED';
  let sub: SubIndication | null = null;
  const degrade = (i: Indication, s: SubIndication, f: Finding) => {
    findings.push(f);
    if (indication === 'TOTAL_PASSED' || (indication === 'INDETERMINATE' && i === 'TOTAL_FAILED')) {
      indication = i;
      sub = s;
    }
  };
  const cms = await verifySignedData(token, { kind: 'encapsulated' }, { crypto });
  const report: TimestampReport = {
    kind, genTime: null, tsa: null, imprintValid: false, signatureValid: false, chainValid: null,
    indication: 'TOTAL_FAILED', subIndication: 'FORMAT_FAILURE', findings,
  };
  let genTime: Date | null = null;
  if (cms.failure) {
    for (const f of cms.findings) degrade(cms.failure.indication, cms.failure.subIndication, f);
  }
  if (!cms.parsed || cms.eContentType !== OID.tstInfo || !cms.eContent) {
    degrade('TOTAL_FAILED', 'FORMAT_FAILURE', finding('TS_INVALID', 'error', { detail: 'not a TSTInfo token' }));
    report.indication = indication;
    report.subIndication = sub;
    return { report, genTime, cms };
  }
  report.signatureValid = cms.signatureOk && cms.messageDigestOk;
  try {
    const tst = new pkijs.TSTInfo({ schema: asn1js.fromBER(cms.eContent).result });
    genTime = tst.genTime;
    report.genTime = genTime.toISOString();
    const alg = digestOfAlgorithm(tst.messageImprint.hashAlgorithm);
    if (imprint.kind === 'none') {
      report.imprintValid = null;
      findings.push(finding('TS_IMPRINT_NOT_CHECKED', 'info', { kind }));
    } else if (!alg || !crypto.hasDigest(alg)) {
      degrade('INDETERMINATE', 'CRYPTO_CONSTRAINTS_FAILURE', finding('ALGORITHM_UNSUPPORTED', 'error', { alg: 'timestamp imprint hash', oid: tst.messageImprint.hashAlgorithm.algorithmId }));
    } else {
      const expected = imprint.kind === 'bytes' ? await crypto.digest(alg, imprint.data) : await imprint.fn(alg);
      report.imprintValid = bytesEqual(new Uint8Array(tst.messageImprint.hashedMessage.valueBlock.valueHexView), expected);
      if (!report.imprintValid) {
        degrade('TOTAL_FAILED', 'HASH_FAILURE', finding(kind === 'document-timestamp' ? 'TS_DOC_IMPRINT_MISMATCH' : 'TS_IMPRINT_MISMATCH', 'error'));
      }
    }
  } catch (e) {
    degrade('TOTAL_FAILED', 'FORMAT_FAILURE', finding('TS_INVALID', 'error', { detail: e instanceof Error ? e.message : 'TSTInfo' }));
  }
  if (cms.signerCert) {
    report.tsa = nameToString(cms.signerCert.subject);
    if (!hasTimestampEku(cms.signerCert)) degrade('TOTAL_FAILED', 'CHAIN_CONSTRAINTS_FAILURE', finding('TS_INVALID', 'error', { detail: 'TSA certificate lacks the timeStamping extended key usage' }));
    if (!validateChain) {
      degrade('INDETERMINATE', 'NO_CERTIFICATE_CHAIN_FOUND', finding('PKI_UNAVAILABLE', 'warning'));
    } else if (genTime) {
      const chain = await validateChain({
        leaf: derOf(cms.signerCert),
        pool: [...cms.certificateDers, ...extra.pool],
        at: genTime, purpose: 'timestamp', crypto,
        evidence: { cms: cms.revocation, dss: { crls: extra.crls, ocsps: extra.ocsps } },
      });
      report.chainValid = chain.status === 'valid';
      if (chain.status === 'no-chain') degrade('INDETERMINATE', 'NO_CERTIFICATE_CHAIN_FOUND', finding('TS_CHAIN', 'warning', { detail: chain.detail_en }));
      else if (chain.status === 'revoked') degrade('INDETERMINATE', 'REVOKED_NO_POE', finding('TS_CHAIN', 'error', { detail: chain.detail_en }));
      else if (chain.status === 'revocation-unknown') degrade('INDETERMINATE', 'TRY_LATER', finding('TS_CHAIN', 'warning', { detail: chain.detail_en }));
      else if (chain.status !== 'valid') degrade('INDETERMINATE', 'CERTIFICATE_CHAIN_GENERAL_FAILURE', finding('TS_CHAIN', 'error', { detail: chain.detail_en }));
    }
  }
  if (indication === 'TOTAL_PASSED' && genTime) findings.push(finding('TS_OK', 'info', { time: genTime.toISOString() }));
  if (!report.signatureValid || report.imprintValid === false) {
    // altered TSTInfo or signature (or an imprint over other data): the token proves nothing
    if ((indication as Indication) !== 'TOTAL_FAILED' && cms.failure?.subIndication !== 'CRYPTO_CONSTRAINTS_FAILURE' && !cms.unverifiable) {
      degrade('TOTAL_FAILED', 'SIG_CRYPTO_FAILURE', finding('TS_INVALID', 'error', { detail: 'the token signature does not verify' }));
    }
    findings.push(finding('TS_TOKEN_INVALID', 'error', { kind }));
    genTime = null;
    report.genTime = null;
  }
  report.indication = indication;
  report.subIndication = sub;
  return { report, genTime, cms };
}
