// Ký số (sign), where the document is: the document in the viewer; a credential (a USB token —
// the list follows tokens plugged in and pulled out —, a PKCS#12 file, or a demo certificate); the
// kind of signature (ký duyệt, phát hành with số/ký hiệu, phụ lục, sao y) and the PAdES level; the
// Decree 30 position proposed by the signing service (sign.inspect) and draggable on the page with
// a live preview of the appearance, or "Ký vào ô này" on one of the document's empty signature
// fields. A token asks for its PIN once (PIN dialog with the remaining-tries state, or the reader's
// PIN pad) for the whole batch; a batch shows a progress bar, can be cancelled before its next
// document, and gives a result per document. Each signed file is verified at once, on the main
// side with the signing, and shown in the signature panel.
// The shown document's bytes cross to the main side once: sign.inspect stages them there, the
// batch names the staged id (the bytes are sent again only if the main side no longer holds it),
// and the desk keeps no copy of them (the viewer and the placement read the File by ranges).
// The signed files stay on the main side too (sign.batch returnSigned 'staged'): the answer gives
// each one's id, size and SHA-256 with its verification report, so the verdict and the signature
// panel show as soon as the main side has signed and verified; the bytes are fetched by id after
// that has been drawn (signed-copy.ts), in the background, for what needs them: the save as the
// document's next version, the download link (or on its first use — pointer over it, focus,
// click — if they are not here yet) and the signed revision in the panel ("Xem phiên bản đã ký").

import { lazy, Suspense, useEffect, useMemo, useRef, useState, type MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import {
  Badge, Button, Field, Input, Label, Link, MessageBar, MessageBarBody, ProgressBar, Radio, RadioGroup, Select, Spinner, Textarea,
} from '@fluentui/react-components';
import { vanthu } from '../../shell/vanthu';
import { fileBytes } from '../../components/files';
import { i18n as appI18n, pick } from '../../i18n';
import { PinDialog, PinState, type TokenInfo } from '../../components/pin-dialog/PinDialog';
import { SignaturePanel } from '../../components/signature-panel/SignaturePanel';
import { asPanelReport, signedRevisionBytes, type PanelSignature } from '../../components/signature-panel/model';
import type { ViewerHandle, ViewerSource } from '../../components/viewer/api';
import type { Req, Res } from '../../../src-shared/ipc/contract';
import { signedCopyMessages, STAGED_UNKNOWN } from '../../../src-shared/ipc/sign-desk';
import { readFramed, release as releaseBytes } from '../../../src-shared/ipc/frame';
import type { DemoHolder, DemoRole } from '../../../src-shared/domain/demo';
import { INDICATION_TEXT } from '../../../src-shared/verify/messages';
import { toSafeFileName } from '../../../src-shared/domain/filename';
import { formatVnIso } from '../../../src-shared/appearance/time';
import type { CopyForm } from '../../../src-shared/appearance/index';
import { useTokens } from '../tokens/TokensDesk';
import { Placement, type AppearancePreview, type Rect4 } from './Placement';
import { CopyError, SignedCopy } from './signed-copy';
import './sign.css';

const PdfViewer = lazy(() => import('../../components/viewer/PdfViewer').then((m) => ({ default: m.PdfViewer })));

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
type Batch = Res<'sign.batch'>;
type Visible = NonNullable<Req<'sign.batch'>['visible']>;
type Inspect = Res<'sign.inspect'>;
type Kind = '' | Visible['kind'];
type Level = 'B-B' | 'B-T' | 'B-LT' | 'B-LTA';

const DEMO_HOLDERS: DemoHolder[] = ['leader', 'organisation', 'clerk', 'specialist'];
const holderForRole: Record<DemoRole, DemoHolder> = { leader: 'leader', clerk: 'organisation', specialist: 'specialist' };
const KINDS: Kind[] = ['', 'signer', 'organisation', 'attachment', 'copy'];
const LEVELS: Level[] = ['B-B', 'B-T', 'B-LT', 'B-LTA'];
/** The copy forms of Decree 30 (sao y, sao lục, trích sao): protocol values of the contract (the
 * type checks them), written with escapes as they are not UI text to translate. */
const COPY_FORMS = ['SAO Y', 'SAO L\u1EE4C', 'TR\u00CDCH SAO'] as const satisfies readonly CopyForm[];
/** The seal's default size on screen before the person moves it (35 mm, the engine's default). */
const SEAL_PT = (35 * 72) / 25.4;

const xywh = (r: Rect4): [number, number, number, number] => [r[0], r[1], r[2] - r[0], r[3] - r[1]];

/** After the next frame has been drawn (or a short while, where frames are not drawn: a hidden window). */
function nextPaint(): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, 100);
    requestAnimationFrame(() => setTimeout(() => { clearTimeout(t); resolve(); }, 0));
  });
}

function useObjectUrl(file: File | null): string | null {
  const url = useMemo(() => (file ? URL.createObjectURL(file) : null), [file]);
  useEffect(() => () => { if (url) URL.revokeObjectURL(url); }, [url]);
  return url;
}

type BatchFile = NonNullable<Batch['results'][number]['file']>;
/** What the desk shows of a signed file (its bytes, if they are here, are in its SignedCopy). */
type FileInfo = Omit<Extract<BatchFile, { signed: Uint8Array }>, 'signed'>;

interface ItemResult {
  name: string;
  status: 'ok' | 'failed' | 'cancelled';
  file?: FileInfo;
  /** The signed file's bytes: in the answer, or fetched by id from the main side when needed. */
  copy?: SignedCopy;
  error?: string;
  report?: Report;
  offline?: boolean;
}

export function SignDesk({ target = null, demo = null, role = 'clerk' }: { target?: SignTarget | null; demo?: DemoInfo | null; role?: DemoRole }) {
  const { t, i18n } = useTranslation('sign');
  const lang = i18n.language === 'en' ? 'en' : 'vi';
  const [files, setFiles] = useState<File[]>(target ? [target.file] : []);
  const [current, setCurrent] = useState(0);
  const [info, setInfo] = useState<Inspect | null>(null);
  /** The shown document staged on the main side by sign.inspect (its id), while the desk shows it. */
  const staged = useRef<{ file: File; id: string } | null>(null);
  const [credKind, setCredKind] = useState<'token' | 'p12' | 'demo'>(demo ? 'demo' : 'token');
  const [holder, setHolder] = useState<DemoHolder>(holderForRole[role]);
  const [tokenError, setTokenError] = useState<string | null>(null);
  const { tokens, refresh: refreshTokens } = useTokens(setTokenError);
  const [tokenLabel, setTokenLabel] = useState('');
  const [p12, setP12] = useState<File | null>(null);
  const [password, setPassword] = useState('');
  const [level, setLevel] = useState<Level>('B-B');
  const [tsaUrl, setTsaUrl] = useState('');
  const box = demo && target ? demo.signatureBoxes[target.parentSha256] : undefined;
  // In the demo the kind follows the role: the leader's ký duyệt in the box between title and
  // name, the clerk's seal over it once the leader has signed (approved), otherwise invisible.
  const [kind, setKind] = useState<Kind>(
    !demo ? '' : holderForRole[role] === 'leader' && box ? 'signer' : holderForRole[role] === 'organisation' && target?.status === 'approved' ? 'organisation' : '',
  );
  const [image, setImage] = useState<File | null>(null);
  const imageUrl = useObjectUrl(image);
  const [title, setTitle] = useState(() => appI18n().getFixedT('vi', 'sign')('defaults.title'));
  const [fullName, setFullName] = useState('');
  const [docNumber, setDocNumber] = useState('');
  const [docSymbol, setDocSymbol] = useState('');
  const [copyForm, setCopyForm] = useState<CopyForm>(COPY_FORMS[0]);
  const [agency, setAgency] = useState('');
  const [placement, setPlacement] = useState<{ pageIndex: number; rect: Rect4; moved: boolean } | null>(null);
  const [intoField, setIntoField] = useState<string | null>(null);
  const [resetKey, setResetKey] = useState(0);
  const [pinFor, setPinFor] = useState<TokenInfo | null>(null);
  const [running, setRunning] = useState<{ taskId: string; done: number; total: number; cancelling: boolean } | null>(null);
  const [results, setResults] = useState<ItemResult[] | null>(null);
  const [shown, setShown] = useState(0);
  const [error, setError] = useState<string | null>(null);
  /** Saves of signed files in progress (no new batch meanwhile). */
  const [saving, setSaving] = useState(0);
  /** The signed revision of a signature shown in the viewer instead of the document ("Xem phiên bản đã ký"). */
  const [viewing, setViewing] = useState<{ sig: PanelSignature; bytes: Uint8Array; name: string } | null>(null);
  /** Redraw when a signed copy changes (fetched, failed, saved). */
  const [, setCopyTick] = useState(0);
  const viewer = useRef<ViewerHandle>(null);

  // the profile's timestamp server (Cài đặt) is the default for B-T and above
  useEffect(() => {
    let live = true;
    vanthu.settings.get().then((st) => { if (live && st.tsaUrl.value) setTsaUrl((cur) => cur || st.tsaUrl.value || ''); }, () => undefined);
    return () => { live = false; };
  }, []);

  // the token list is live: keep the chosen token while it is there, else take the first one
  useEffect(() => {
    const list = tokens?.tokens ?? [];
    if (!list.some((x) => x.label === tokenLabel)) setTokenLabel(list[0]?.label ?? '');
  }, [tokens, tokenLabel]);
  const token = tokens?.tokens.find((x) => x.label === tokenLabel) ?? null;

  // the document shown: what the signing service knows of it, its bytes staged there for signing
  // (read here only to be sent: no copy is kept; released when the desk lets go of the file)
  const shownFile = files[Math.min(current, files.length - 1)] ?? null;
  // one source object per document shown (the viewer reopens the document when it changes)
  const viewerSource = useMemo<ViewerSource | null>(
    () => (viewing ? { kind: 'bytes', bytes: viewing.bytes, name: viewing.name } : shownFile ? { kind: 'file', file: shownFile } : null),
    [viewing, shownFile],
  );
  useEffect(() => {
    let gone = false;
    setInfo(null);
    setIntoField(null);
    if (!shownFile) return;
    const release = (id: string) => void vanthu.call('sign.release', { id }).catch(() => undefined);
    void (async () => {
      // read into a buffer the host bridge's frame is written around (no second 20 MB copy), and
      // freed as soon as it has been sent: the main side holds the document from here on
      const data = await readFramed(shownFile);
      if (gone) return;
      const r = await vanthu.call('sign.inspect', { data, stage: true });
      releaseBytes(data);
      if (!r.ok) return;
      const { staged: s, ...inspected } = r.value;
      if (gone) {
        if (s) release(s.id);
        return;
      }
      if (s) staged.current = { file: shownFile, id: s.id };
      setInfo(inspected);
    })();
    return () => {
      gone = true;
      const s = staged.current;
      staged.current = null;
      if (s) release(s.id);
    };
  }, [shownFile]);

  const textLines = useMemo(() => {
    const time = formatVnIso(new Date());
    const number = docNumber || t('placement.numberPlaceholder');
    return kind === 'copy' ? [copyForm, agency, number, time] : [number, time];
  }, [kind, copyForm, agency, docNumber, t]);

  // the position Decree 30 suggests for the kind (or the demo's box), until the person moves it
  useEffect(() => {
    if (!info || !kind) {
      setPlacement(null);
      return;
    }
    if (kind === 'signer') {
      if (box) setPlacement({ pageIndex: box.page, rect: box.rect, moved: false });
      else setPlacement({ ...info.proposed.signer, moved: false });
    } else if (kind === 'organisation') {
      if (info.proposed.organisation) setPlacement({ pageIndex: info.proposed.organisation.pageIndex, rect: info.proposed.organisation.rect, moved: false });
      else {
        const s = info.proposed.signer.rect;
        setPlacement({ pageIndex: info.proposed.signer.pageIndex, rect: [s[0], s[1], s[0] + SEAL_PT, s[1] + SEAL_PT], moved: false });
      }
    } else setPlacement({ ...info.proposed.text, moved: false });
  }, [info, kind, box, resetKey]);

  const field = intoField ? info?.fields.find((f) => f.name === intoField) ?? null : null;
  const shownPlacement = field && field.pageIndex !== null ? { pageIndex: field.pageIndex, rect: field.rect, moved: false } : placement;
  useEffect(() => {
    if (shownPlacement) viewer.current?.goTo({ page: shownPlacement.pageIndex, rect: shownPlacement.rect });
    // (only when the page changes, not on every drag step)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shownPlacement?.pageIndex, intoField]);

  const preview: AppearancePreview | null = !kind
    ? null
    : kind === 'signer'
      ? { kind: 'signer', title: box ? [] : title.split('\n').filter(Boolean), fullName: box ? '' : fullName || t('placement.nameFromCertificate'), imageUrl }
      : kind === 'organisation'
        ? { kind: 'organisation', imageUrl }
        : { kind: 'text', lines: textLines };

  const emptyFields = (info?.fields ?? []).filter((f) => !f.signed);

  async function visibleSpec(): Promise<Visible | undefined> {
    if (!kind) return undefined;
    const spec: Visible = { kind, pageIndex: placement?.pageIndex ?? 0 };
    if (kind === 'signer') {
      if (placement && !intoField) spec.rect = xywh(placement.rect);
      // on a sample document the title and name are printed already: the image goes between them
      spec.title = box ? [] : title.split('\n').filter(Boolean);
      if (fullName || box) spec.fullName = box ? '' : fullName;
      if (image) spec.signatureImage = await fileBytes(image);
    } else if (kind === 'organisation') {
      if (image) spec.sealImage = await fileBytes(image);
      // the seal goes over the signer's image by itself, unless the person moved it
      if (placement?.moved && !intoField) spec.sealRect = xywh(placement.rect);
    } else {
      spec.documentNumber = docNumber;
      if (placement?.moved && !intoField) spec.rect = xywh(placement.rect);
      if (kind === 'copy') {
        spec.copyForm = copyForm;
        spec.copyingAgency = agency;
      }
    }
    return spec;
  }

  /** The reason written into the signature (always in Vietnamese: it is part of the document). */
  function reason(): string | undefined {
    const vi = appI18n().getFixedT('vi', 'sign');
    if (kind === 'signer') return vi('reason.approve');
    if (kind === 'organisation') {
      const number = [docNumber, docSymbol].filter(Boolean).join('/');
      return number ? vi('reason.issueNumbered', { number }) : vi('reason.issue');
    }
    if (kind === 'attachment') return vi('reason.attachment');
    if (kind === 'copy') return vi('reason.copy', { form: copyForm });
    return undefined;
  }

  function start() {
    setError(null);
    if (credKind === 'token') {
      if (!token) {
        setError(t('errors.noToken'));
        return;
      }
      if (!token.loggedIn) {
        // one PIN entry for the whole batch: the login serves every document
        setPinFor(token);
        return;
      }
    }
    void run();
  }

  async function run() {
    setResults(null);
    setShown(0);
    setViewing(null);
    const taskId = crypto.randomUUID();
    setRunning({ taskId, done: 0, total: files.length, cancelling: false });
    const off = vanthu.on('progress', (p) => {
      if (p.taskId === taskId) setRunning((r) => (r && r.taskId === taskId ? { ...r, done: p.done, total: p.total } : r));
    });
    // online unless the machine is offline (revocation then from the file and the cache), as the verify desk does
    const offline = typeof navigator !== 'undefined' && navigator.onLine === false;
    let out: ItemResult[] | null = null;
    try {
      const credential =
        credKind === 'token'
          ? { kind: 'token' as const, tokenLabel }
          : credKind === 'demo'
            ? { kind: 'demo' as const, holder }
            : { kind: 'p12' as const, p12: p12 ? await fileBytes(p12) : new Uint8Array(0), password };
      // the shown document by its staged id (its bytes are on the main side already), the others'
      // bytes read one by one as they are sent; the bytes after all if the staged copy is gone
      const read: Uint8Array[] = [];
      const itemsOf = (useStaged: boolean) => Promise.all(files.map(async (f) => {
        const name = toSafeFileName(f.name);
        const s = staged.current;
        if (useStaged && s && s.file === f) return { name, staged: s.id };
        const data = await readFramed(f);
        read.push(data);
        return { name, data };
      }));
      const options = {
        taskId, level, credential, visible: await visibleSpec(), reason: reason(),
        // each signed file verified on the main side at once (no second trip of its bytes), and
        // kept there: the answer names it (id, size, SHA-256), its bytes are fetched afterwards
        verify: { offline },
        returnSigned: 'staged' as const,
        ...(level !== 'B-B' && tsaUrl ? { tsaUrl } : {}),
        ...(intoField ? { intoField } : {}),
      };
      let r = await vanthu.call('sign.batch', { ...options, items: await itemsOf(true) });
      if (!r.ok && r.error.code === STAGED_UNKNOWN) {
        // released, expired or evicted on the main side (nothing was signed): send the bytes
        staged.current = null;
        r = await vanthu.call('sign.batch', { ...options, items: await itemsOf(false) });
      }
      read.forEach(releaseBytes); // sent: not needed here any more
      if (!r.ok) {
        setError(pick(r.error));
        return;
      }
      out = r.value.results.map((x): ItemResult => {
        const copy = x.file ? SignedCopy.of(vanthu, x.file) : undefined;
        if (copy) copy.onChange = () => setCopyTick((n) => n + 1);
        if (copy && target && x.ok) copy.pin(); // saved below: the main side keeps it until then
        return {
          name: x.name,
          status: x.ok ? 'ok' : x.error?.code === 'SIGN_CANCELLED' ? 'cancelled' : 'failed',
          file: x.file && (({ signed: _s, staged: _st, ...f }) => f)(x.file as BatchFile & { signed?: unknown; staged?: unknown }),
          copy,
          error: x.error ? pick(x.error) : undefined,
          ...(x.report ? { report: x.report, offline } : {}),
        };
      });
      // shown now: the verdict and the signature panel need no bytes
      setResults(out);
    } catch (e) {
      setError(String((e as Error)?.message ?? e));
    } finally {
      off();
      setPassword('');
      setRunning(null);
      refreshTokens();
    }
    if (out) after.current = { out, offline };
  }
  // once the results are drawn, what follows them (the effect runs after they are committed)
  const after = useRef<{ out: ItemResult[]; offline: boolean } | null>(null);
  useEffect(() => {
    const a = after.current;
    if (!a || results !== a.out) return;
    after.current = null;
    void afterShown(a.out, a.offline);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [results]);

  /**
   * After the results are drawn: each signed file's bytes fetched by id, one after the other, and
   * saved as the document's next version (the main side's copy released then — kept, and the error
   * shown, if the save fails twice) or, with nothing to save, kept here for the download link (the
   * main side's copy released at once); verified here if the main side did not (no report).
   */
  async function afterShown(out: ItemResult[], offline: boolean) {
    await nextPaint();
    const todo = out.filter((item) => item.status === 'ok' && item.copy);
    if (todo.length === 0) return;
    if (target) setSaving((n) => n + 1);
    try {
      for (const item of todo) {
        const copy = item.copy!;
        if (copy.disposed && !target) continue; // the desk has moved on
        if (target) await copy.saveWith((b, name) => target.save(b, name));
        else if (!copy.fetched) await copy.bytesForUse().catch(() => undefined); // (its error shown with the result)
        if (item.report) continue; // verified with the signing
        try {
          const v = await vanthu.call('verify.pdf', { name: copy.name, data: await copy.bytes(), offline });
          item.offline = offline;
          if (v.ok) item.report = v.value;
          else item.error = pick(v.error);
        } catch (e) {
          item.error = e instanceof CopyError ? pick(e.error) : String((e as Error)?.message ?? e);
        }
        setResults((cur) => (cur === out || cur?.includes(item) ? [...cur] : cur));
      }
    } finally {
      if (target) setSaving((n) => n - 1);
    }
  }

  /** Saves once more a signed file whose save failed (the main side kept its copy). */
  async function saveAgain(copy: SignedCopy) {
    if (!target) return;
    setSaving((n) => n + 1);
    try {
      await copy.saveWith((b, name) => target.save(b, name));
    } finally {
      setSaving((n) => n - 1);
    }
  }

  async function cancel() {
    if (!running) return;
    setRunning({ ...running, cancelling: true });
    await vanthu.call('sign.cancel', { taskId: running.taskId });
  }

  // The signed files the desk holds: let go of (object URL revoked, the main side's copy released
  // unless a save still needs it) when the results change or the desk goes away.
  const copies = useRef(new Set<SignedCopy>());
  useEffect(() => {
    const live = new Set(results?.flatMap((r) => (r.copy ? [r.copy] : [])) ?? []);
    for (const c of copies.current) if (!live.has(c)) { c.dispose(); copies.current.delete(c); }
    for (const c of live) copies.current.add(c);
  }, [results]);
  useEffect(() => () => { for (const c of copies.current) c.dispose(); copies.current.clear(); }, []);

  // The download link of a signed file: its object URL (a Blob of its bytes) made when the link is
  // first used — pointer over it, focus, click: the bytes fetched by id then if they are not here
  // yet; a click that comes before them waits for them and then downloads.
  const linkProps = (c: SignedCopy) => {
    const ready = (a: HTMLAnchorElement) => {
      const u = c.url();
      if (u) a.href = u;
      return !!u;
    };
    const warm = (e: { currentTarget: HTMLAnchorElement }) => {
      const a = e.currentTarget;
      if (!ready(a)) c.bytesForUse().then(() => ready(a), () => undefined);
    };
    const click = (e: MouseEvent<HTMLAnchorElement>) => {
      const a = e.currentTarget;
      if (ready(a)) return;
      e.preventDefault();
      c.bytesForUse().then(() => { if (ready(a)) a.click(); }, () => undefined);
    };
    return {
      href: c.url() ?? '#', onPointerEnter: warm, onPointerDown: warm, onFocus: warm, onClick: click,
      'data-testid': 'sign-download', 'data-size': c.size, 'data-sha256': c.sha256 ?? undefined, 'data-fetched': c.fetched ? 'yes' : 'no',
    };
  };

  // the signature panel's "Xem phiên bản đã ký": the signed revision (the signed file cut at the end
  // of the signature's byte range) in the viewer, the signed bytes fetched first if need be
  const viewSigned = (c: SignedCopy) => (sig: PanelSignature) => {
    c.bytesForUse().then((b) => {
      const bytes = signedRevisionBytes(sig, b);
      if (bytes) setViewing({ sig, bytes, name: c.name });
    }, () => undefined);
  };
  // "So sánh" of a signature the report has no renderings for: the signed file verified again, every page pair kept
  const renderPairs = (c: SignedCopy, offline: boolean) => async (sig: PanelSignature): Promise<PanelSignature | null> => {
    const data = await c.bytesForUse();
    const r = await vanthu.call('verify.pdf', { name: c.name, data, offline, renderings: 'all' });
    if (!r.ok) return null;
    return asPanelReport(r.value).signatures.find((x) => x.field === sig.field && x.revision === sig.revision) ?? null;
  };

  // a visible signer's box must be placed first (the document is still being inspected otherwise)
  const placed = kind !== 'signer' || !!intoField || !!placement;
  const canSign = files.length > 0 && !running && saving === 0 && (credKind !== 'p12' || !!p12) && placed;
  const shownResult = results?.filter((r) => r.report)[shown] ?? null;
  const indication = (v: Report['verdict']) => INDICATION_TEXT[v][lang];

  return (
    <section className="card sign-desk" aria-labelledby="sign-title">
      <h2 id="sign-title">{t('title')}</h2>
      <div className="sign-layout">
        <div className="sign-document" data-viewing={viewing ? 'signed' : 'current'}>
          {viewing && (
            <MessageBar intent="warning" data-testid="signed-revision-banner">
              <MessageBarBody>
                {t('verify:viewingSigned', { field: viewing.sig.field, rev: viewing.sig.revision, total: shownResult?.report?.revisions ?? viewing.sig.revision })}{' '}
                <Button size="small" onClick={() => setViewing(null)} data-testid="back-to-current">{t('verify:backToCurrent')}</Button>
              </MessageBarBody>
            </MessageBar>
          )}
          {shownFile ? (
            <Suspense fallback={<Spinner label={t('viewerLoading')} />}>
              <PdfViewer ref={viewer} source={viewerSource} allowOpen={false} thumbnails={false} testId="sign-viewer" />
            </Suspense>
          ) : (
            <p className="hint">{t('noDocument')}</p>
          )}
        </div>

        <div className="sign-form">
          <div className="sign-file-field">
            <Label htmlFor="sign-files">{t('files.label')}</Label>
            <input id="sign-files" type="file" multiple accept="application/pdf,.pdf"
              onChange={(e) => { setFiles([...(e.target.files ?? [])]); setCurrent(0); setResults(null); setViewing(null); }} />
          </div>
          {files.length > 0 && (
            <p data-testid="sign-selected">{t('files.selected', { count: files.length, names: files.map((f) => f.name).join(', ') })}</p>
          )}
          {files.length > 1 && (
            <Field label={t('files.shown')}>
              <Select value={String(current)} onChange={(_, d) => { setCurrent(Number(d.value)); setViewing(null); }}>
                {files.map((f, i) => <option key={i} value={i}>{f.name}</option>)}
              </Select>
            </Field>
          )}

          <fieldset>
            <legend>{t('credential.legend')}</legend>
            <RadioGroup value={credKind} onChange={(_, d) => setCredKind(d.value as typeof credKind)} aria-label={t('credential.legend')}>
              {demo && <Radio value="demo" label={t('credential.demo')} />}
              <Radio value="token" label={t('credential.token')} />
              <Radio value="p12" label={t('credential.p12')} />
            </RadioGroup>
            {credKind === 'demo' && (
              <Field label={t('credential.demo')}>
                <Select data-testid="demo-holder" value={holder} onChange={(_, d) => setHolder(d.value as DemoHolder)}>
                  {DEMO_HOLDERS.map((h) => <option key={h} value={h}>{t(`holders.${h}`)}</option>)}
                </Select>
              </Field>
            )}
            {credKind === 'token' && (
              <>
                {tokens && tokens.tokens.length === 0 && <p data-testid="sign-no-token">{t('credential.noToken')}</p>}
                {tokens && tokens.tokens.length > 0 && (
                  <Field label={t('credential.tokenChoice')}>
                    <Select data-testid="sign-token" value={tokenLabel} onChange={(_, d) => setTokenLabel(d.value)}>
                      {tokens.tokens.map((x) => (
                        <option key={`${x.module}:${x.label}`} value={x.label}>
                          {t('credential.tokenOption', { label: x.label, manufacturer: x.manufacturer, state: x.loggedIn ? 'unlocked' : 'locked' })}
                        </option>
                      ))}
                    </Select>
                  </Field>
                )}
                {token && (
                  <p>
                    <Badge appearance="tint" color={token.loggedIn ? 'success' : 'informative'}>{token.loggedIn ? t('credential.unlocked') : t('credential.locked')}</Badge>{' '}
                    {token.protectedAuthPath && <Badge appearance="outline">{t('credential.pinPad')}</Badge>}
                  </p>
                )}
                {token && <PinState remaining={token.pin.remaining} toBeChanged={token.pin.toBeChanged} />}
                {tokenError && <p className="error">{tokenError}</p>}
              </>
            )}
            {credKind === 'p12' && (
              <>
                <input aria-label={t('credential.p12File')} type="file" accept=".p12,.pfx" onChange={(e) => setP12(e.target.files?.[0] ?? null)} />
                <Field label={t('credential.p12Password')}>
                  <Input type="password" autoComplete="off" value={password} onChange={(_, d) => setPassword(d.value)} />
                </Field>
              </>
            )}
          </fieldset>

          <Field label={t('kind.label')}>
            <Select id="sign-kind" value={kind} onChange={(_, d) => setKind(d.value as Kind)}>
              {KINDS.map((k) => <option key={k} value={k}>{t(`kind.${k || 'invisible'}`)}</option>)}
            </Select>
          </Field>
          <Field label={t('level.label')}>
            <Select id="sign-level" value={level} onChange={(_, d) => setLevel(d.value as Level)}>
              {LEVELS.map((l) => <option key={l} value={l}>{t(`level.${l}`)}</option>)}
            </Select>
          </Field>
          {level !== 'B-B' && (
            <Field label={t('level.tsa')} hint={t('level.tsaHint')}>
              <Input type="url" value={tsaUrl} onChange={(_, d) => setTsaUrl(d.value)} data-testid="sign-tsa" />
            </Field>
          )}

          {(kind === 'signer' || kind === 'organisation') && (
            <div className="sign-file-field">
              <Label htmlFor="sign-image">{kind === 'signer' ? t('appearance.signatureImage') : t('appearance.sealImage')}</Label>
              <input id="sign-image" type="file" accept="image/png" onChange={(e) => setImage(e.target.files?.[0] ?? null)} />
            </div>
          )}
          {kind === 'signer' && !box && (
            <>
              <Field label={t('appearance.title')}>
                <Textarea rows={2} value={title} onChange={(_, d) => setTitle(d.value)} />
              </Field>
              <Field label={t('appearance.name')}>
                <Input value={fullName} onChange={(_, d) => setFullName(d.value)} />
              </Field>
            </>
          )}
          {kind === 'organisation' && (
            <div className="sign-row">
              <Field label={t('appearance.issueNumber')}>
                <Input value={docNumber} placeholder={t('appearance.issueNumberPlaceholder')} onChange={(_, d) => setDocNumber(d.value)} />
              </Field>
              <Field label={t('appearance.issueSymbol')}>
                <Input value={docSymbol} placeholder={t('appearance.issueSymbolPlaceholder')} onChange={(_, d) => setDocSymbol(d.value)} />
              </Field>
            </div>
          )}
          {(kind === 'attachment' || kind === 'copy') && (
            <Field label={t('appearance.number')}>
              <Input value={docNumber} placeholder={t('appearance.numberPlaceholder')} onChange={(_, d) => setDocNumber(d.value)} />
            </Field>
          )}
          {kind === 'copy' && (
            <>
              <Field label={t('appearance.copyForm')}>
                <Select value={copyForm} onChange={(_, d) => setCopyForm(d.value as CopyForm)}>
                  {COPY_FORMS.map((f) => <option key={f} value={f}>{f}</option>)}
                </Select>
              </Field>
              <Field label={t('appearance.agency')}>
                <Input value={agency} onChange={(_, d) => setAgency(d.value)} />
              </Field>
            </>
          )}

          {emptyFields.length > 0 && (
            <fieldset data-testid="sign-fields">
              <legend>{t('fields.legend')}</legend>
              <ul className="sign-field-list">
                {emptyFields.map((f) => (
                  <li key={f.name} data-testid="sign-field" data-field={f.name}>
                    <span>{f.pageIndex === null ? t('fields.invisible', { name: f.name }) : t('fields.where', { name: f.name, page: f.pageIndex + 1 })}</span>{' '}
                    {intoField === f.name ? (
                      <Button size="small" onClick={() => setIntoField(null)} aria-label={t('fields.unchooseLabel', { name: f.name })}>{t('fields.unchoose')}</Button>
                    ) : (
                      <Button size="small" appearance="primary" onClick={() => setIntoField(f.name)} aria-label={t('fields.chooseLabel', { name: f.name })}>{t('fields.choose')}</Button>
                    )}
                  </li>
                ))}
              </ul>
              {intoField && <p data-testid="sign-into-field">{t('fields.chosen', { name: intoField })}</p>}
            </fieldset>
          )}

          {info && shownFile && shownPlacement && (kind || field) && (
            <div className="sign-position">
              <h3>{t('placement.title', { page: shownPlacement.pageIndex + 1 })}</h3>
              <p className="hint">{field ? t('placement.fieldHint') : t('placement.hint')}</p>
              <Placement file={shownFile} pageIndex={shownPlacement.pageIndex} rect={shownPlacement.rect}
                movable={!field} preview={preview} onMove={(rect) => setPlacement((p) => (p ? { ...p, rect, moved: true } : p))} />
              {!field && placement?.moved && (
                <Button size="small" onClick={() => setResetKey((k) => k + 1)}>
                  {t('placement.reset')}
                </Button>
              )}
            </div>
          )}

          <div className="sign-actions">
            <Button appearance="primary" disabled={!canSign} onClick={start}>
              {files.length > 1 ? t('action.signMany', { count: files.length }) : t('action.sign')}
            </Button>
            {running && (
              <Button onClick={cancel} disabled={running.cancelling} data-testid="sign-cancel">{running.cancelling ? t('action.cancelling') : t('action.cancel')}</Button>
            )}
          </div>
          {running && (
            <Field validationMessage={<span data-testid="sign-progress">{t('progress', { done: running.done, total: running.total })}</span>} validationState="none">
              <ProgressBar value={running.total ? running.done / running.total : 0} max={1} aria-label={t('progressLabel')} data-testid="sign-progressbar" />
            </Field>
          )}
          {error && (
            <MessageBar intent="error" role="alert">
              <MessageBarBody>{error}</MessageBarBody>
            </MessageBar>
          )}
          {target && <p className="hint">{t('savedAsVersion')}</p>}
        </div>
      </div>

      {results && (
        <div className="sign-results">
          <h3>{t('results.title', { ok: results.filter((r) => r.status === 'ok').length, total: results.length })}</h3>
          <ul data-testid="sign-results">
            {results.map((r, i) => (
              <li key={`${r.name}-${i}`} data-testid="sign-result" data-status={r.status}>
                {r.status === 'ok' && r.file && r.copy ? (
                  <>
                    {t('results.signed')} <Link {...linkProps(r.copy)} download={r.file.name}>{r.file.name}</Link>{' '}
                    {t('results.level', { level: r.file.level })}
                    {r.file.pending.length > 0 && ` ${t('results.pending', { pending: r.file.pending.join(', ') })}`}
                    {r.report && (
                      <span data-testid="sign-verify">
                        {' — '}{t('results.verified')}{' '}
                        <strong data-testid="sign-verify-verdict" data-verdict={r.report.verdict}>{indication(r.report.verdict)}</strong>
                        {' — '}{lang === 'en' ? r.report.summary_en : r.report.summary_vi}
                      </span>
                    )}
                    {r.copy.fetching && !r.copy.save && <span className="hint" role="status" data-testid="sign-fetching">{' '}{pick(signedCopyMessages.fetching)}</span>}
                    {r.copy.fetchError && r.copy.save?.state !== 'failed' && (
                      <span className="error" role="alert" data-testid="sign-copy-error" data-code={r.copy.fetchError.code}>{' '}{pick(r.copy.fetchError)}</span>
                    )}
                    {r.copy.save && <SaveLine copy={r.copy} onRetry={() => void saveAgain(r.copy!)} />}
                  </>
                ) : r.status === 'cancelled' ? (
                  t('results.cancelled', { name: r.name })
                ) : (
                  t('results.failed', { name: r.name, error: r.error ?? '' })
                )}
              </li>
            ))}
          </ul>
          {results.filter((r) => r.report).length > 1 && (
            <Field label={t('results.panelFor')}>
              <Select value={String(shown)} onChange={(_, d) => { setShown(Number(d.value)); setViewing(null); }}>
                {results.filter((r) => r.report).map((r, i) => <option key={i} value={i}>{r.file?.name}</option>)}
              </Select>
            </Field>
          )}
          {shownResult?.report && shownResult.copy && (
            <SignaturePanel report={asPanelReport(shownResult.report)} fileLength={shownResult.copy.size} offline={!!shownResult.offline}
              onViewSigned={viewSigned(shownResult.copy)} onRenderPairs={renderPairs(shownResult.copy, !!shownResult.offline)} />
          )}
        </div>
      )}

      {pinFor && (
        <PinDialog
          token={pinFor}
          onCancel={() => { setPinFor(null); refreshTokens(); }}
          onUnlocked={() => { setPinFor(null); refreshTokens(); void run(); }}
        />
      )}
    </section>
  );
}

/** Where the save of a signed file as the document's next version stands (an error with "Lưu lại"). */
function SaveLine({ copy, onRetry }: { copy: SignedCopy; onRetry(): void }) {
  const save = copy.save;
  if (!save) return null;
  if (save.state === 'failed') {
    return (
      <MessageBar intent="error" data-testid="sign-save" data-state="failed" data-code={save.error.code}>
        <MessageBarBody role="alert">
          {pick(save.error)}{' '}
          <Button size="small" onClick={onRetry} data-testid="sign-save-retry">{pick(signedCopyMessages.retry)}</Button>
        </MessageBarBody>
      </MessageBar>
    );
  }
  return (
    <span className="hint" role="status" data-testid="sign-save" data-state={save.state}>
      {' '}{pick(save.state === 'saving' ? signedCopyMessages.saving : signedCopyMessages.saved)}
    </span>
  );
}
