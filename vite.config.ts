/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { playwright } from '@vitest/browser-playwright';
import { chromiumLaunchOptions } from './scripts/chromium.ts';
import { exampleCaptures } from './scripts/vite-fixtures.ts';

// Each browser project gets its own options object: vitest fails when two projects share one.
const browserOptions = () => ({
  enabled: true,
  headless: true,
  provider: playwright({ launchOptions: chromiumLaunchOptions() }),
  instances: [{ browser: 'chromium' as const }],
});

export default defineConfig({
  plugins: [react(), exampleCaptures(new URL('./fixtures/', import.meta.url))],
  server: {
    host: '127.0.0.1',
    port: 5173,
    open: process.env.CI || process.env.SIGNALSCOPE_NO_OPEN ? false : '/',
  },
  preview: { host: '127.0.0.1', port: 4173 },
  build: { target: 'es2023', sourcemap: true },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: ['{src,machines,server,scripts,fixtures,bench,fuzz}/**/*.test.ts'],
          exclude: ['**/*.dom.test.*', '**/*.browser.test.*'],
        },
      },
      {
        extends: true,
        test: {
          name: 'jsdom',
          environment: 'jsdom',
          include: ['src/**/*.dom.test.{ts,tsx}'],
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['e2e/**/*.e2e.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['src/**/*.browser.test.{ts,tsx}'],
          browser: browserOptions(),
        },
      },
    ],
  },
});
