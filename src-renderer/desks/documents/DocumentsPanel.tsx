// Documents desk: sign in to the provincial gateway (server URL kept in the store), create drafts
// with Decree 30 metadata while offline, see the newest documents, the sync state, stuck items
// (with their reason and "Thử lại") and conflicts (e.g. "sign the latest version instead").
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useSync, useLive } from '../../sync/useSync';
import { ipcKeyProtector } from '../../store/profile';
import { vanthu } from '../../shell/vanthu';
import { listDocuments } from '../../../src-shared/sync/localdb';
import { signIn, signOut } from '../../../src-shared/sync/session';
import type { Session, SyncPhase } from '../../../src-shared/sync/engine';
import { DOC_TYPES } from '../../../src-shared/domain/doctypes';
import { toSafeFileName } from '../../../src-shared/domain/filename';
import { DO_KHAN, DO_KHAN_LABEL, DO_MAT, DO_MAT_LABEL, DOC_STATUS_LABEL, ROLE_LABEL, type DoKhan, type DoMat } from '../../../src-shared/domain/levels';
import { isAppError } from '../../../src-shared/errors';
import type { FetchLike } from '../../../src-shared/sync/http';
import './documents.css';

const keys = ipcKeyProtector(vanthu.secrets);
const browserFetch: FetchLike = (url, init) => fetch(url, { ...init, body: init.body as BodyInit | undefined });
const PHASE_LABEL: Record<SyncPhase, string> = {
  idle: 'Đã đồng bộ', syncing: 'Đang đồng bộ…', offline: 'Mất kết nối — làm việc ngoại tuyến', retrying: 'Lỗi kết nối, sẽ thử lại',
  auth_required: 'Cần đăng nhập máy chủ', stopped: 'Đang khởi động',
};
const msg = (e: unknown) => (isAppError(e) ? `${e.message_vi} (${e.message_en})` : String((e as Error)?.message ?? e));

export interface DocumentsPanelProps {
  profile?: string;
  /** Called when the user chooses to sign a document's current version (a draft, or the latest after a conflict). */
  onSignLatest?: (docId: string, sha256: string, fileName: string) => void;
  /** Sign in by itself (the demo desk: the demo user of the chosen role). */
  autoSignIn?: { url: string; username: string; password: string };
  /** The province's server of this profile (prefilled in the sign-in card), and whether the machine fixes it. */
  serverUrl?: string;
  serverLocked?: boolean;
}

/** Vietnam's calendar day today, as YYYY-MM-DD (deadlines are calendar days there). */
const todayVn = () => new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);

export function DocumentsPanel({ profile = 'default', onSignLatest, autoSignIn, serverUrl: configuredServer, serverLocked }: DocumentsPanelProps) {
  const sync = useSync(profile, keys);
  const store = sync.profile?.store ?? null;
  const [error, setError] = useState<string | null>(null);
  const run = async (fn: () => Promise<unknown>) => { setError(null); try { await fn(); sync.kick(); } catch (e) { setError(msg(e)); } };

  const session = useLive(async () => (store ? ((await store.getKv<Session>('session')) ?? null) : null), [store], null);
  const serverUrl = useLive(async () => (store ? ((await store.getKv<string>('serverUrl')) ?? '') : ''), [store], '');
  const docs = useLive(async () => (store ? listDocuments(store.db, 50) : []), [store], []);
  const stuck = useLive(async () => (store ? store.db.outbox.where('state').equals('stuck').toArray() : []), [store], []);
  const orgs = useLive(async () => (store ? ((await store.getKv<OrgInfo[]>('orgs')) ?? []) : []), [store], [] as OrgInfo[]);
  const conflicts = useLive(async () => (store ? store.db.conflicts.where('resolved').equals(0).toArray() : []), [store], []);

  // The demo desk signs its demo user in by itself (again after a role switch or a new demo port).
  const signingIn = useRef(false);
  useEffect(() => {
    if (!store || !autoSignIn || signingIn.current) return;
    const stale = !session || session.user.username !== autoSignIn.username || serverUrl !== autoSignIn.url || sync.status.phase === 'auth_required';
    if (!stale) return;
    signingIn.current = true;
    void run(() => signIn(store, browserFetch, autoSignIn.url, autoSignIn.username, autoSignIn.password)).finally(() => { signingIn.current = false; });
  // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [store, autoSignIn?.url, autoSignIn?.username, session?.user.username, serverUrl, sync.status.phase]);

  const signDoc = (docId: string) => run(async () => {
    const v = await store!.headVersion(docId);
    if (!v || !(await store!.readFile(v.sha256))) throw new Error('Tệp của văn bản chưa có trên máy này; hãy đồng bộ rồi thử lại.');
    onSignLatest?.(docId, v.sha256, v.fileName);
  });
  const today = todayVn();

  if (sync.error) return <section className="card"><p role="alert" className="error">Không mở được kho dữ liệu: {sync.error}</p></section>;
  if (!store) return <section className="card"><p>Đang mở kho dữ liệu…</p></section>;

  return (
    <div className="documents" data-testid="documents-panel">
      {error && <p role="alert" className="error" data-testid="documents-error">{error}</p>}
      {sync.profile && !sync.profile.persisted && (
        <p className="hint">Trình duyệt chưa cấp lưu trữ bền vững; dữ liệu ngoại tuyến có thể bị xoá khi thiếu dung lượng.</p>
      )}
      <LoginCard session={sync.status.phase === 'auth_required' ? null : session} serverUrl={serverUrl || configuredServer || ''} locked={!!serverLocked} onSignIn={(u, n, p) => run(() => signIn(store, browserFetch, u, n, p))} onSignOut={() => run(() => signOut(store, browserFetch))} />

      <section className="card" aria-labelledby="sync-title">
        <h2 id="sync-title">Đồng bộ</h2>
        <p data-testid="sync-phase" data-phase={sync.status.phase}>{PHASE_LABEL[sync.status.phase]}</p>
        <p>Chờ gửi: <b data-testid="sync-pending">{sync.status.pending}</b> · Bị kẹt: <b data-testid="sync-stuck">{sync.status.stuck}</b> · Xung đột: <b>{sync.status.conflicts}</b>
          {sync.status.lastError && sync.status.phase !== 'idle' && <span className="hint"> — {sync.status.lastError.message_vi}</span>}</p>
        <button onClick={() => sync.kick()}>Đồng bộ ngay</button>
        {stuck.length > 0 && (
          <ul className="stuck" aria-label="Mục bị kẹt">
            {stuck.map((s) => (
              <li key={s.seq}>
                #{s.seq} {s.intent.kind}: {s.lastError?.message_vi ?? 'Không rõ lý do'}
                <button onClick={() => run(() => store.retryStuck(s.seq))}>Thử lại</button>
              </li>
            ))}
          </ul>
        )}
        {conflicts.length > 0 && (
          <ul className="conflicts" aria-label="Xung đột">
            {conflicts.map((c) => (
              <li key={c.id}>
                {c.error.message_vi}
                {c.error.code === 'VERSION_CONFLICT' && (
                  <button onClick={() => run(async () => {
                    const v = await store.latestVersionFor(c.id);
                    if (!v) throw new Error('Chưa tải được phiên bản mới nhất; hãy đồng bộ rồi thử lại.');
                    if (onSignLatest) onSignLatest(c.docId, v.sha256, v.fileName);
                    else await saveFile(await store.readFile(v.sha256), v.fileName); // sign it in the "Ký số" desk
                  })}>Ký trên phiên bản mới nhất</button>
                )}
                <button onClick={() => run(() => store.resolveConflict(c.id))}>Đã xử lý</button>
              </li>
            ))}
          </ul>
        )}
      </section>

      <DraftForm orgs={orgs.filter((o) => o.id !== session?.user.orgId)} onCreate={(meta, file) => run(async () => {
        const bytes = file ? new Uint8Array(await file.arrayBuffer()) : null;
        await store.createDraft(meta, bytes && file ? { bytes, fileName: toSafeFileName(file.name) } : undefined);
      })} />

      <section className="card" aria-labelledby="list-title">
        <h2 id="list-title">Văn bản mới nhất</h2>
        <table data-testid="documents-list">
          <thead><tr><th>Số/ký hiệu</th><th>Loại</th><th>Trích yếu</th><th>Độ mật/khẩn</th><th>Hạn xử lý</th><th>Trạng thái</th><th>Đồng bộ</th><th>Thao tác</th></tr></thead>
          <tbody>
            {docs.map((d) => (
              <tr key={d.id} data-testid="document-row" data-doc-id={d.id}>
                <td>{d.issue?.soKyHieu ?? (d.incoming ? `Đến số ${d.incoming.soDen}` : '—')}</td>
                <td>{DOC_TYPES.find((t) => t.code === d.meta.typeCode)?.name_vi}</td>
                <td>{d.meta.subject}</td>
                <td>{DO_MAT_LABEL[d.meta.doMat]}/{DO_KHAN_LABEL[d.meta.doKhan]}</td>
                <td data-testid="document-due" data-overdue={d.meta.dueDate && d.meta.dueDate < today && !['archived', 'issued'].includes(d.status) ? 'yes' : undefined}>
                  {d.meta.dueDate ? `${d.meta.dueDate.split('-').reverse().join('/')}${d.meta.dueDate < today && !['archived', 'issued'].includes(d.status) ? ' — quá hạn' : ''}` : '—'}
                </td>
                <td>{DOC_STATUS_LABEL[d.status]}</td>
                <td data-testid="document-sync">{d.conflicts > 0 ? 'Xung đột' : d.pending > 0 ? 'Chờ gửi' : 'Đã đồng bộ'}</td>
                <td className="actions">
                  {(d.status === 'draft' || d.status === 'returned') && <button onClick={() => run(() => store.submit(d.id))}>Trình</button>}
                  {onSignLatest && ['draft', 'submitted', 'approved', 'issued', 'returned'].includes(d.status) && d.ownerOrgId === session?.user.orgId && (
                    <button data-testid="document-sign" onClick={() => void signDoc(d.id)}>Ký số</button>
                  )}
                  {d.status === 'received' && <button onClick={() => run(() => store.registerIncoming(d.id))}>Vào sổ</button>}
                  {session && !d.readBy.includes(session.user.id) && d.ownerOrgId !== null && <button onClick={() => run(() => store.markRead(d.id))}>Đã đọc</button>}
                  <label className="file-action">Thêm tệp<input type="file" accept="application/pdf" onChange={(e) => {
                    const file = e.target.files?.[0];
                    if (file) void run(async () => store.addVersion(d.id, { bytes: new Uint8Array(await file.arrayBuffer()), fileName: toSafeFileName(file.name) }, 'draft'));
                    e.target.value = '';
                  }} /></label>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}

/** Offer a stored version as a download (to sign it in the signing desk). */
async function saveFile(bytes: Uint8Array | undefined, fileName: string): Promise<void> {
  if (!bytes) throw new Error('Tệp chưa có trên máy này; hãy đồng bộ rồi thử lại.');
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/pdf' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function LoginCard(p: { session: Session | null; serverUrl: string; locked: boolean; onSignIn(url: string, user: string, pw: string): void; onSignOut(): void }) {
  const [url, setUrl] = useState(p.serverUrl);
  const [user, setUser] = useState('');
  const [pw, setPw] = useState('');
  const submit = (e: FormEvent) => { e.preventDefault(); p.onSignIn((p.locked ? p.serverUrl : url) || p.serverUrl || 'http://127.0.0.1:8787', user, pw); setPw(''); };
  if (p.session) {
    const u = p.session.user;
    return (
      <section className="card" aria-labelledby="login-title">
        <h2 id="login-title">Máy chủ đồng bộ</h2>
        <p data-testid="signed-in">{u.fullName} ({ROLE_LABEL[u.role as keyof typeof ROLE_LABEL] ?? u.role}) — {u.orgName} · {p.serverUrl}</p>
        <button onClick={p.onSignOut}>Đăng xuất</button>
      </section>
    );
  }
  return (
    <section className="card" aria-labelledby="login-title">
      <h2 id="login-title">Đăng nhập máy chủ đồng bộ</h2>
      <form onSubmit={submit} data-testid="login-form">
        <label htmlFor="srv">Địa chỉ máy chủ</label>
        <input id="srv" name="server" value={p.locked ? p.serverUrl : url} readOnly={p.locked} placeholder={p.serverUrl || 'http://127.0.0.1:8787'} onChange={(e) => setUrl(e.target.value)} />
        <label htmlFor="usr">Tên đăng nhập</label>
        <input id="usr" name="username" autoComplete="username" value={user} onChange={(e) => setUser(e.target.value)} />
        <label htmlFor="pw">Mật khẩu</label>
        <input id="pw" name="password" type="password" autoComplete="current-password" value={pw} onChange={(e) => setPw(e.target.value)} />
        <p><button className="primary" type="submit">Đăng nhập</button></p>
      </form>
    </section>
  );
}

interface OrgInfo { id: string; parentId: string | null; name: string; abbr: string; kind: string }

interface DraftMetaInput {
  typeCode: string; subject: string; unitAbbr?: string; doMat: DoMat; doKhan: DoKhan; recipients: string[]; recipientOrgIds: string[];
  signer?: { fullName: string; position: string }; dueDate?: string; pageAmount?: number;
}

function DraftForm({ onCreate, orgs }: { onCreate(meta: DraftMetaInput, file: File | null): void; orgs: OrgInfo[] }) {
  const [to, setTo] = useState<string[]>([]);
  const [f, setF] = useState({ typeCode: 'CV', subject: '', unitAbbr: 'VP', doMat: 'thuong' as DoMat, doKhan: 'thuong' as DoKhan, recipients: '', signer: '', position: '', dueDate: '', pageAmount: '' });
  const [file, setFile] = useState<File | null>(null);
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onCreate({
      typeCode: f.typeCode, subject: f.subject.trim(), unitAbbr: f.unitAbbr.trim() || undefined, doMat: f.doMat, doKhan: f.doKhan,
      recipients: f.recipients.split(/\n|;/).map((s) => s.trim()).filter(Boolean),
      recipientOrgIds: to,
      signer: f.signer ? { fullName: f.signer, position: f.position } : undefined,
      dueDate: f.dueDate || undefined, pageAmount: f.pageAmount ? Number(f.pageAmount) : undefined,
    }, file);
    setF({ ...f, subject: '' });
  };
  return (
    <section className="card" aria-labelledby="draft-title">
      <h2 id="draft-title">Tạo dự thảo</h2>
      <form onSubmit={submit} data-testid="draft-form" className="grid">
        <div><label htmlFor="type">Loại văn bản</label>
          <select id="type" value={f.typeCode} onChange={set('typeCode')}>{DOC_TYPES.map((t) => <option key={t.code} value={t.code}>{t.name_vi}{t.abbr ? ` (${t.abbr})` : ''}</option>)}</select></div>
        <div><label htmlFor="unit">Đơn vị soạn thảo</label><input id="unit" value={f.unitAbbr} onChange={set('unitAbbr')} /></div>
        <div className="wide"><label htmlFor="subject">Trích yếu</label><textarea id="subject" name="subject" required maxLength={500} value={f.subject} onChange={set('subject')} /></div>
        <div><label htmlFor="domat">Độ mật</label><select id="domat" value={f.doMat} onChange={set('doMat')}>{DO_MAT.map((m) => <option key={m} value={m}>{DO_MAT_LABEL[m]}</option>)}</select></div>
        <div><label htmlFor="dokhan">Độ khẩn</label><select id="dokhan" value={f.doKhan} onChange={set('doKhan')}>{DO_KHAN.map((m) => <option key={m} value={m}>{DO_KHAN_LABEL[m]}</option>)}</select></div>
        <div><label htmlFor="signer">Người ký</label><input id="signer" value={f.signer} onChange={set('signer')} /></div>
        <div><label htmlFor="position">Chức vụ</label><input id="position" value={f.position} onChange={set('position')} /></div>
        <div><label htmlFor="due">Hạn xử lý</label><input id="due" type="date" value={f.dueDate} onChange={set('dueDate')} /></div>
        <div><label htmlFor="pages">Số trang</label><input id="pages" type="number" min={0} value={f.pageAmount} onChange={set('pageAmount')} /></div>
        <div className="wide"><label htmlFor="recipients">Nơi nhận (mỗi dòng một nơi)</label><textarea id="recipients" value={f.recipients} onChange={set('recipients')} /></div>
        {orgs.length > 0 && (
          <fieldset className="wide orgs"><legend>Gửi qua hệ thống khi phát hành tới</legend>
            {orgs.map((o) => (
              <span key={o.id}><input type="checkbox" id={`to-${o.id}`} checked={to.includes(o.id)}
                onChange={(e) => setTo(e.target.checked ? [...to, o.id] : to.filter((x) => x !== o.id))} /> <label htmlFor={`to-${o.id}`}>{o.name}</label></span>
            ))}
          </fieldset>
        )}
        <div className="wide"><label htmlFor="file">Tệp (PDF)</label><input id="file" type="file" accept="application/pdf" onChange={(e) => setFile(e.target.files?.[0] ?? null)} /></div>
        <p className="wide"><button className="primary" type="submit">Lưu dự thảo</button></p>
      </form>
    </section>
  );
}
