// PAdES signing orchestration (ETSI EN 319 142-1 levels B-B, B-T, B-LT, B-LTA) over a ByteSource.
// Each step is one incremental update appended to the input; the earlier bytes are never touched:
//   1. signature field + widget (+ appearance) + /V signature dictionary with placeholders, the
//      byte ranges hashed incrementally, the CAdES CMS (with a signature timestamp for B-T+)
//      written into /Contents;
//   2. B-LT: a /DSS dictionary with the certificates, OCSP responses and CRLs;
//   3. B-LTA: a document timestamp (/Type /DocTimeStamp, /SubFilter /ETSI.RFC3161).
// Offline (TSA/OCSP unreachable) falls back to B-B and reports what is pending;
// `extendPdf` adds it later. The result is the bytes to append: output = input ++ appended.

import { VanthuError } from '../errors';
import { buildSignatureAppearance, signerImageRectFromAppearance, type AppearanceSpec, type Rect } from '../appearance/index';
import { BytesSource, ConcatSource, type ByteSource } from '../pdf/bytesource';
import { PdfDict, PdfName, PdfStream, type PdfRef, type PdfValue } from '../pdf/objects';
import { PdfReader, nameOf } from '../pdf/reader';
import { pdfDate, textString } from '../pdf/serialize';
import { IncrementalWriter } from '../pdf/writer';
import type { HashAlgorithm, SignatureScheme, Signer } from '../sign/signer';
import { webCryptoDigest } from './digest';
import { addDss } from './dss';
import { addSignatureField } from './field';
import { emptyFieldOrThrow, fillSignatureField } from './empty-field';
import { byteRangePlaceholder, contentsPlaceholder, fillContents, hashByteRanges, patchByteRange, BYTERANGE_MARK, CONTENTS_MARK } from './placeholder';
import { isOfflineError, type PadesServices } from './services';
import { certificatesOfCms } from './cms-certs';
import { concatBytes } from '../crypto/bytes';

export type PadesLevel = 'B-B' | 'B-T' | 'B-LT' | 'B-LTA';
export type Pending = 'timestamp' | 'validation-data';
export const LEVELS: PadesLevel[] = ['B-B', 'B-T', 'B-LT', 'B-LTA'];

/** A visible signature: the appearance spec of src-shared/appearance, placed on a page. */
export interface VisibleSignature {
  /** 0-based page index (default 0; attachment/copy kinds always use page 1). */
  pageIndex?: number;
  /** For attachment/copy, `pageBox` and `signingTime` may be left out: they are filled in. */
  appearance: AppearanceSpec;
}

export interface SignPdfOptions {
  level?: PadesLevel;
  hash?: HashAlgorithm;
  scheme?: SignatureScheme;
  tsaUrl?: string;
  reason?: string;
  location?: string;
  /** Signer's name for /Name (default: none; viewers read it from the certificate). */
  name?: string;
  contactInfo?: string;
  /** Claimed signing time for /M and the appearance (default now). */
  signingTime?: Date;
  fieldName?: string;
  /**
   * Sign into this existing empty signature field (its widget's page and rectangle; a visible
   * appearance is drawn in that rectangle) instead of adding a new field. FIELD_NOT_FOUND when the
   * document has no such field, FIELD_ALREADY_SIGNED when it holds a signature.
   */
  intoField?: string;
  visible?: VisibleSignature;
  /** Bytes reserved for the CMS (default: estimate from the signer and level). */
  contentsSize?: number;
}

export interface SignPdfResult {
  /** Bytes to append to the input: output = input ++ appended. */
  appended: Uint8Array;
  fieldName: string;
  requestedLevel: PadesLevel;
  /** The level actually reached (lower than requested when offline). */
  level: PadesLevel;
  pending: Pending[];
  byteRange: [number, number, number, number];
  warnings: string[];
}

const NOT_CERTIFIABLE = () =>
  new VanthuError('PDF_CERTIFIED_NO_CHANGES', 'Tài liệu đã được chứng thực và không cho phép thêm chữ ký.', 'The document is certified with no changes allowed (DocMDP P=1); it cannot be signed again.');

function checkDocMdp(reader: PdfReader): void {
  const perms = reader.resolveDict(reader.catalog.get('Perms'));
  const mdp = perms ? reader.resolveDict(perms.get('DocMDP')) : null;
  if (!mdp) return;
  const refs = reader.resolve(mdp.get('Reference'));
  if (!Array.isArray(refs)) return;
  for (const r of refs) {
    const d = reader.resolveDict(r);
    const params = d ? reader.resolveDict(d.get('TransformParams')) : null;
    const p = params ? reader.resolve(params.get('P')) : undefined;
    if (p === 1) throw NOT_CERTIFIABLE();
  }
}

function defaultHash(signer: Signer): HashAlgorithm {
  if (signer.key.type === 'ec' && signer.key.bits >= 384) return 'SHA-384';
  return 'SHA-256';
}

/** PKCS#1 v1.5 for RSA unless the signer only offers PSS (most tokens in the field sign v1.5). */
function defaultScheme(signer: Signer): SignatureScheme {
  if (signer.key.type === 'ec') return { kind: 'ecdsa' };
  if (signer.schemes.includes('rsa-pkcs1v15')) return { kind: 'rsa-pkcs1v15' };
  return { kind: (signer.schemes[0] ?? 'rsa-pkcs1v15') as 'rsa-pss' | 'rsa-pkcs1v15' } as SignatureScheme;
}

interface SignatureUpdate {
  tail: Uint8Array;
  fieldName: string;
  byteRange: [number, number, number, number];
  cms: Uint8Array;
}

/**
 * Build the appearance of a visible signature into `w`: fills what the document decides (page box,
 * rotation, the signing time shown, the signer's box under a seal) and returns where it goes.
 */
function placeAppearance(reader: PdfReader, w: IncrementalWriter, visible: VisibleSignature, signingTime: Date, into?: { pageIndex: number; rect: Rect }): { pageIndex: number; rect: number[]; appearance: PdfRef } {
  const spec = { ...visible.appearance } as AppearanceSpec & { pageBox?: number[]; signingTime?: Date; pageRotation?: number };
  const textKind = spec.kind === 'attachment' || spec.kind === 'copy';
  // into an existing field: its widget's page and rectangle, whatever the kind
  if (into) (spec as { rect?: Rect }).rect = into.rect;
  const pageIndex = into ? into.pageIndex : textKind ? 0 : (visible.pageIndex ?? 0);
  const pages = reader.pages();
  const page = pages[pageIndex];
  if (!page)
    throw new VanthuError('PAGE_OUT_OF_RANGE', `Trang ${pageIndex + 1} không tồn tại (tài liệu có ${pages.length} trang).`, `Page ${pageIndex + 1} does not exist (the document has ${pages.length} pages).`);
  if (spec.pageRotation === undefined) spec.pageRotation = page.rotate;
  if (textKind) {
    if (!spec.pageBox) spec.pageBox = (page.cropBox ?? page.mediaBox) as never;
    if (!spec.signingTime) spec.signingTime = signingTime;
  }
  if (spec.kind === 'organisation' && !spec.rect && !spec.signerRect) {
    const found = lastVisibleSignature(reader, page.dict);
    if (!found)
      throw new VanthuError('SIGNER_BOX_NOT_FOUND', 'Không tìm thấy chữ ký của người có thẩm quyền trên trang để đóng dấu lên.', 'No visible signer (ký duyệt) signature on that page to place the seal over; give its rectangle.');
    spec.signerRect = found.rect;
    if (found.form) spec.signerImageRect = signerImageRectFromAppearance(found.form, found.rect, page.rotate);
  }
  const res = buildSignatureAppearance(w, spec as AppearanceSpec);
  return { pageIndex, rect: res.rect as unknown as number[], appearance: res.appearance };
}

/** One incremental update holding a new signature field whose /Contents is produced by `produce`. */
async function signatureUpdate(
  src: ByteSource,
  sigDict: PdfDict,
  contentsBytes: number,
  hash: HashAlgorithm,
  services: PadesServices,
  produce: (digest: Uint8Array) => Promise<Uint8Array>,
  field: { fieldName?: string; intoField?: string; visible?: VisibleSignature; signingTime: Date; reader?: PdfReader },
): Promise<SignatureUpdate> {
  for (let attempt = 0; ; attempt++) {
    // the first attempt may reuse the caller's reader (it is mutated only through this writer)
    const reader = attempt === 0 && field.reader ? field.reader : PdfReader.open(src);
    const w = new IncrementalWriter(reader);
    const dict = new PdfDict(sigDict.map);
    dict.set('ByteRange', byteRangePlaceholder() as unknown as PdfValue);
    dict.set('Contents', contentsPlaceholder(contentsBytes) as unknown as PdfValue);
    const sigRef = w.add(dict);
    let name: string;
    if (field.intoField) {
      const target = emptyFieldOrThrow(reader, field.intoField);
      // an invisible field (zero size, or on no page) is signed invisibly
      const visibleField = target.pageIndex !== null && target.rect[2] - target.rect[0] >= 1 && target.rect[3] - target.rect[1] >= 1;
      const shown = field.visible && visibleField ? placeAppearance(reader, w, field.visible, field.signingTime, { pageIndex: target.pageIndex!, rect: target.rect }) : undefined;
      name = fillSignatureField(reader, w, sigRef, field.intoField, shown?.appearance);
    } else {
      const shown = field.visible ? placeAppearance(reader, w, field.visible, field.signingTime) : undefined;
      name = addSignatureField(reader, w, sigRef, { fieldName: field.fieldName, pageIndex: shown?.pageIndex ?? 0, rect: shown?.rect, appearance: shown?.appearance }).name;
    }
    const built = w.build();
    const tail = built.bytes;
    const placed = patchByteRange(tail, src.length, built.marks.get(BYTERANGE_MARK)!, built.marks.get(CONTENTS_MARK)!, contentsBytes);
    const h = (services.digest ?? webCryptoDigest).create(hash);
    hashByteRanges(src, tail, placed, h);
    const md = await h.digest();
    const cms = await produce(md);
    if (cms.length > contentsBytes) {
      if (attempt >= 2) fillContents(tail, src.length, placed, cms); // throws CONTENTS_TOO_SMALL
      contentsBytes = cms.length + 2048;
      continue;
    }
    fillContents(tail, src.length, placed, cms);
    return { tail, fieldName: name, byteRange: placed.byteRange, cms };
  }
}

/** The widget rect and appearance form of the most recent visible signature on a page. */
export function lastVisibleSignature(reader: PdfReader, pageDict: PdfDict): { rect: Rect; form?: PdfDict } | undefined {
  let best: { rect: Rect; form?: PdfDict } | undefined;
  for (const f of reader.signatureFields()) {
    const rect = reader.resolve(f.field.get('Rect'));
    if (!Array.isArray(rect) || rect.length !== 4) continue;
    const n = rect.map((x) => reader.resolve(x));
    if (!n.every((x) => typeof x === 'number')) continue;
    const [a, b, c, d] = n as number[];
    if (Math.abs(c - a) < 1 || Math.abs(d - b) < 1) continue;
    const p = reader.resolve(f.field.get('P'));
    if (p !== undefined && p !== pageDict) continue;
    if (p === undefined) {
      const annots = reader.resolve(pageDict.get('Annots'));
      if (!Array.isArray(annots) || !annots.some((x) => reader.resolve(x) === f.field)) continue;
    }
    const ap = reader.resolveDict(f.field.get('AP'));
    const nForm = ap ? reader.resolve(ap.get('N')) : undefined;
    best = { rect: [Math.min(a, c), Math.min(b, d), Math.max(a, c), Math.max(b, d)], form: nForm instanceof PdfStream ? nForm.dict : undefined };
  }
  return best;
}

/** Sign a PDF at the requested PAdES level; see the module header. */
export async function signPdf(src: ByteSource, signer: Signer, options: SignPdfOptions, services: PadesServices): Promise<SignPdfResult> {
  const requested = options.level ?? 'B-B';
  const reader = PdfReader.open(src);
  reader.assertComplete();
  checkDocMdp(reader);
  // a missing or signed target field fails before anything is hashed or signed
  if (options.intoField) emptyFieldOrThrow(reader, options.intoField);
  const hash = options.hash ?? defaultHash(signer);
  const scheme = options.scheme ?? defaultScheme(signer);
  const signingTime = options.signingTime ?? new Date();
  const warnings: string[] = [];
  const pending: Pending[] = [];
  const wantTs = requested !== 'B-B';
  if (wantTs && !options.tsaUrl)
    throw new VanthuError('TSA_URL_MISSING', `Mức ${requested} cần địa chỉ máy chủ dấu thời gian (TSA).`, `Level ${requested} needs a timestamp server (TSA) URL.`);

  const sig = new PdfDict({
    Type: new PdfName('Sig'),
    Filter: new PdfName('Adobe.PPKLite'),
    SubFilter: new PdfName('ETSI.CAdES.detached'),
    M: pdfDate(signingTime),
  });
  if (options.name) sig.set('Name', textString(options.name));
  if (options.reason) sig.set('Reason', textString(options.reason));
  if (options.location) sig.set('Location', textString(options.location));
  if (options.contactInfo) sig.set('ContactInfo', textString(options.contactInfo));

  const estimate = options.contentsSize ?? (services.estimateCmsSize ? services.estimateCmsSize(signer, requested) : 8192 + (wantTs ? 12288 : 0));
  let timestamped = false;
  const first = await signatureUpdate(src, sig, estimate, hash, services, async (md) => {
    let cms = await services.buildCms({ messageDigest: md, hash, signer, scheme, signingTime });
    timestamped = false;
    if (wantTs) {
      if (!services.addSignatureTimestamp) throw new VanthuError('TSA_UNSUPPORTED', 'Chưa có dịch vụ dấu thời gian.', 'No timestamp service is configured.');
      try {
        cms = await services.addSignatureTimestamp(cms, options.tsaUrl!, hash);
        timestamped = true;
      } catch (e) {
        if (!isOfflineError(e)) throw e;
        warnings.push(`timestamp: ${(e as Error).message}`);
      }
    }
    return cms;
  }, { fieldName: options.fieldName, intoField: options.intoField, visible: options.visible, signingTime, reader });

  let level: PadesLevel = 'B-B';
  const parts = [first.tail];
  if (wantTs && !timestamped) {
    pending.push('timestamp');
    if (requested === 'B-LT' || requested === 'B-LTA') pending.push('validation-data');
  } else if (wantTs) level = 'B-T';

  if (level === 'B-T' && (requested === 'B-LT' || requested === 'B-LTA')) {
    const cur: ByteSource = new ConcatSource(src, new BytesSource(concatBytes(...parts)));
    try {
      const ext = await extendSource(cur, requested, options.tsaUrl!, services, hash, warnings);
      parts.push(ext.appended);
      level = ext.level;
      pending.push(...ext.pending);
    } catch (e) {
      if (!isOfflineError(e)) throw e;
      warnings.push(`validation data: ${(e as Error).message}`);
      pending.push('validation-data');
    }
  }
  return { appended: concatBytes(...parts), fieldName: first.fieldName, requestedLevel: requested, level, pending, byteRange: first.byteRange, warnings };
}

export interface ExtendResult {
  appended: Uint8Array;
  level: PadesLevel;
  pending: Pending[];
  warnings: string[];
}

/**
 * Bring an already signed PDF up to B-LT (DSS with validation data for every signature and
 * timestamp in it) or B-LTA (plus a document timestamp). Existing signatures are not touched.
 * When a signature lacks its own timestamp (signed offline), a document timestamp is added even
 * for B-LT, as the proof of existence B-T would have given.
 */
export async function extendPdf(src: ByteSource, level: 'B-LT' | 'B-LTA', tsaUrl: string | undefined, services: PadesServices, hash: HashAlgorithm = 'SHA-256'): Promise<ExtendResult> {
  const warnings: string[] = [];
  const reader = PdfReader.open(src);
  reader.assertComplete();
  const sigs = reader.signatureFields().filter((s) => s.sig && s.contents);
  if (sigs.length === 0) throw new VanthuError('PDF_NOT_SIGNED', 'Tài liệu chưa có chữ ký nào.', 'The document has no signature to extend.');
  const r = await extendSource(src, level, tsaUrl, services, hash, warnings);
  return { ...r, warnings };
}

async function extendSource(src: ByteSource, level: 'B-LT' | 'B-LTA', tsaUrl: string | undefined, services: PadesServices, hash: HashAlgorithm, warnings: string[]): Promise<{ appended: Uint8Array; level: PadesLevel; pending: Pending[] }> {
  const reader = PdfReader.open(src);
  const sigs = reader.signatureFields().filter((s) => s.sig && s.contents);
  const chains: Uint8Array[][] = [];
  let needsDocTs = level === 'B-LTA';
  for (const s of sigs) {
    const { chains: found, hasSignatureTimestamp } = certificatesOfCms(s.contents!);
    chains.push(...found.filter((c) => c.length > 0));
    if (nameOf(s.sig!.get('Type')) !== 'DocTimeStamp' && nameOf(s.sig!.get('SubFilter')) !== 'ETSI.RFC3161' && !hasSignatureTimestamp) needsDocTs = true;
  }
  if (!services.collectValidationData) throw new VanthuError('LTV_UNSUPPORTED', 'Chưa có dịch vụ thu thập dữ liệu kiểm tra.', 'No validation-data service is configured.');
  const vd = await services.collectValidationData(chains);
  for (const wmsg of vd.warnings ?? []) warnings.push(wmsg);
  if (vd.offline) throw new VanthuError('NET_UNREACHABLE', 'Không lấy được tình trạng thu hồi (OCSP/CRL) của mọi chứng thư.', 'The revocation status (OCSP/CRL) of every certificate could not be obtained.');
  const w = new IncrementalWriter(reader);
  addDss(reader, w, vd);
  const dssTail = w.build().bytes;
  const parts = [dssTail];
  let reached: PadesLevel = 'B-LT';
  const pending: Pending[] = [];
  if (needsDocTs) {
    if (!tsaUrl || !services.timestamp) throw new VanthuError('TSA_URL_MISSING', 'Cần địa chỉ máy chủ dấu thời gian (TSA).', 'A timestamp server (TSA) URL is needed.');
    const cur = new ConcatSource(src, new BytesSource(dssTail));
    try {
      const ts = await documentTimestamp(cur, tsaUrl, services, hash);
      parts.push(ts.tail);
      if (level === 'B-LTA') reached = 'B-LTA';
    } catch (e) {
      if (!isOfflineError(e)) throw e;
      warnings.push(`document timestamp: ${(e as Error).message}`);
      pending.push('timestamp');
    }
  }
  return { appended: concatBytes(...parts), level: reached, pending };
}

/** Append a document timestamp signature (/Type /DocTimeStamp, /SubFilter /ETSI.RFC3161). */
export async function documentTimestamp(src: ByteSource, tsaUrl: string, services: PadesServices, hash: HashAlgorithm = 'SHA-256'): Promise<SignatureUpdate> {
  if (!services.timestamp) throw new VanthuError('TSA_UNSUPPORTED', 'Chưa có dịch vụ dấu thời gian.', 'No timestamp service is configured.');
  const dict = new PdfDict({
    Type: new PdfName('DocTimeStamp'),
    Filter: new PdfName('Adobe.PPKLite'),
    SubFilter: new PdfName('ETSI.RFC3161'),
  });
  return signatureUpdate(src, dict, 16384, hash, services, (md) => services.timestamp!(md, hash, tsaUrl), { signingTime: new Date() });
}


