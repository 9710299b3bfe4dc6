// Test runner configuration: one suite for unit, integration and end-to-end tests.
// End-to-end tests drive Debian's Chromium against host mode; nothing here downloads a browser.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});
