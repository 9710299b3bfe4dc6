// IPC handlers of the document features: signing, verification and tokens. Thin adapters from
// the contract's shapes (bytes as Uint8Array) to the plain-Node services; no feature logic here.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes, webcrypto } from 'node:crypto';
import type { Handlers } from './ipc/router';
import type { ServiceContext } from './handlers';
import { signDocuments, type SignRequest } from './signing/sign-documents';
import type { VisibleChoice } from './signing/visible';
import { verifyFile } from './verify/index';
import type { Req } from '../../src-shared/ipc/contract';
import { certificateInfo } from './pkcs11/index';
import { VanthuError } from '../../src-shared/errors';
import { readResource } from './resources';
import type { DocumentReport } from '../../src-shared/verify/report';
import { CancelRegistry, inspectForSigning } from './signing/desk';
import { StagingArea } from './signing/staging';


type SignOptions = Omit<Req<'sign.batch'>, 'taskId' | 'items' | 'verify' | 'returnSigned'>;

/** SHA-256 in hex, computed off the main thread (WebCrypto runs on the thread pool), so it overlaps
 * the verification of the same file. */
async function sha256Hex(data: Uint8Array): Promise<string> {
  return Buffer.from(await webcrypto.subtle.digest('SHA-256', data)).toString('hex');
}

function toSignRequest(o: SignOptions, ctx: ServiceContext): SignRequest {
  const v = o.visible;
  const visible: VisibleChoice | undefined = v && {
    kind: v.kind,
    pageIndex: v.pageIndex,
    rect: v.rect ? [v.rect[0], v.rect[1], v.rect[0] + v.rect[2], v.rect[1] + v.rect[3]] : undefined,
    signatureImage: v.signatureImage,
    sealImage: v.sealImage,
    title: v.title,
    sealRect: v.sealRect ? [v.sealRect[0], v.sealRect[1], v.sealRect[0] + v.sealRect[2], v.sealRect[1] + v.sealRect[3]] : undefined,
    fullName: v.fullName,
    documentNumber: v.documentNumber,
    copyForm: v.copyForm,
    copyingAgency: v.copyingAgency,
  };
  const c = o.credential;
  // A demo holder's handwritten signature and the demo unit's seal are part of the demo profile.
  if (visible && c.kind === 'demo') {
    if (visible.kind === 'signer' && !visible.signatureImage) visible.signatureImage = readResource('appearance', 'sample-signature.png');
    if (visible.kind === 'organisation' && !visible.sealImage) visible.sealImage = readResource('appearance', 'sample-seal.png');
  }
  const credential = c.kind === 'p12' ? { kind: 'p12' as const, p12: c.p12, password: c.password }
    : c.kind === 'demo' ? { kind: 'p12' as const, ...profilesOf(ctx).demoCredential(c.holder) }
    : c;
  return {
    level: o.level ?? 'B-B',
    tsaUrl: o.tsaUrl,
    reason: o.reason,
    location: o.location,
    visible,
    intoField: o.intoField,
    credential,
  };
}

/** The visual check's renderings cross IPC as bytes (the report keeps base64 for JSON output). */
function withPngBytes(report: DocumentReport) {
  const png = (b64?: string) => (b64 === undefined ? undefined : new Uint8Array(Buffer.from(b64, 'base64')));
  return {
    ...report,
    signatures: report.signatures.map((s) => s.visual
      ? { ...s, visual: { ...s.visual, pages: s.visual.pages.map((p) => ({ ...p, signedPng: png(p.signedPng), currentPng: png(p.currentPng) })) } }
      : { ...s, visual: undefined }),
  };
}

function profilesOf(ctx: ServiceContext) {
  if (!ctx.profiles) throw new VanthuError('DEMO_NOT_ACTIVE', 'Chứng thư số dùng thử chỉ có trong hồ sơ dùng thử.', 'Demo certificates exist only in the demo profile.');
  return ctx.profiles;
}

export function featureHandlers(
  ctx: ServiceContext,
  staging: StagingArea = new StagingArea(),
): Pick<Handlers, 'sign.pdf' | 'sign.batch' | 'sign.inspect' | 'sign.release' | 'sign.fetch' | 'sign.cancel' | 'verify.pdf' | 'tokens.list' | 'tokens.login' | 'tokens.logout'> {
  const batches = new CancelRegistry();
  const sign = async (items: { name: string; data: Uint8Array }[], o: SignOptions, taskId: string) => {
    const isCancelled = batches.begin(taskId);
    let results;
    try {
      results = await signDocuments(
        items.map((i) => ({ name: i.name, bytes: i.data })),
        toSignRequest(o, ctx),
        {
          tokens: ctx.tokens,
          isCancelled,
          onProgress: (done, total, item, ok) => ctx.events.emit('progress', { taskId, done, total, item, status: ok ? 'ok' : 'failed' }),
        },
      );
    } finally {
      batches.end(taskId);
    }
    const stopped = results.find((r) => r.error?.code === 'SIGN_CANCELLED');
    if (stopped) ctx.events.emit('progress', { taskId, done: results.filter((r) => r.ok).length, total: items.length, status: 'cancelled' });
    return results.map((r) => ({
      name: r.name,
      ok: r.ok,
      error: r.error,
      file: r.file && { ...r.file, bytes: undefined, signed: r.file.bytes },
    }));
  };

  /** Verify bytes: the verifier works on files (random access, bounded worker), so they go to a private temp file removed afterwards. */
  const verifyBytes = async (name: string, data: Uint8Array, offline: boolean, renderings?: 'differences' | 'all') => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vanthu-verify-'));
    const file = path.join(dir, 'document.pdf');
    try {
      fs.writeFileSync(file, data, { mode: 0o600 });
      const report = await verifyFile(file, {
        offline, trust: ctx.trustPaths, allowDemo: ctx.allowDemo, cacheDir: path.join(ctx.profileDir, 'revocation-cache'),
        ...(renderings === 'all' ? { visualScope: 'all' as const, visualRenderings: 'all' as const } : {}),
      });
      return { ...withPngBytes(report), file: name };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };

  return {
    'sign.pdf': async (req) => {
      const { name, data, ...o } = req;
      const [r] = await sign([{ name, data }], o as SignOptions, `single-${randomBytes(4).toString('hex')}`);
      if (!r.ok || !r.file) throw new VanthuError(r.error?.code ?? 'SIGN_FAILED', r.error?.message_vi ?? 'Ký không thành công.', r.error?.message_en ?? 'Signing failed.');
      const { bytes: _drop, ...file } = r.file;
      return file;
    },
    'sign.batch': async (req) => {
      const { taskId, items: given, verify, returnSigned, ...o } = req;
      // staged documents by their id (all resolved before anything is signed: an unknown id fails
      // the whole call with SIGN_STAGED_UNKNOWN, and the desk sends the bytes instead)
      const items = given.map((i) => ('staged' in i ? { name: i.name, data: staging.take(i.staged) } : i));
      const results = await sign(items, o as SignOptions, taskId);
      const out = [];
      for (const r of results) {
        const file = r.file && (({ bytes: _b, ...f }) => f)(r.file);
        const report = verify && r.ok && file ? verifyBytes(file.name, file.signed, verify.offline) : undefined;
        // the signed file kept here, named by id, size and SHA-256 (its hash computed while it is
        // verified); as bytes when the staging area has no room for it beside the files it keeps
        const staged = returnSigned === 'staged' && file ? staging.put(file.signed, { keep: true }) : null;
        if (staged && file) {
          const { signed, ...meta } = file;
          let sha256: string, rep: Awaited<typeof report>;
          try {
            [sha256, rep] = await Promise.all([sha256Hex(signed), report]);
          } catch (e) {
            staging.release(staged.id);
            throw e;
          }
          out.push({ ...r, file: { ...meta, staged: { ...staged, sha256 } }, ...(rep ? { report: rep } : {}) });
          continue;
        }
        out.push({ ...r, file, ...(report ? { report: await report } : {}) });
      }
      return { results: out };
    },
    'sign.inspect': (req) => {
      const info = inspectForSigning(req.data); // (a document that cannot be read is not staged)
      const staged = req.stage ? staging.put(req.data) : null;
      return staged ? { ...info, staged } : info;
    },
    'sign.release': (req) => ({ released: staging.release(req.id) }),
    'sign.fetch': (req) => ({ data: staging.take(req.id) }),
    'sign.cancel': (req) => ({ cancelled: batches.cancel(req.taskId) }),
    'verify.pdf': (req) => verifyBytes(req.name, req.data, req.offline ?? false, req.renderings),
    'tokens.list': async () => {
      const service = ctx.tokens();
      const modules = await service.modules();
      const tokens = await service.listTokens();
      return {
        modules: modules.map((m) => ({ path: m.path, vendor: m.vendor, loaded: m.loaded, reason: m.reason })),
        tokens: await Promise.all(
          tokens.map(async (t) => {
            const certs = await service.listCertificates(t);
            return {
              label: t.label,
              manufacturer: t.manufacturer,
              model: t.model,
              serial: t.serial,
              module: t.module,
              pinState: t.pin.remaining,
              pin: { remaining: t.pin.remaining, toBeChanged: t.pin.toBeChanged },
              protectedAuthPath: t.protectedAuthPath,
              loggedIn: t.loggedIn,
              certificates: certs
                .map((c) => ({ c, info: c.info ?? certificateInfo(c.der) }))
                .sort((a, b) => Number(b.info.signingCapable) - Number(a.info.signingCapable))
                .map(({ c, info }) => ({
                  keyId: c.keyId,
                  subjectCN: info.subject.cn ?? null,
                  subjectO: info.subject.o ?? null,
                  issuerCN: info.issuer.cn ?? null,
                  serialNumber: info.serialNumber,
                  notBefore: info.notBefore,
                  notAfter: info.notAfter,
                  validity: info.validity,
                  signingCapable: info.signingCapable,
                  identifiers: info.identifiers,
                  warnings: info.warnings,
                })),
            };
          }),
        ),
      };
    },
    'tokens.login': async (req) => {
      const service = ctx.tokens();
      const token = await service.findToken(req.tokenLabel);
      const pin = req.pin === undefined ? null : Buffer.from(req.pin, 'utf8');
      try {
        await service.login(token, pin);
      } finally {
        pin?.fill(0);
      }
      // (the PIN's state after the login is in tokens.list)
      return { loggedIn: true };
    },
    'tokens.logout': async (req) => {
      const service = ctx.tokens();
      if (!req.tokenLabel) {
        await service.lockAll();
        return { loggedOut: 1 };
      }
      await service.logout(await service.findToken(req.tokenLabel));
      return { loggedOut: 1 };
    },
  };
}
