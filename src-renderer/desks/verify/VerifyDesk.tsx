// Xác minh chữ ký (verify signatures): pick a signed PDF, get the report in Vietnamese with the
// English beside it — verdict, each signature's indication, signer, claimed vs proven time,
// level, coverage and what changed after it.

import { useState } from 'react';
import { vanthu } from '../../shell/vanthu';
import { describeError, fileBytes } from '../../components/files';
import type { Res } from '../../../src-shared/ipc/contract';
import { INDICATION_TEXT } from '../../../src-shared/verify/messages';
import { toSafeFileName } from '../../../src-shared/domain/filename';

type Report = Res<'verify.pdf'>;

/** Times are shown in Vietnam's time zone (ICT, UTC+07:00). */
const vnTime = (iso: string | null) =>
  iso ? `${new Date(iso).toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', hour12: false })} (GMT+7)` : '—';

const VERDICT_VI = (indication: string): string =>
  INDICATION_TEXT[indication as keyof typeof INDICATION_TEXT]?.vi ?? indication;

export function VerifyDesk() {
  const [report, setReport] = useState<Report | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [offline, setOffline] = useState(false);

  async function onFile(file: File | undefined) {
    if (!file) return;
    setBusy(true);
    setError(null);
    setReport(null);
    try {
      setReport(await vanthu.verify.pdf({ name: toSafeFileName(file.name), data: await fileBytes(file), offline }));
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-labelledby="verify-title">
      <h2 id="verify-title">Xác minh chữ ký số</h2>
      <label htmlFor="verify-file">Tệp PDF đã ký</label>
      <input id="verify-file" type="file" accept="application/pdf,.pdf" onChange={(e) => onFile(e.target.files?.[0])} />
      <label>
        <input type="checkbox" checked={offline} onChange={(e) => setOffline(e.target.checked)} /> Chỉ dùng dữ liệu ngoại tuyến (không
        tra cứu OCSP/CRL qua mạng)
      </label>
      {busy && <p>Đang xác minh…</p>}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {report && (
        <div data-testid="verify-report">
          <p>
            <strong>Kết luận: </strong>
            <span data-testid="verify-verdict" data-verdict={report.verdict}>
              {VERDICT_VI(report.verdict)} ({report.verdict})
            </span>
          </p>
          <p>{report.summary_vi}</p>
          <table>
            <thead>
              <tr>
                <th>Trường ký</th>
                <th>Người ký</th>
                <th>Kết quả</th>
                <th>Thời điểm ký</th>
                <th>Mức</th>
                <th>Thay đổi sau khi ký</th>
              </tr>
            </thead>
            <tbody>
              {report.signatures.map((s) => (
                <tr key={s.field}>
                  <td>{s.field}</td>
                  <td>{s.signer?.commonName ?? '—'}</td>
                  <td>
                    {VERDICT_VI(s.indication)} {s.subIndication ? `(${s.subIndication})` : ''}
                    <br />
                    <small>{s.summary_vi}</small>
                  </td>
                  <td>
                    {s.signingTime.proven ? `${vnTime(s.signingTime.proven)}, theo dấu thời gian` : `${vnTime(s.signingTime.claimed)}, do người ký tự khai`}
                  </td>
                  <td>{s.level}</td>
                  <td>
                    {s.modificationsAfter === 'none' ? 'Không' : s.modificationsAfter === 'allowed' ? 'Được phép' : 'KHÔNG được phép'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
