// The electron-builder configuration is checked against electron-builder's own schema and for
// the deployment properties IT staff rely on (per-machine NSIS with /S, MSI, Linux packages,
// unpacked native modules, fuses). Building installers needs the Electron binary, so `npm run
// dist` itself is not run here.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const config = require('../../electron-builder.config.cjs');

describe('packaging configuration', () => {
  it('passes electron-builder schema validation', async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config');
    const { DebugLogger } = require('builder-util/out/DebugLogger');
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    // The validator is not vacuous: a misspelt option is refused.
    await expect(validateConfiguration({ ...config, nsis: { ...config.nsis, perMachin: true } }, new DebugLogger(false))).rejects.toThrow(/Invalid configuration/);
  });

  it('builds per-machine assisted NSIS, MSI, deb, rpm and AppImage', () => {
    const win = config.win.target.map((t: { target: string }) => t.target);
    expect(win).toEqual(expect.arrayContaining(['nsis', 'msi']));
    expect(config.nsis).toMatchObject({ oneClick: false, perMachine: true });
    expect(config.linux.target).toEqual(expect.arrayContaining(['deb', 'rpm', 'AppImage']));
  });

  it('unpacks native modules from the asar and sets the fuses', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toContain('**/*.node');
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
    });
  });
});
