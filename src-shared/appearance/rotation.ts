// Page rotation (/Rotate 90, 180, 270) for the appearances: layouts are computed in "visual"
// coordinates — the page as the reader sees it, origin at its visual bottom-left — then mapped
// back to default user space for the widget /Rect, and the Form XObject gets a /Matrix that
// turns its content so it reads upright on the rotated page.

import { VanthuError } from '../errors';
import { normalizeRect, type Rect } from './layout';

export type Rotation = 0 | 90 | 180 | 270;

export function normalizeRotation(r: number | undefined): Rotation {
  const v = (((Math.round(r ?? 0) % 360) + 360) % 360);
  if (v !== 0 && v !== 90 && v !== 180 && v !== 270) {
    throw new VanthuError('APPEARANCE_ROTATION_INVALID', `Góc xoay trang ${r} không hợp lệ.`, `Invalid page rotation ${r}.`);
  }
  return v;
}

/** Map a point of default user space (page box `box`) to visual coordinates. */
export function toVisual(box: Rect, rot: Rotation, x: number, y: number): [number, number] {
  const [x1, y1, x2, y2] = normalizeRect(box);
  switch (rot) {
    case 0: return [x - x1, y - y1];
    case 90: return [y - y1, x2 - x];
    case 180: return [x2 - x, y2 - y];
    case 270: return [y2 - y, x - x1];
  }
}

/** Inverse of toVisual. */
export function fromVisual(box: Rect, rot: Rotation, vx: number, vy: number): [number, number] {
  const [x1, y1, x2, y2] = normalizeRect(box);
  switch (rot) {
    case 0: return [vx + x1, vy + y1];
    case 90: return [x2 - vy, vx + y1];
    case 180: return [x2 - vx, y2 - vy];
    case 270: return [vy + x1, y2 - vx];
  }
}

export function rectToVisual(box: Rect, rot: Rotation, r: Rect): Rect {
  const a = toVisual(box, rot, r[0], r[1]);
  const b = toVisual(box, rot, r[2], r[3]);
  return normalizeRect([a[0], a[1], b[0], b[1]]);
}

export function rectFromVisual(box: Rect, rot: Rotation, r: Rect): Rect {
  const a = fromVisual(box, rot, r[0], r[1]);
  const b = fromVisual(box, rot, r[2], r[3]);
  return normalizeRect([a[0], a[1], b[0], b[1]]);
}

/** The visual page size (width and height swap at 90 and 270). */
export function visualBox(box: Rect, rot: Rotation): Rect {
  const [x1, y1, x2, y2] = normalizeRect(box);
  return rot === 90 || rot === 270 ? [0, 0, y2 - y1, x2 - x1] : [0, 0, x2 - x1, y2 - y1];
}

/** /Matrix of a form drawn in visual orientation, so it shows upright on a page rotated by `rot`. */
export function formMatrix(rot: Rotation): number[] {
  switch (rot) {
    case 0: return [1, 0, 0, 1, 0, 0];
    case 90: return [0, 1, -1, 0, 0, 0];
    case 180: return [-1, 0, 0, -1, 0, 0];
    case 270: return [0, -1, 1, 0, 0, 0];
  }
}
