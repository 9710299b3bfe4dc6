// Where the app's bundled resources (fonts, sample images, driver lists) are: next to the sources
// in a checkout, next to out/ in a build, or in Electron's resources folder when packaged.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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

/** The Times-metric serif that Decree 30 stamps use, with Vietnamese coverage (SIL OFL). */
export function appearanceFonts(): { regular: Uint8Array; bold?: Uint8Array } {
  const bold = path.join(resourcesDir(), 'fonts', 'LiberationSerif-Bold.ttf');
  return {
    regular: readResource('fonts', 'LiberationSerif-Regular.ttf'),
    bold: fs.existsSync(bold) ? new Uint8Array(fs.readFileSync(bold)) : undefined,
  };
}
