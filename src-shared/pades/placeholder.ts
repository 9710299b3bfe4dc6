// Signature dictionary placeholders: a fixed-width /ByteRange and a zero-filled /Contents hex
// string, written through PdfRaw marks so their offsets are known after the update is built;
// then the ByteRange is patched in place and the CMS hex goes into the reserved space.

import { VanthuError } from '../errors';
import { PdfRaw } from '../pdf/serialize';
import type { ByteSource } from '../pdf/bytesource';
import { forEachChunk } from '../pdf/bytesource';
import type { IncrementalHash } from './digest';

const BR_WIDTH = 10;
export const BYTERANGE_MARK = 'vanthu-byterange';
export const CONTENTS_MARK = 'vanthu-contents';

export function byteRangePlaceholder(): PdfRaw {
  const z = '0'.repeat(BR_WIDTH);
  return new PdfRaw(ascii(`[0 ${z} ${z} ${z}]`), BYTERANGE_MARK);
}

/** `<00…00>` reserving `bytes` bytes of CMS (2 hex digits each). */
export function contentsPlaceholder(bytes: number): PdfRaw {
  const b = new Uint8Array(bytes * 2 + 2).fill(0x30);
  b[0] = 0x3c;
  b[b.length - 1] = 0x3e;
  return new PdfRaw(b, CONTENTS_MARK);
}

function ascii(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

export interface PlacedSignature {
  byteRange: [number, number, number, number];
  /** Offsets of `<` and just past `>` of /Contents in the whole output. */
  contentsStart: number;
  contentsEnd: number;
}

/**
 * Patch the ByteRange into `tail` (the bytes appended to an original of `baseLength` bytes),
 * given the absolute offsets of the two marks and the placeholder size.
 */
export function patchByteRange(tail: Uint8Array, baseLength: number, brMark: number, contentsMark: number, contentsBytes: number): PlacedSignature {
  const total = baseLength + tail.length;
  const contentsStart = contentsMark;
  const contentsEnd = contentsMark + contentsBytes * 2 + 2;
  const br: [number, number, number, number] = [0, contentsStart, contentsEnd, total - contentsEnd];
  const width = 4 + 3 * BR_WIDTH + 2; // "[0 " + three fields + two spaces + "]"
  let s = `[${br.join(' ')}]`;
  if (s.length > width) throw new Error('byte range does not fit its placeholder');
  s = s.padEnd(width, ' ');
  tail.set(ascii(s), brMark - baseLength);
  return { byteRange: br, contentsStart, contentsEnd };
}

/** Feed the signed byte ranges (everything but the /Contents hex string) to a hash. */
export function hashByteRanges(src: ByteSource, tail: Uint8Array, placed: PlacedSignature, h: IncrementalHash): void {
  const base = src.length;
  forEachChunk(src, 0, base, (c) => h.update(c));
  h.update(tail.subarray(0, placed.contentsStart - base));
  h.update(tail.subarray(placed.contentsEnd - base));
}

/** Write the CMS DER as hex into the reserved /Contents space (zero padding stays). */
export function fillContents(tail: Uint8Array, baseLength: number, placed: PlacedSignature, cms: Uint8Array): void {
  const room = (placed.contentsEnd - placed.contentsStart - 2) / 2;
  if (cms.length > room)
    throw new VanthuError('CONTENTS_TOO_SMALL', 'Chữ ký lớn hơn chỗ dành sẵn.', `The signature (${cms.length} bytes) is larger than the reserved space (${room} bytes).`, { needed: cms.length });
  let o = placed.contentsStart - baseLength + 1;
  for (let i = 0; i < cms.length; i++) {
    const b = cms[i];
    tail[o++] = HEX_DIGITS[b >> 4];
    tail[o++] = HEX_DIGITS[b & 15];
  }
}

/** ASCII codes of 0-9a-f. */
const HEX_DIGITS = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
