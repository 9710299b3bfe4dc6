// The certificate viewer (a Fluent UI dialog): the chain from the signer (or TSA) to the trust
// anchor, and for the certificate chosen its names with the Vietnamese identifiers (MST, CCCD,
// CMND…), serial, validity, key, key usage, SHA-1 and SHA-256 fingerprints, and export as DER or
// PEM (a download through a Blob URL). Names come from the certificate: React text only.

import { Fragment, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button, Dialog, DialogActions, DialogBody, DialogContent, DialogSurface, DialogTitle } from '@fluentui/react-components';
import type { CertificateDetail } from '../../../src-shared/verify/report';
import { formatDateTime } from '../../i18n';
import { bytesToBlob } from '../files';
import { commonNameOf, formatFingerprint, parseIdentifier, toPem } from '../signature-panel/model';
import './certificate.css';

const KNOWN_IDS = new Set(['MST', 'CCCD', 'CMND', 'HC', 'MNS', 'BHXH']);
const EKU: Record<string, string> = {
  '1.3.6.1.5.5.7.3.1': 'serverAuth', '1.3.6.1.5.5.7.3.2': 'clientAuth', '1.3.6.1.5.5.7.3.3': 'codeSigning', '1.3.6.1.5.5.7.3.4': 'emailProtection',
  '1.3.6.1.5.5.7.3.8': 'timeStamping', '1.3.6.1.5.5.7.3.9': 'ocspSigning', '1.3.6.1.5.5.7.3.36': 'documentSigning', '1.3.6.1.4.1.311.10.3.12': 'documentSigning',
  '1.2.840.113583.1.1.5': 'pdfAuthenticDocuments',
};

/** A certificate with its DER (from the report's certificateDers), null when the report lacks it. */
export type ViewerCertificate = CertificateDetail & { der: Uint8Array | null };

export interface CertificateViewerProps {
  open: boolean;
  /** Signer (or TSA) first, then the path to the anchor. */
  certificates: ViewerCertificate[];
  title: string;
  onClose(): void;
}

export function CertificateViewer({ open, certificates, title, onClose }: CertificateViewerProps) {
  const { t } = useTranslation('certificate');
  const [index, setIndex] = useState(0);
  useEffect(() => setIndex(0), [certificates]);
  const cert = certificates[index] ?? certificates[0];
  // anchor at the top, as certificate viewers show a path
  const chain = certificates.map((c, i) => ({ c, i })).reverse();
  return (
    <Dialog open={open} onOpenChange={(_, d) => { if (!d.open) onClose(); }}>
      <DialogSurface className="cert-surface" data-testid="certificate-viewer">
        <DialogBody>
          <DialogTitle>{t('title', { name: title })}</DialogTitle>
          <DialogContent>
            {!cert ? (
              <p>{t('none')}</p>
            ) : (
              <div className="cert-layout">
                <nav aria-label={t('chain')} className="cert-chain">
                  <h3 className="cert-h">{t('chain')}</h3>
                  <ol data-testid="certificate-chain">
                    {chain.map(({ c, i }, depth) => (
                      <li key={i} style={{ paddingInlineStart: `${depth * 12}px` }}>
                        <button
                          type="button"
                          className="cert-chain-item"
                          aria-current={i === index ? 'true' : undefined}
                          data-testid="chain-item"
                          onClick={() => setIndex(i)}
                        >
                          <span>{c.commonName ?? commonNameOf(c.subject)}</span>
                          <span className="cert-role">{i === 0 ? t('role.signer') : c.selfSigned ? t('role.root') : t('role.intermediate')}</span>
                        </button>
                      </li>
                    ))}
                  </ol>
                </nav>
                <CertificateDetails cert={cert} />
              </div>
            )}
          </DialogContent>
          <DialogActions>
            {cert && <ExportLinks cert={cert} />}
            <Button appearance="primary" onClick={onClose}>{t('common:close')}</Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}

function CertificateDetails({ cert }: { cert: ViewerCertificate }) {
  const { t } = useTranslation('certificate');
  const now = Date.now();
  const validity = now < new Date(cert.notBefore).getTime() ? 'notYet' : now > new Date(cert.notAfter).getTime() ? 'expired' : 'valid';
  return (
    <dl className="cert-details" data-testid="certificate-details">
      <dt>{t('field.commonName')}</dt>
      <dd data-testid="cert-cn">{cert.commonName ?? '—'}</dd>
      {cert.organization && (
        <>
          <dt>{t('field.organization')}</dt>
          <dd>{cert.organization}</dd>
        </>
      )}
      {cert.identifiers.map((id, i) => {
        const { kind, value } = parseIdentifier(id);
        return (
          <Fragment key={i}>
            <dt>{KNOWN_IDS.has(kind) ? t(`identifier.${kind}`) : t('identifier.other')}</dt>
            <dd data-testid="cert-identifier" data-kind={kind}>{KNOWN_IDS.has(kind) ? value : id}</dd>
          </Fragment>
        );
      })}
      {cert.email && (
        <>
          <dt>{t('field.email')}</dt>
          <dd>{cert.email}</dd>
        </>
      )}
      <dt>{t('field.subject')}</dt>
      <dd className="cert-mono">{cert.subject}</dd>
      <dt>{t('field.issuer')}</dt>
      <dd className="cert-mono">{cert.issuer}</dd>
      <dt>{t('field.serial')}</dt>
      <dd className="cert-mono" data-testid="cert-serial">{formatFingerprint(cert.serialNumber)}</dd>
      <dt>{t('field.validity')}</dt>
      <dd data-testid="cert-validity" data-validity={validity}>
        {t('validity.range', { from: formatDateTime(cert.notBefore), to: formatDateTime(cert.notAfter) })} — {t(`validity.${validity}`)}
      </dd>
      <dt>{t('field.key')}</dt>
      <dd>{t('key', { alg: cert.keyAlgorithm, bits: cert.keyBits })}</dd>
      <dt>{t('field.keyUsage')}</dt>
      <dd data-testid="cert-key-usage">{cert.keyUsage.length ? cert.keyUsage.map((k) => t(`keyUsage.${k}`)).join(', ') : t('keyUsage.none')}</dd>
      {cert.extendedKeyUsage.length > 0 && (
        <>
          <dt>{t('field.extendedKeyUsage')}</dt>
          <dd>{cert.extendedKeyUsage.map((o) => (EKU[o] ? t(`eku.${EKU[o]}`) : o)).join(', ')}</dd>
        </>
      )}
      <dt>{t('field.ca')}</dt>
      <dd>{cert.isCa ? t('yes') : t('no')}</dd>
      <dt>{t('field.sha1')}</dt>
      <dd className="cert-mono" data-testid="cert-sha1">{formatFingerprint(cert.sha1)}</dd>
      <dt>{t('field.sha256')}</dt>
      <dd className="cert-mono" data-testid="cert-sha256">{formatFingerprint(cert.sha256)}</dd>
    </dl>
  );
}

/** Download links for the DER and the PEM, through Blob URLs revoked when the certificate changes. */
function ExportLinks({ cert }: { cert: ViewerCertificate }) {
  const { t } = useTranslation('certificate');
  const base = (cert.commonName ?? 'certificate').replace(/[^\p{L}\p{N}._-]+/gu, '_').slice(0, 60) || 'certificate';
  const der = cert.der;
  const urls = useMemo(
    () => der && ({
      der: URL.createObjectURL(bytesToBlob(der, 'application/pkix-cert')),
      pem: URL.createObjectURL(new Blob([toPem(der)], { type: 'application/x-pem-file' })),
    }),
    [der],
  );
  useEffect(() => () => { if (urls) { URL.revokeObjectURL(urls.der); URL.revokeObjectURL(urls.pem); } }, [urls]);
  if (!urls) return null;
  return (
    <>
      <a className="cert-export" href={urls.der} download={`${base}.cer`} data-testid="export-der">{t('export.der')}</a>
      <a className="cert-export" href={urls.pem} download={`${base}.pem`} data-testid="export-pem">{t('export.pem')}</a>
    </>
  );
}
