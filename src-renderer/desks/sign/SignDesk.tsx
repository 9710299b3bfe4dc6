// Ký số (sign): choose PDFs, a credential (a USB token already unlocked, or a PKCS#12 file), the
// PAdES level and, optionally, a Decree 30 visible signature (ký duyệt, phát hành, phụ lục, sao).
// Several files are signed as one batch with one credential session, with progress shown.

import { useEffect, useState } from 'react';
import { vanthu } from '../../shell/vanthu';
import { describeError, downloadUrl, fileBytes } from '../../components/files';
import type { Req, Res } from '../../../src-shared/ipc/contract';
import type { DemoHolder, DemoRole } from '../../../src-shared/domain/demo';
import { INDICATION_TEXT } from '../../../src-shared/verify/messages';
import { toSafeFileName } from '../../../src-shared/domain/filename';

/** A document of the local store opened for signing: the signed file is saved as its next version. */
export interface SignTarget {
  docId: string;
  parentSha256: string;
  file: File;
  /** The document's workflow status (an approved one is what the clerk seals). */
  status?: string;
  save(signed: Uint8Array, fileName: string): Promise<void>;
}
type DemoInfo = NonNullable<Res<'profile.state'>['demo']>;
type Report = Res<'verify.pdf'>;

const DEMO_HOLDERS: { value: DemoHolder; label: string }[] = [
  { value: 'leader', label: 'Lãnh đạo — ký duyệt' },
  { value: 'organisation', label: 'Cơ quan (văn thư phát hành) — con dấu' },
  { value: 'clerk', label: 'Văn thư — cá nhân' },
  { value: 'specialist', label: 'Chuyên viên — cá nhân' },
];
const holderForRole: Record<DemoRole, DemoHolder> = { leader: 'leader', clerk: 'organisation', specialist: 'specialist' };

type Batch = Res<'sign.batch'>;
type Visible = NonNullable<Req<'sign.batch'>['visible']>;
type Tokens = Res<'tokens.list'>;

const KINDS: { value: '' | Visible['kind']; label: string }[] = [
  { value: '', label: 'Không hiển thị (chữ ký ẩn)' },
  { value: 'signer', label: 'Ký duyệt — ảnh chữ ký (người có thẩm quyền)' },
  { value: 'organisation', label: 'Phát hành — ảnh con dấu (văn thư)' },
  { value: 'attachment', label: 'Phụ lục kèm theo (góc trên bên phải trang 1)' },
  { value: 'copy', label: 'Bản sao điện tử (sao y / sao lục / trích sao)' },
];

export function SignDesk({ target = null, demo = null, role = 'clerk' }: { target?: SignTarget | null; demo?: DemoInfo | null; role?: DemoRole }) {
  const [files, setFiles] = useState<File[]>(target ? [target.file] : []);
  const [credKind, setCredKind] = useState<'token' | 'p12' | 'demo'>(demo ? 'demo' : 'token');
  const [holder, setHolder] = useState<DemoHolder>(holderForRole[role]);
  const [verified, setVerified] = useState<Report[]>([]);
  const [tokens, setTokens] = useState<Tokens | null>(null);
  const [tokenLabel, setTokenLabel] = useState('');
  const [p12, setP12] = useState<File | null>(null);
  const [password, setPassword] = useState('');
  const [level, setLevel] = useState<'B-B' | 'B-T' | 'B-LT' | 'B-LTA'>('B-B');
  const box = demo && target ? demo.signatureBoxes[target.parentSha256] : undefined;
  // In the demo the kind follows the role: the leader's ký duyệt in the box between title and
  // name, the clerk's seal over it once the leader has signed (approved), otherwise invisible.
  const [kind, setKind] = useState<'' | Visible['kind']>(
    !demo ? '' : holderForRole[role] === 'leader' && box ? 'signer' : holderForRole[role] === 'organisation' && target?.status === 'approved' ? 'organisation' : '',
  );
  const [image, setImage] = useState<File | null>(null);
  const [rect, setRect] = useState(box ? [box.rect[0], box.rect[1], box.rect[2] - box.rect[0], box.rect[3] - box.rect[1]].map((v) => Math.round(v)).join(',') : '330,120,200,110');
  const [pageIndex] = useState(box?.page ?? 0);
  const [title, setTitle] = useState('KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH');
  const [fullName, setFullName] = useState('');
  const [docNumber, setDocNumber] = useState('');
  const [copyForm, setCopyForm] = useState<'SAO Y' | 'SAO LỤC' | 'TRÍCH SAO'>('SAO Y');
  const [agency, setAgency] = useState('');
  const [progress, setProgress] = useState<string>('');
  const [result, setResult] = useState<Batch | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    vanthu.tokens
      .list()
      .then((t) => {
        setTokens(t);
        if (t.tokens[0]) setTokenLabel(t.tokens[0].label);
      })
      .catch(() => setTokens({ modules: [], tokens: [] }));
    return vanthu.on('progress', (p) => setProgress(`${p.done}/${p.total} ${p.item ?? ''}`));
  }, []);

  async function visibleSpec(): Promise<Visible | undefined> {
    if (!kind) return undefined;
    const r = rect.split(',').map(Number) as [number, number, number, number];
    const spec: Visible = { kind, pageIndex };
    if (kind === 'signer') {
      spec.rect = r;
      // on a sample document the title and name are printed already: the image goes between them
      spec.title = box ? [] : title.split('\n').filter(Boolean);
      if (fullName || box) spec.fullName = box ? '' : fullName;
      if (image) spec.signatureImage = await fileBytes(image);
    } else if (kind === 'organisation') {
      if (image) spec.sealImage = await fileBytes(image);
    } else {
      spec.documentNumber = docNumber;
      if (kind === 'copy') {
        spec.copyForm = copyForm;
        spec.copyingAgency = agency;
      }
    }
    return spec;
  }

  async function sign() {
    setError(null);
    setResult(null);
    try {
      const credential =
        credKind === 'token'
          ? { kind: 'token' as const, tokenLabel }
          : credKind === 'demo'
            ? { kind: 'demo' as const, holder }
            : { kind: 'p12' as const, p12: p12 ? await fileBytes(p12) : new Uint8Array(0), password };
      const items = await Promise.all(files.map(async (f) => ({ name: toSafeFileName(f.name), data: await fileBytes(f) })));
      setVerified([]);
      const res = await vanthu.sign.batch({ taskId: crypto.randomUUID(), items, level, credential, visible: await visibleSpec() });
      setResult(res);
      // Each signed file is saved (as the document's next version) and verified at once.
      const reports: Report[] = [];
      for (const r of res.results) {
        if (!r.ok || !r.file) continue;
        if (target) await target.save(r.file.signed, r.file.name);
        reports.push(await vanthu.verify.pdf({ name: r.file.name, data: r.file.signed, offline: true }));
        setVerified([...reports]);
      }
    } catch (e) {
      setError(describeError(e));
    } finally {
      setPassword('');
    }
  }

  return (
    <section className="card" aria-labelledby="sign-title">
      <h2 id="sign-title">Ký số văn bản</h2>
      <label htmlFor="sign-files">Tệp PDF cần ký (có thể chọn nhiều tệp)</label>
      <input id="sign-files" type="file" multiple accept="application/pdf,.pdf" onChange={(e) => setFiles([...(e.target.files ?? [])])} />
      {files.length > 0 && <p data-testid="sign-selected">Đã chọn: {files.map((f) => f.name).join(', ')}</p>}

      <fieldset>
        <legend>Chứng thư số</legend>
        {demo && (
          <>
            <label>
              <input type="radio" checked={credKind === 'demo'} onChange={() => setCredKind('demo')} /> Chứng thư số dùng thử
            </label>
            {credKind === 'demo' && (
              <select aria-label="Chứng thư số dùng thử" data-testid="demo-holder" value={holder} onChange={(e) => setHolder(e.target.value as DemoHolder)}>
                {DEMO_HOLDERS.map((h) => <option key={h.value} value={h.value}>{h.label}</option>)}
              </select>
            )}
          </>
        )}
        <label>
          <input type="radio" checked={credKind === 'token'} onChange={() => setCredKind('token')} /> Thiết bị ký USB (token)
        </label>
        {credKind === 'token' && (
          <select aria-label="Token" value={tokenLabel} onChange={(e) => setTokenLabel(e.target.value)}>
            {(tokens?.tokens ?? []).map((t) => (
              <option key={t.label} value={t.label}>
                {t.label} — {t.manufacturer} {t.loggedIn ? '(đã mở khóa)' : '(chưa nhập PIN)'}
              </option>
            ))}
          </select>
        )}
        <label>
          <input type="radio" checked={credKind === 'p12'} onChange={() => setCredKind('p12')} /> Tệp PKCS#12 (.p12/.pfx)
        </label>
        {credKind === 'p12' && (
          <>
            <input aria-label="Tệp PKCS#12" type="file" accept=".p12,.pfx" onChange={(e) => setP12(e.target.files?.[0] ?? null)} />
            <input aria-label="Mật khẩu PKCS#12" type="password" autoComplete="off" value={password} onChange={(e) => setPassword(e.target.value)} />
          </>
        )}
      </fieldset>

      <label htmlFor="sign-level">Mức chữ ký PAdES</label>
      <select id="sign-level" value={level} onChange={(e) => setLevel(e.target.value as typeof level)}>
        <option value="B-B">B-B (cơ bản)</option>
        <option value="B-T">B-T (có dấu thời gian)</option>
        <option value="B-LT">B-LT (kèm dữ liệu kiểm tra thu hồi)</option>
        <option value="B-LTA">B-LTA (lưu trữ dài hạn)</option>
      </select>

      <label htmlFor="sign-kind">Hình thức hiển thị (Phụ lục I, Nghị định 30/2020/NĐ-CP)</label>
      <select id="sign-kind" value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
        {KINDS.map((k) => (
          <option key={k.value} value={k.value}>
            {k.label}
          </option>
        ))}
      </select>
      {(kind === 'signer' || kind === 'organisation') && (
        <>
          <label htmlFor="sign-image">{kind === 'signer' ? 'Ảnh chữ ký (PNG nền trong, mực xanh)' : 'Ảnh con dấu (PNG nền trong, màu đỏ)'}</label>
          <input id="sign-image" type="file" accept="image/png" onChange={(e) => setImage(e.target.files?.[0] ?? null)} />
        </>
      )}
      {kind === 'signer' && (
        <>
          <label htmlFor="sign-rect">Vị trí khung chữ ký X,Y,Rộng,Cao (điểm, từ góc dưới trái)</label>
          <input id="sign-rect" value={rect} onChange={(e) => setRect(e.target.value)} />
          <label htmlFor="sign-title">Quyền hạn, chức vụ</label>
          <textarea id="sign-title" rows={2} value={title} onChange={(e) => setTitle(e.target.value)} />
          <label htmlFor="sign-name">Họ và tên (mặc định lấy từ chứng thư số)</label>
          <input id="sign-name" value={fullName} onChange={(e) => setFullName(e.target.value)} />
        </>
      )}
      {(kind === 'attachment' || kind === 'copy') && (
        <>
          <label htmlFor="sign-number">Số, ký hiệu văn bản</label>
          <input id="sign-number" value={docNumber} placeholder="15/QĐ-UBND" onChange={(e) => setDocNumber(e.target.value)} />
        </>
      )}
      {kind === 'copy' && (
        <>
          <label htmlFor="sign-copyform">Hình thức sao</label>
          <select id="sign-copyform" value={copyForm} onChange={(e) => setCopyForm(e.target.value as typeof copyForm)}>
            <option>SAO Y</option>
            <option>SAO LỤC</option>
            <option>TRÍCH SAO</option>
          </select>
          <label htmlFor="sign-agency">Cơ quan sao</label>
          <input id="sign-agency" value={agency} onChange={(e) => setAgency(e.target.value)} />
        </>
      )}
      <p>
        <button className="primary" disabled={files.length === 0} onClick={sign}>
          {files.length > 1 ? `Ký ${files.length} văn bản` : 'Ký văn bản'}
        </button>{' '}
        {progress && <span data-testid="sign-progress">{progress}</span>}
      </p>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {target && <p className="hint">Bản đã ký được lưu thành phiên bản mới của văn bản và đồng bộ lên máy chủ.</p>}
      {verified.map((r) => (
        <p key={r.file} data-testid="sign-verify">
          Kiểm tra ngay sau khi ký — {r.file}:{' '}
          <strong data-testid="sign-verify-verdict" data-verdict={r.verdict}>{INDICATION_TEXT[r.verdict].vi}</strong> — {r.summary_vi}
        </p>
      ))}
      {result && (
        <ul data-testid="sign-results">
          {result.results.map((r) => (
            <li key={r.name}>
              {r.ok && r.file ? (
                <>
                  Đã ký <a href={downloadUrl(r.file.signed)} download={r.file.name}>{r.file.name}</a> — mức {r.file.level}
                  {r.file.pending.length > 0 && ` (cần bổ sung khi có mạng: ${r.file.pending.join(', ')})`}
                </>
              ) : (
                <>
                  Không ký được {r.name}: {r.error?.message_vi}
                </>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
