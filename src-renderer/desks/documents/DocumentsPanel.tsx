// Documents desk: sign in to the provincial gateway (server URL kept in the store), create drafts
// with Decree 30 metadata while offline, the documents list (virtualized, sortable, searchable),
// the sync state, stuck items (with their reason and "Thử lại") and conflicts (e.g. "sign the
// latest version instead"). Everything shown comes from the local store through Dexie live
// queries (dexie-react-hooks' useLiveQuery), which also see writes made by other windows.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useLiveQuery } from 'dexie-react-hooks';
import { Spinner } from '@fluentui/react-components';
import { useSync } from '../../sync/useSync';
import { ipcKeyProtector } from '../../store/profile';
import { vanthu } from '../../shell/vanthu';
import { i18n, pick } from '../../i18n';
import { signIn, signOut } from '../../../src-shared/sync/session';
import type { Session } from '../../../src-shared/sync/engine';
import { DOC_TYPES } from '../../../src-shared/domain/doctypes';
import { toSafeFileName } from '../../../src-shared/domain/filename';
import { DO_KHAN, DO_MAT, type DoKhan, type DoMat } from '../../../src-shared/domain/levels';
import { isAppError } from '../../../src-shared/errors';
import type { FetchLike } from '../../../src-shared/sync/http';
import { DocumentsList } from './DocumentsList';
import './documents.css';

const keys = ipcKeyProtector(vanthu.secrets);
const browserFetch: FetchLike = (url, init) => fetch(url, { ...init, body: init.body as BodyInit | undefined });

/** A failure the desk explains itself: the catalog key of its message (with the next step). */
class DeskError extends Error {
  constructor(readonly key: string) { super(key); }
}
const describe = (e: unknown): string => {
  const t = i18n().t;
  if (e instanceof DeskError) return t(e.key);
  if (isAppError(e)) return pick(e);
  if (e instanceof TypeError) return t('documents:errors.network'); // fetch failed: no route to the server
  return t('documents:errors.unexpected', { detail: String((e as Error)?.message ?? e) });
};

export interface DocumentsPanelProps {
  profile?: string;
  /** Called when the user chooses to sign a document's current version (a draft, or the latest after a conflict). */
  onSignLatest?: (docId: string, sha256: string, fileName: string) => void;
  /** Called to look at a document's current version (the verify desk: viewer and signature panel). */
  onOpen?: (docId: string, sha256: string, fileName: string) => void;
  /** Sign in by itself (the demo desk: the demo user of the chosen role). */
  autoSignIn?: { url: string; username: string; password: string };
  /** The province's server of this profile (prefilled in the sign-in card), and whether the machine fixes it. */
  serverUrl?: string;
  serverLocked?: boolean;
}

/** Vietnam's calendar day today, as YYYY-MM-DD (deadlines are calendar days there). */
const todayVn = () => new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);

export function DocumentsPanel({ profile = 'default', onSignLatest, onOpen, autoSignIn, serverUrl: configuredServer, serverLocked }: DocumentsPanelProps) {
  const { t } = useTranslation('documents');
  const sync = useSync(profile, keys);
  const store = sync.profile?.store ?? null;
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const run = async (fn: () => Promise<unknown>, busyKey?: string) => {
    setError(null);
    if (busyKey) setBusy(busyKey);
    try { await fn(); sync.kick(); } catch (e) { setError(describe(e)); } finally { if (busyKey) setBusy(null); }
  };

  const session = useLiveQuery(async () => (store ? ((await store.getKv<Session>('session')) ?? null) : null), [store], null);
  const serverUrl = useLiveQuery(async () => (store ? ((await store.getKv<string>('serverUrl')) ?? '') : ''), [store], '');
  const stuck = useLiveQuery(async () => (store ? store.db.outbox.where('state').equals('stuck').toArray() : []), [store], []);
  const orgs = useLiveQuery(async () => (store ? ((await store.getKv<OrgInfo[]>('orgs')) ?? []) : []), [store], [] as OrgInfo[]);
  const conflicts = useLiveQuery(async () => (store ? store.db.conflicts.where('resolved').equals(0).toArray() : []), [store], []);

  // The demo desk signs its demo user in by itself (again after a role switch or a new demo port).
  // One file input for "Thêm tệp" of every row (rows come and go while the list scrolls).
  const addFileFor = useRef<string | null>(null);
  const addFileInput = useRef<HTMLInputElement>(null);
  const signingIn = useRef(false);
  useEffect(() => {
    if (!store || !autoSignIn || signingIn.current) return;
    const stale = !session || session.user.username !== autoSignIn.username || serverUrl !== autoSignIn.url || sync.status.phase === 'auth_required';
    if (!stale) return;
    signingIn.current = true;
    void run(() => signIn(store, browserFetch, autoSignIn.url, autoSignIn.username, autoSignIn.password), 'signIn').finally(() => { signingIn.current = false; });
  // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [store, autoSignIn?.url, autoSignIn?.username, session?.user.username, serverUrl, sync.status.phase]);

  const signDoc = (docId: string) => run(async () => {
    const v = await store!.headVersion(docId);
    if (!v || !(await store!.readFile(v.sha256))) throw new DeskError('errors.fileMissing');
    onSignLatest?.(docId, v.sha256, v.fileName);
  });
  const openDoc = (docId: string) => run(async () => {
    const v = await store!.headVersion(docId);
    if (!v || !(await store!.readFile(v.sha256))) throw new DeskError('errors.fileMissing');
    onOpen?.(docId, v.sha256, v.fileName);
  });
  const today = todayVn();

  if (sync.error) return <section className="card"><p role="alert" className="error">{t('errors.storeUnavailable', { detail: sync.error })}</p></section>;
  if (!store) return <section className="card"><Spinner size="tiny" label={t('opening')} /></section>;

  const lastError = sync.status.lastError;
  return (
    <div className="documents" data-testid="documents-panel">
      <h2 className="visually-hidden">{t('title')}</h2>
      {error && <p role="alert" className="error" data-testid="documents-error">{error}</p>}
      {busy === 'addFile' && <p role="status"><Spinner size="extra-tiny" as="span" className="inline-spinner" aria-hidden />{t('actions.addingFile')}</p>}
      {sync.profile && !sync.profile.persisted && <p className="hint">{t('notPersisted')}</p>}
      <LoginCard session={sync.status.phase === 'auth_required' ? null : session} serverUrl={serverUrl || configuredServer || ''} locked={!!serverLocked}
        busy={busy === 'signIn'}
        onSignIn={(u, n, p) => run(() => signIn(store, browserFetch, u, n, p), 'signIn')} onSignOut={() => run(() => signOut(store, browserFetch))} />

      <section className="card" aria-labelledby="sync-title">
        <h2 id="sync-title">{t('sync.title')}</h2>
        <p data-testid="sync-phase" data-phase={sync.status.phase}>
          {sync.status.phase === 'syncing' && <Spinner size="extra-tiny" as="span" className="inline-spinner" aria-hidden />}
          {t(`sync.phase.${sync.status.phase}`)}
        </p>
        <p>
          {t('sync.pending')} <b data-testid="sync-pending">{sync.status.pending}</b> · {t('sync.stuck')} <b data-testid="sync-stuck">{sync.status.stuck}</b> · {t('sync.conflicts')} <b>{sync.status.conflicts}</b>
          {lastError && sync.status.phase !== 'idle' && <span className="hint"> — {pick(lastError)}</span>}
        </p>
        <button type="button" onClick={() => sync.kick()}>{t('sync.now')}</button>
        {stuck.length > 0 && (
          <ul className="stuck" aria-label={t('sync.stuckList')}>
            {stuck.map((s) => (
              <li key={s.seq}>
                #{s.seq} {s.intent.kind}: {s.lastError ? pick(s.lastError) : t('sync.unknownReason')}
                <button type="button" onClick={() => run(() => store.retryStuck(s.seq))}>{t('common:retry')}</button>
              </li>
            ))}
          </ul>
        )}
        {conflicts.length > 0 && (
          <ul className="conflicts" aria-label={t('sync.conflictList')}>
            {conflicts.map((c) => (
              <li key={c.id}>
                {pick(c.error)}
                {c.error.code === 'VERSION_CONFLICT' && (
                  <button type="button" onClick={() => run(async () => {
                    const v = await store.latestVersionFor(c.id);
                    if (!v) throw new DeskError('errors.latestMissing');
                    if (onSignLatest) onSignLatest(c.docId, v.sha256, v.fileName);
                    else await saveFile(await store.readFile(v.sha256), v.fileName); // sign it in the "Ký số" desk
                  })}>{t('sync.signLatest')}</button>
                )}
                <button type="button" onClick={() => run(() => store.resolveConflict(c.id))}>{t('sync.resolved')}</button>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="card" aria-labelledby="list-title">
        <h2 id="list-title">{t('list.title')}</h2>
        <input ref={addFileInput} type="file" accept="application/pdf" hidden aria-label={t('actions.addFile')} data-testid="document-add-file" onChange={(e) => {
          const file = e.target.files?.[0];
          const docId = addFileFor.current;
          e.target.value = '';
          if (file && docId) void run(async () => store.addVersion(docId, { bytes: new Uint8Array(await file.arrayBuffer()), fileName: toSafeFileName(file.name) }, 'draft'), 'addFile');
        }} />
        <DocumentsList db={store.db} today={today}
          emptyHint={<p className="hint">{session ? t('list.emptyHintSignedIn') : t('list.emptyHint')}</p>}
          renderActions={(d) => (
            <>
              {onOpen && (
                <button type="button" data-testid="document-open" title={t('actions.openTitle')} onClick={() => void openDoc(d.id)}>{t('actions.open')}</button>
              )}
              {(d.status === 'draft' || d.status === 'returned') && <button type="button" onClick={() => run(() => store.submit(d.id))}>{t('actions.submit')}</button>}
              {onSignLatest && ['draft', 'submitted', 'approved', 'issued', 'returned'].includes(d.status) && d.ownerOrgId === session?.user.orgId && (
                <button type="button" data-testid="document-sign" onClick={() => void signDoc(d.id)}>{t('actions.sign')}</button>
              )}
              {d.status === 'received' && <button type="button" onClick={() => run(() => store.registerIncoming(d.id))}>{t('actions.register')}</button>}
              {session && !d.readBy.includes(session.user.id) && d.ownerOrgId !== null && <button type="button" onClick={() => run(() => store.markRead(d.id))}>{t('actions.markRead')}</button>}
              <button type="button" className="file-action" title={t('actions.addFileTitle', { subject: d.meta.subject.slice(0, 80) })}
                onClick={() => { addFileFor.current = d.id; addFileInput.current?.click(); }}>{t('actions.addFile')}</button>
            </>
          )} />
      </section>

      <DraftForm orgs={orgs.filter((o) => o.id !== session?.user.orgId)} onCreate={(meta, file) => run(async () => {
        const bytes = file ? new Uint8Array(await file.arrayBuffer()) : null;
        await store.createDraft(meta, bytes && file ? { bytes, fileName: toSafeFileName(file.name) } : undefined);
      })} />
    </div>
  );
}

/** Offer a stored version as a download (to sign it in the signing desk). */
async function saveFile(bytes: Uint8Array | undefined, fileName: string): Promise<void> {
  if (!bytes) throw new DeskError('errors.fileMissing');
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/pdf' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function LoginCard(p: { session: Session | null; serverUrl: string; locked: boolean; busy: boolean; onSignIn(url: string, user: string, pw: string): void; onSignOut(): void }) {
  const { t } = useTranslation('documents');
  const [url, setUrl] = useState(p.serverUrl);
  const [user, setUser] = useState('');
  const [pw, setPw] = useState('');
  const submit = (e: FormEvent) => { e.preventDefault(); p.onSignIn((p.locked ? p.serverUrl : url) || p.serverUrl || 'http://127.0.0.1:8787', user, pw); setPw(''); };
  if (p.session) {
    const u = p.session.user;
    return (
      <section className="card" aria-labelledby="login-title">
        <h2 id="login-title">{t('login.signedInTitle')}</h2>
        <p data-testid="signed-in">{u.fullName} ({t(`role.${u.role}`, { defaultValue: u.role })}) — {u.orgName} · {p.serverUrl}</p>
        <button type="button" onClick={p.onSignOut}>{t('login.signOut')}</button>
      </section>
    );
  }
  return (
    <section className="card" aria-labelledby="login-title">
      <h2 id="login-title">{t('login.title')}</h2>
      <form onSubmit={submit} data-testid="login-form">
        <label htmlFor="srv">{t('login.server')}</label>
        <input id="srv" name="server" value={p.locked ? p.serverUrl : url} readOnly={p.locked} aria-readonly={p.locked} aria-describedby={p.locked ? 'srv-locked' : undefined}
          placeholder={p.serverUrl || 'http://127.0.0.1:8787'} onChange={(e) => setUrl(e.target.value)} />
        {p.locked && <p id="srv-locked" className="hint">{t('common:lockedByMachine')}</p>}
        <label htmlFor="usr">{t('login.username')}</label>
        <input id="usr" name="username" autoComplete="username" value={user} onChange={(e) => setUser(e.target.value)} />
        <label htmlFor="pw">{t('login.password')}</label>
        <input id="pw" name="password" type="password" autoComplete="current-password" value={pw} onChange={(e) => setPw(e.target.value)} />
        <p>
          <button className="primary" type="submit" disabled={p.busy}>{t('login.submit')}</button>
          {p.busy && <Spinner size="extra-tiny" as="span" className="inline-spinner" label={t('login.busy')} />}
        </p>
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
  const { t, i18n: inst } = useTranslation('documents');
  const en = inst.language === 'en';
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
      <h2 id="draft-title">{t('draft.title')}</h2>
      <form onSubmit={submit} data-testid="draft-form" className="grid">
        <div><label htmlFor="type">{t('draft.type')}</label>
          <select id="type" value={f.typeCode} onChange={set('typeCode')}>{DOC_TYPES.map((ty) => <option key={ty.code} value={ty.code}>{en ? ty.name_en : ty.name_vi}{ty.abbr ? ` (${ty.abbr})` : ''}</option>)}</select></div>
        <div><label htmlFor="unit">{t('draft.unit')}</label><input id="unit" value={f.unitAbbr} onChange={set('unitAbbr')} /></div>
        <div className="wide"><label htmlFor="subject">{t('draft.subject')}</label><textarea id="subject" name="subject" required maxLength={500} value={f.subject} onChange={set('subject')} /></div>
        <div><label htmlFor="domat">{t('draft.doMat')}</label><select id="domat" value={f.doMat} onChange={set('doMat')}>{DO_MAT.map((m) => <option key={m} value={m}>{t(`doMat.${m}`)}</option>)}</select></div>
        <div><label htmlFor="dokhan">{t('draft.doKhan')}</label><select id="dokhan" value={f.doKhan} onChange={set('doKhan')}>{DO_KHAN.map((m) => <option key={m} value={m}>{t(`doKhan.${m}`)}</option>)}</select></div>
        <div><label htmlFor="signer">{t('draft.signer')}</label><input id="signer" value={f.signer} onChange={set('signer')} /></div>
        <div><label htmlFor="position">{t('draft.position')}</label><input id="position" value={f.position} onChange={set('position')} /></div>
        <div><label htmlFor="due">{t('draft.due')}</label><input id="due" type="date" value={f.dueDate} onChange={set('dueDate')} /></div>
        <div><label htmlFor="pages">{t('draft.pages')}</label><input id="pages" type="number" min={0} value={f.pageAmount} onChange={set('pageAmount')} /></div>
        <div className="wide"><label htmlFor="recipients">{t('draft.recipients')}</label><textarea id="recipients" value={f.recipients} onChange={set('recipients')} /></div>
        {orgs.length > 0 && (
          <fieldset className="wide orgs"><legend>{t('draft.sendTo')}</legend>
            {orgs.map((o) => (
              <span key={o.id}><input type="checkbox" id={`to-${o.id}`} checked={to.includes(o.id)}
                onChange={(e) => setTo(e.target.checked ? [...to, o.id] : to.filter((x) => x !== o.id))} /> <label htmlFor={`to-${o.id}`}>{o.name}</label></span>
            ))}
          </fieldset>
        )}
        <div className="wide"><label htmlFor="file">{t('draft.file')}</label><input id="file" type="file" accept="application/pdf" onChange={(e) => setFile(e.target.files?.[0] ?? null)} /></div>
        <p className="wide"><button className="primary" type="submit">{t('draft.save')}</button></p>
      </form>
    </section>
  );
}
