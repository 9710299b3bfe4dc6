// The signature panel's reading of a verification report (src-renderer/components/signature-panel/model.ts):
// the five-state icon, trust and time lines, revocation unknown because offline (indeterminate,
// never invalid), the re-check decision when the network returns, and the signed revision's bytes.
import { describe, expect, it } from 'vitest';
import {
  formatFingerprint, parseIdentifier, rowStatus, shouldRecheckOnline, signedRevisionBytes, timeLine, toPem, trustLine, type PanelReport, type PanelSignature,
} from '../../src-renderer/components/signature-panel/model';

function sig(over: Partial<PanelSignature> = {}): PanelSignature {
  return {
    field: 'KyDuyet', kind: 'signature', subFilter: 'ETSI.CAdES.detached', revision: 2, byteRange: [0, 10, 30, 20],
    indication: 'TOTAL_PASSED', subIndication: null, integrity: 'intact', coversWholeRevision: true, coversWholeDocument: true,
    modificationsAfter: 'none', changesAfter: [], docMdpPermission: null, signer: null,
    signingTime: { claimed: '2025-01-02T03:04:05.000Z', claimedSource: 'signing-time-attribute', proven: null, provenBy: null },
    level: 'B-B', digestAlgorithm: 'SHA-256', signatureAlgorithm: 'RSA', certificateChain: ['CN=A', 'CN=CA', 'CN=Root'],
    revocation: { status: 'good', source: 'online' }, timestamps: [], findings: [], summary_vi: '', summary_en: '', ...over,
  };
}
const report = (sigs: PanelSignature[]): PanelReport => ({
  file: 'a.pdf', verdict: 'TOTAL_PASSED', signatures: sigs, revisions: 2, validationTime: '2025-01-02T03:04:05.000Z', findings: [], summary_vi: '', summary_en: '',
});
const warn = { code: 'X', severity: 'warning' as const, message_vi: 'x', message_en: 'x' };

describe('signature panel model', () => {
  it('derives the five states from indication, findings and DocMDP', () => {
    expect(rowStatus(sig())).toBe('valid');
    expect(rowStatus(sig({ findings: [warn] }))).toBe('warning');
    expect(rowStatus(sig({ docMdpPermission: 2 }))).toBe('certified');
    expect(rowStatus(sig({ indication: 'INDETERMINATE', subIndication: 'NO_CERTIFICATE_CHAIN_FOUND' }))).toBe('indeterminate');
    expect(rowStatus(sig({ indication: 'TOTAL_FAILED', subIndication: 'HASH_FAILURE', docMdpPermission: 1 }))).toBe('invalid');
  });

  it('shows revocation unknown because offline as indeterminate with the reason, and re-checks it online', () => {
    const s = sig({ indication: 'INDETERMINATE', subIndication: 'TRY_LATER', revocation: { status: 'unknown', source: null, reason_vi: 'ngoại tuyến', reason_en: 'offline' } });
    expect(rowStatus(s)).toBe('indeterminate');
    const t = trustLine(s);
    expect(t).toMatchObject({ chain: 'trusted', revocation: 'unknown', reason: { message_en: 'offline' } });
    expect(shouldRecheckOnline({ offline: false, report: report([s]) })).toBe(true);
    expect(shouldRecheckOnline({ offline: true, report: report([sig()]) })).toBe(true);
    expect(shouldRecheckOnline({ offline: false, report: report([sig()]) })).toBe(false);
    expect(shouldRecheckOnline(null)).toBe(false);
  });

  it('says where the signing time comes from', () => {
    expect(timeLine(sig())).toEqual({ kind: 'claimed', time: '2025-01-02T03:04:05.000Z', source: 'signing-time-attribute' });
    const proven = sig({
      signingTime: { claimed: '2025-01-02T03:04:05.000Z', claimedSource: 'M', proven: '2025-01-02T03:04:06.000Z', provenBy: 'signature-timestamp' },
      timestamps: [{ kind: 'signature-timestamp', genTime: '2025-01-02T03:04:06.000Z', tsa: 'CN=Test TSA, O=X', imprintValid: true, signatureValid: true, chainValid: true, indication: 'TOTAL_PASSED', subIndication: null, findings: [] }],
    });
    expect(timeLine(proven)).toMatchObject({ kind: 'proven', by: 'signature-timestamp', tsa: 'Test TSA' });
  });

  it('names an untrusted chain and a revoked certificate', () => {
    expect(trustLine(sig({ indication: 'INDETERMINATE', subIndication: 'NO_CERTIFICATE_CHAIN_FOUND', certificateChain: [] })).chain).toBe('untrusted');
    expect(trustLine(sig({ indication: 'TOTAL_FAILED', subIndication: 'REVOKED', revocation: { status: 'revoked', source: 'dss' } })).chain).toBe('revoked');
    expect(trustLine(sig()).anchor).toBe('Root');
  });

  it('cuts the signed revision at the end of the byte range, and refuses a range outside the file', () => {
    const file = new Uint8Array(80).map((_, i) => i);
    expect([...signedRevisionBytes(sig(), file)!]).toEqual([...file.subarray(0, 50)]);
    expect(signedRevisionBytes(sig({ byteRange: [0, 10, 70, 20] }), file)).toBeNull();
    expect(signedRevisionBytes(sig({ byteRange: null }), file)).toBeNull();
  });

  it('reads identifiers, formats fingerprints and PEM', () => {
    expect(parseIdentifier('MST:0101234567')).toEqual({ kind: 'MST', value: '0101234567' });
    expect(parseIdentifier('CCCD:001085012345')).toEqual({ kind: 'CCCD', value: '001085012345' });
    expect(formatFingerprint('0a1bff')).toBe('0A:1B:FF');
    const pem = toPem(new Uint8Array([1, 2, 3]));
    expect(pem).toBe('-----BEGIN CERTIFICATE-----\nAQID\n-----END CERTIFICATE-----\n');
  });
});
