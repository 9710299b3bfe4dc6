// Where the app's bundled resources (fonts, sample images, driver lists) are: next to the sources
// in a checkout, next to out/ in a build, or in Electron's resources folder when packaged.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { VanthuError } from '../../src-shared/errors';

let cached: string | null = null;

export function resourcesDir(): string {
  if (cached) return cached;
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [
    process.env.VANTHU_RESOURCES_DIR,
    ...['../..', '..', '../../..'].map((up) => path.resolve(here, up, 'resources')),
    (process as NodeJS.Process & { resourcesPath?: string }).resourcesPath,
    path.resolve(process.cwd(), 'resources'),
  ].filter((d): d is string => Boolean(d));
  cached = candidates.find((d) => fs.existsSync(path.join(d, 'fonts'))) ?? candidates[candidates.length - 1];
  return cached;
}

export function readResource(...parts: string[]): Uint8Array {
  return new Uint8Array(fs.readFileSync(path.join(resourcesDir(), ...parts)));
}

let fonts: { regular: Uint8Array; bold?: Uint8Array } | null = null;

/**
 * The Times-metric serif that Decree 30 stamps use, with Vietnamese coverage (SIL OFL). Read once
 * per process (the appearance code only reads the bytes). A missing regular font is FILE_UNREADABLE.
 */
export function appearanceFonts(): { regular: Uint8Array; bold?: Uint8Array } {
  if (fonts) return fonts;
  const bold = path.join(resourcesDir(), 'fonts', 'LiberationSerif-Bold.ttf');
  let regular: Uint8Array;
  try {
    regular = readResource('fonts', 'LiberationSerif-Regular.ttf');
  } catch {
    const where = path.join(resourcesDir(), 'fonts');
    throw new VanthuError('FILE_UNREADABLE', `Không đọc được phông chữ trong ${where}`, `Cannot read the appearance font in ${where}`);
  }
  fonts = { regular, bold: fs.existsSync(bold) ? new Uint8Array(fs.readFileSync(bold)) : undefined };
  return fonts;
}
