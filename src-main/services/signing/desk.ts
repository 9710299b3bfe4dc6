// What the sign desk asks besides signing: a document's page boxes, its signature fields (empty
// ones can be signed into, "Ký vào ô này") and the Decree 30 position proposed for each kind of
// visible signature; and cancelling a running batch before its next document.

import { BytesSource } from '../../../src-shared/pdf/bytesource';
import { PdfReader } from '../../../src-shared/pdf/reader';
import { documentSignatureFields } from '../../../src-shared/pades/empty-field';
import { PdfStream } from '../../../src-shared/pdf/objects';
import { defaultTextRect, MM, sealRectForSigner, signerImageRectFromAppearance, DEFAULT_SEAL_MM, type Rect } from '../../../src-shared/appearance/index';
import type { Res } from '../../../src-shared/ipc/contract';

/** Default size of the signer's (ký duyệt) box: title lines, the image, the name. */
export const SIGNER_BOX = { width: 200, height: 110 };

/**
 * The signer's box Decree 30 suggests on a page: the right-hand column under the content, 20 mm
 * from the right edge; as the content's end is unknown, it is proposed in the lower part of the
 * last page, 60 mm above the bottom edge, and the person drags it into place.
 */
export function proposedSignerRect(box: Rect): Rect {
  const W = box[2] - box[0], H = box[3] - box[1];
  // (a small page gets a box that fits it)
  const w = Math.min(SIGNER_BOX.width, W * 0.45), h = Math.min(SIGNER_BOX.height, H * 0.4);
  const x2 = box[2] - Math.min(20 * MM, W * 0.1);
  const y1 = box[1] + Math.min(60 * MM, H * 0.25);
  return [x2 - w, y1, x2, y1 + h];
}

const round = (r: number[]): [number, number, number, number] => r.map((v) => Math.round(v * 100) / 100) as [number, number, number, number];

export function inspectForSigning(data: Uint8Array): Res<'sign.inspect'> {
  const reader = PdfReader.open(new BytesSource(data));
  const pages = reader.pages();
  const boxOf = (i: number): Rect => {
    const b = (pages[i].cropBox ?? pages[i].mediaBox) as number[];
    return [Math.min(b[0], b[2]), Math.min(b[1], b[3]), Math.max(b[0], b[2]), Math.max(b[1], b[3])];
  };
  const last = pages.length - 1;
  // the seal goes over the latest visible signature, on the last page that has one
  // (signed fields only: an empty field's box is not a signature to seal over)
  let organisation: Res<'sign.inspect'>['proposed']['organisation'] = null;
  const fields = documentSignatureFields(reader);
  const sigs = reader.signatureFields();
  for (let i = last; i >= 0 && !organisation; i--) {
    const found = fields.filter((f) => f.signed && f.pageIndex === i && f.rect[2] - f.rect[0] >= 1 && f.rect[3] - f.rect[1] >= 1).pop();
    if (!found) continue;
    const ap = reader.resolveDict(sigs.find((x) => x.name === found.name)?.field.get('AP'));
    const n = ap ? reader.resolve(ap.get('N')) : undefined;
    const image = n instanceof PdfStream ? signerImageRectFromAppearance(n.dict, found.rect, pages[i].rotate) : undefined;
    organisation = { pageIndex: i, signerRect: round(found.rect), rect: round(sealRectForSigner(found.rect, DEFAULT_SEAL_MM * MM, image)) };
  }
  // two lines of Times 10 pt: the số/ký hiệu and the ISO 8601 time (the longer one)
  const text = defaultTextRect(boxOf(0), ['2026-11-26T14:03:21+07:00', '00/QĐ-UBND'], { measure: (s) => s.length * 10 * 0.5 });
  return {
    pages: pages.map((p, i) => ({ box: round(boxOf(i)), rotate: p.rotate })),
    fields: fields.map((f) => ({ ...f, rect: round(f.rect) })),
    proposed: {
      signer: { pageIndex: last, rect: round(proposedSignerRect(boxOf(last))) },
      organisation,
      text: { pageIndex: 0, rect: round(text) },
    },
  };
}

/** Batches that may be cancelled, by task id. */
export class CancelRegistry {
  private readonly cancelled = new Set<string>();
  private readonly running = new Set<string>();
  begin(taskId: string): () => boolean {
    this.running.add(taskId);
    return () => this.cancelled.has(taskId);
  }
  end(taskId: string): void {
    this.running.delete(taskId);
    this.cancelled.delete(taskId);
  }
  cancel(taskId: string): boolean {
    if (!this.running.has(taskId)) return false;
    this.cancelled.add(taskId);
    return true;
  }
}
