// Turns a person's choice of visible signature (kind, box, images, texts) into the appearance
// spec the PAdES engine draws, filling what Decree 30 fixes by default: the font, the time, and
// for the organisation's seal the box of the signer's signature it must overlap.

import type { ByteSource } from '../../../src-shared/pdf/bytesource';
import { PdfReader } from '../../../src-shared/pdf/reader';
import type { VisibleSignature } from '../../../src-shared/pades/sign';
import type { AppearanceSpec, CopyForm } from '../../../src-shared/appearance/index';
import { VanthuError } from '../../../src-shared/errors';
import { appearanceFonts } from '../resources';

export type Rect4 = [number, number, number, number];

export interface VisibleChoice {
  kind: 'signer' | 'organisation' | 'attachment' | 'copy';
  pageIndex?: number;
  /** [x1, y1, x2, y2] in points. For organisation: the signer's box (default: the last visible signature on the page). */
  rect?: Rect4;
  signatureImage?: Uint8Array;
  sealImage?: Uint8Array;
  title?: string[];
  fullName?: string;
  documentNumber?: string;
  copyForm?: CopyForm;
  copyingAgency?: string;
  lines?: string[];
}

/** The widget box of the most recent visible signature on a page (where a seal must go). */
export function lastVisibleSignatureRect(src: ByteSource, pageIndex: number): Rect4 | null {
  const r = PdfReader.open(src);
  const page = r.pages()[pageIndex];
  let best: Rect4 | null = null;
  for (const f of r.signatureFields()) {
    const rect = r.resolve(f.field.get('Rect'));
    if (!Array.isArray(rect) || rect.length !== 4) continue;
    const n = rect.map((x) => r.resolve(x)) as number[];
    if (n.some((x) => typeof x !== 'number') || Math.abs(n[2] - n[0]) < 1 || Math.abs(n[3] - n[1]) < 1) continue;
    const p = r.resolve(f.field.get('P'));
    if (page && p !== undefined && p !== page.dict) continue;
    best = [Math.min(n[0], n[2]), Math.min(n[1], n[3]), Math.max(n[0], n[2]), Math.max(n[1], n[3])];
  }
  return best;
}

const need = (what: string, vi: string) =>
  new VanthuError('SIGN_VISIBLE_INCOMPLETE', `Thiếu ${vi} cho chữ ký hiển thị.`, `The visible signature needs ${what}.`);

export function visibleSignature(choice: VisibleChoice, src: ByteSource, signerName: string | null, signingTime: Date): VisibleSignature {
  const pageIndex = choice.pageIndex ?? 0;
  let appearance: AppearanceSpec;
  switch (choice.kind) {
    case 'signer':
      if (!choice.signatureImage) throw need('a signature image (PNG)', 'ảnh chữ ký (PNG)');
      if (!choice.rect) throw need('a box (rect)', 'vị trí khung chữ ký');
      appearance = {
        kind: 'signer',
        rect: choice.rect,
        signatureImage: choice.signatureImage,
        title: choice.title ?? [],
        fullName: choice.fullName ?? signerName ?? '',
        fonts: appearanceFonts(),
      };
      break;
    case 'organisation': {
      if (!choice.sealImage) throw need('a seal image (PNG)', 'ảnh con dấu (PNG)');
      const signerRect = choice.rect ?? lastVisibleSignatureRect(src, pageIndex);
      if (!signerRect) {
        throw new VanthuError(
          'SIGN_NO_SIGNER_BOX',
          'Trang này chưa có chữ ký hiển thị của người có thẩm quyền để đóng dấu lên; hãy chỉ rõ vị trí.',
          "No visible signer signature on that page for the seal to overlap; give the signer's box.",
        );
      }
      appearance = { kind: 'organisation', sealImage: choice.sealImage, signerRect };
      break;
    }
    case 'attachment':
    case 'copy': {
      const base = {
        pageBox: undefined as never,
        documentNumber: choice.documentNumber ?? '',
        signingTime,
        fonts: appearanceFonts(),
        lines: choice.lines,
        rect: choice.rect,
      };
      appearance =
        choice.kind === 'attachment'
          ? { kind: 'attachment', ...base }
          : { kind: 'copy', ...base, copyForm: choice.copyForm ?? 'SAO Y', copyingAgency: choice.copyingAgency ?? '' };
      break;
    }
  }
  return { pageIndex: choice.kind === 'attachment' || choice.kind === 'copy' ? 0 : pageIndex, appearance };
}
