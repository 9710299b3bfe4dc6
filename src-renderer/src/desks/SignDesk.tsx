// Ký số (sign): choose PDFs, a credential (a USB token already unlocked, or a PKCS#12 file), the
// PAdES level and, optionally, a Decree 30 visible signature (ký duyệt, phát hành, phụ lục, sao).
// Several files are signed as one batch with one credential session, with progress shown.

import { useEffect, useState } from 'react';
import { vanthu } from '../vanthu';
import { describeError, downloadUrl, fileToBase64 } from '../files';
import type { Req, Res } from '../../../src-shared/ipc/contract';

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

export function SignDesk({ initialFiles = [] }: { initialFiles?: File[] }) {
  const [files, setFiles] = useState<File[]>(initialFiles);
  const [credKind, setCredKind] = useState<'token' | 'p12'>('token');
  const [tokens, setTokens] = useState<Tokens | null>(null);
  const [tokenLabel, setTokenLabel] = useState('');
  const [p12, setP12] = useState<File | null>(null);
  const [password, setPassword] = useState('');
  const [level, setLevel] = useState<'B-B' | 'B-T' | 'B-LT' | 'B-LTA'>('B-B');
  const [kind, setKind] = useState<'' | Visible['kind']>('');
  const [image, setImage] = useState<File | null>(null);
  const [rect, setRect] = useState('330,120,200,110');
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
    const spec: Visible = { kind, pageIndex: 0 };
    if (kind === 'signer') {
      spec.rect = r;
      spec.title = title.split('\n').filter(Boolean);
      if (fullName) spec.fullName = fullName;
      if (image) spec.signatureImageB64 = await fileToBase64(image);
    } else if (kind === 'organisation') {
      if (image) spec.sealImageB64 = await fileToBase64(image);
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
          : { kind: 'p12' as const, p12B64: p12 ? await fileToBase64(p12) : '', password };
      const items = await Promise.all(files.map(async (f) => ({ name: f.name, dataB64: await fileToBase64(f) })));
      const res = await vanthu.sign.batch({ taskId: crypto.randomUUID(), items, level, credential, visible: await visibleSpec() });
      setResult(res);
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
      {result && (
        <ul data-testid="sign-results">
          {result.results.map((r) => (
            <li key={r.name}>
              {r.ok && r.file ? (
                <>
                  Đã ký <a href={downloadUrl(r.file.signedB64)} download={r.file.name}>{r.file.name}</a> — mức {r.file.level}
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
