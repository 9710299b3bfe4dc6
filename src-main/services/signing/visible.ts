// Turns a person's choice of visible signature (kind, box, images, texts) into the appearance
// spec the PAdES engine draws, filling what Decree 30 fixes by default: the font and the signer's
// name from the certificate. The signing time, the page box and, for the organisation's seal
// without an explicit box, the signer's signature it must overlap are filled in by signPdf from
// the document itself (src-shared/pades/sign.ts). Used by the IPC signing service and the CLI.

import type { VisibleSignature } from '../../../src-shared/pades/sign';
import type { AppearanceSpec, CopyForm } from '../../../src-shared/appearance/index';
import { parseCertificate, subjectCommonName } from '../../../src-shared/crypto/certificate';
import type { Signer } from '../../../src-shared/sign/signer';
import { VanthuError } from '../../../src-shared/errors';
import { appearanceFonts } from '../resources';

export type Rect4 = [number, number, number, number];

export interface VisibleChoice {
  kind: 'signer' | 'organisation' | 'attachment' | 'copy';
  pageIndex?: number;
  /** [x1, y1, x2, y2] in points. For organisation: the signer's box (default: the last visible signature on the page). */
  rect?: Rect4;
  /** Organisation: the seal's own box [x1, y1, x2, y2] (default: placed over the signer's image). */
  sealRect?: Rect4;
  signatureImage?: Uint8Array;
  sealImage?: Uint8Array;
  title?: string[];
  fullName?: string;
  documentNumber?: string;
  copyForm?: CopyForm;
  copyingAgency?: string;
  lines?: string[];
}

export const VISIBLE_KINDS: readonly VisibleChoice['kind'][] = ['signer', 'organisation', 'attachment', 'copy'];

/** Common name of the signer certificate (the default name line under a signer's signature). */
export function signerCommonName(signer: Signer): string | undefined {
  try {
    return subjectCommonName(parseCertificate(signer.certificate));
  } catch {
    return undefined;
  }
}

const need = (what: string, vi: string) =>
  new VanthuError('SIGN_VISIBLE_INCOMPLETE', `Thiếu ${vi} cho chữ ký hiển thị.`, `The visible signature needs ${what}.`);

/**
 * The visible signature for `choice`, the same for every file of a batch. Throws
 * SIGN_VISIBLE_INCOMPLETE when a required part (image, box) is missing; the box is not needed when
 * signing into an existing field (`opts.intoField`), which has one.
 */
export function visibleSignature(choice: VisibleChoice, signer: Signer, opts: { intoField?: boolean } = {}): VisibleSignature {
  const pageIndex = choice.pageIndex ?? 0;
  let appearance: AppearanceSpec;
  switch (choice.kind) {
    case 'signer':
      if (!choice.signatureImage) throw need('a signature image (PNG)', 'ảnh chữ ký (PNG)');
      // signing into an existing field: its widget's box replaces this one
      if (!choice.rect && !opts.intoField) throw need('a box (rect)', 'vị trí khung chữ ký');
      appearance = {
        kind: 'signer',
        rect: choice.rect ?? [0, 0, 0, 0],
        signatureImage: choice.signatureImage,
        title: choice.title ?? [],
        fullName: choice.fullName ?? signerCommonName(signer) ?? '',
        fonts: appearanceFonts(),
      };
      break;
    case 'organisation':
      if (!choice.sealImage) throw need('a seal image (PNG)', 'ảnh con dấu (PNG)');
      // without a box signPdf finds the last visible signer signature on the page (and its image)
      appearance = { kind: 'organisation', sealImage: choice.sealImage, signerRect: choice.rect, rect: choice.sealRect };
      break;
    case 'attachment':
    case 'copy': {
      const base = {
        documentNumber: choice.documentNumber ?? '',
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
    default:
      throw new VanthuError('SIGN_VISIBLE_KIND', `Kiểu chữ ký hiển thị không hợp lệ: ${String(choice.kind)}.`,
        `Unknown visible signature kind "${String(choice.kind)}" (signer, organisation, attachment or copy).`);
  }
  return { pageIndex: choice.kind === 'attachment' || choice.kind === 'copy' ? 0 : pageIndex, appearance };
}
