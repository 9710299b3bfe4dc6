import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkLayers } from '../../scripts/check-layers';
import { repoRoot } from '../helpers/host';

function plant(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vanthu-layers-'));
  for (const [rel, src] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), src);
  }
  return root;
}

describe('import layering', () => {
  it('holds for the whole repository', () => {
    const v = checkLayers(repoRoot);
    expect(v.map((x) => `${x.file}:${x.line} ${x.rule} (${x.text})`)).toEqual([]);
  });

  it.each([
    ['src-shared/a.ts', "import fs from 'node:fs';", 'Node built-ins'],
    ['src-shared/b.ts', "import { readFileSync } from 'fs';", 'Node built-ins'],
    ['src-shared/c.ts', "const e = require('electron');", 'electron'],
    ['src-shared/d.ts', "export const t = () => document.title;", 'DOM globals'],
    ['src-shared/e.ts', "import { x } from '../src-main/services/x';", 'must not import src-main'],
    ['src-renderer/f.tsx', "import { router } from '../src-main/services/ipc/router';", 'must not import src-main'],
    ['src-renderer/g.ts', "import path from 'node:path';", 'Node built-ins'],
    ['src-main/services/h.ts', "import { app } from 'electron';", 'only src-main/electron may import electron'],
    ['src-main/services/i.ts', "const m = await import('electron');", 'only src-main/electron may import electron'],
    ['src-server/j.ts', "import { BrowserWindow } from 'electron';", 'src-server must not import electron'],
  ])('fails on a planted forbidden import in %s', (file, src, rule) => {
    const root = plant({ [file]: `// planted\n${src}\n` });
    try {
      const v = checkLayers(root);
      expect(v.length).toBe(1);
      expect(v[0].rule).toContain(rule);
      expect(v[0].line).toBe(2);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('allows what each layer may use', () => {
    const root = plant({
      'src-shared/ok.ts': "import { z } from 'zod';\nimport { x } from './y';\n// import fs from 'node:fs' (a comment)\n",
      'src-main/electron/ok.ts': "import { app } from 'electron';\nimport fs from 'node:fs';\n",
      'src-main/services/ok.ts': "import fs from 'node:fs';\nimport { z } from '../../src-shared/ipc/contract';\n",
      'src-renderer/ok.tsx': "import { useState } from 'react';\nimport { c } from '../src-shared/ipc/contract';\n",
    });
    try {
      expect(checkLayers(root)).toEqual([]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
