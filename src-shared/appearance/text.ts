// Stacks lines of text top-down for the appearances: the first line gets room for the tallest
// Vietnamese stacked marks it really has (Ỗ, Ẫ, Ủ…), the last one for its descenders, and lines
// in between are LEADING × size apart. Distances are in points below the block's top edge.

import type { EmbeddedFont } from './font/embed';
import { LEADING } from './layout';

export interface TextBlock {
  /** Baseline of each line, measured downwards from the block's top. */
  baselines: number[];
  /** Height of the block from the top of the first line's ink to the bottom of the last's. */
  height: number;
}

export function stackLines(font: EmbeddedFont, lines: string[], size: number): TextBlock {
  if (!lines.length) return { baselines: [], height: 0 };
  const m = font.font.metrics;
  const ascent = (m.ascent / m.unitsPerEm) * size;
  const descent = (-m.descent / m.unitsPerEm) * size;
  const head = Math.max(ascent, font.inkExtent(lines[0]!, size).top);
  const tail = Math.max(descent, -font.inkExtent(lines[lines.length - 1]!, size).bottom);
  const lead = size * LEADING;
  return { baselines: lines.map((_, i) => head + i * lead), height: head + (lines.length - 1) * lead + tail };
}

/**
 * Break `line` at spaces so that no piece is wider than `maxWidth` at `size` pt. A single word
 * wider than that stays whole (it is never cut inside a word).
 */
export function wrapLine(font: EmbeddedFont, line: string, size: number, maxWidth: number): string[] {
  if (font.measure(line, size) <= maxWidth) return [line];
  const words = line.split(' ');
  const out: string[] = [];
  let cur = '';
  for (const w of words) {
    const next = cur ? `${cur} ${w}` : w;
    if (cur && font.measure(next, size) > maxWidth) {
      out.push(cur);
      cur = w;
    } else cur = next;
  }
  if (cur) out.push(cur);
  return out;
}
