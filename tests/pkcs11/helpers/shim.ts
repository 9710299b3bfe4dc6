// Builds the misbehaving PKCS#11 shim (shim.c) with gcc into a test directory.

import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function buildShim(outDir: string): string {
  const src = path.join(path.dirname(fileURLToPath(import.meta.url)), 'shim.c');
  const out = path.join(outDir, 'libvanthu-shim.so');
  execFileSync('gcc', ['-shared', '-fPIC', '-O1', '-I/usr/include/p11-kit-1', '-o', out, src, '-ldl'], { stdio: ['ignore', 'pipe', 'pipe'] });
  return out;
}
