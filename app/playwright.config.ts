import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { defineConfig } from '@playwright/test';

/**
 * Browser tests (app/e2e/*.spec.ts). `npm run test:e2e` builds the app, then
 * this config starts the real server entry on a free port with a fresh
 * embedded database, and drives Debian's chromium (never a downloaded one;
 * CHROMIUM_PATH overrides it).
 */
const repo = resolve(import.meta.dirname, '..');

// Chosen once in the main process; workers inherit the values through the environment.
if (!process.env.E2E_PORT) {
  process.env.E2E_PORT = execFileSync(process.execPath, [
    '-e',
    "const s = require('node:net').createServer().listen(0, '127.0.0.1', () => { process.stdout.write(String(s.address().port)); s.close(); });",
  ]).toString();
}
if (!process.env.E2E_DATA_DIR) process.env.E2E_DATA_DIR = mkdtempSync(join(tmpdir(), 'streamflow-e2e-'));
// The server's emails (sign-up links), one JSON line each; specs read it with `mailTo` (e2e/helpers.ts).
if (!process.env.E2E_OUTBOX) process.env.E2E_OUTBOX = `${process.env.E2E_DATA_DIR}.outbox.jsonl`;
const port = process.env.E2E_PORT;
const baseURL = `http://127.0.0.1:${port}`;
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

export default defineConfig({
  testDir: 'e2e',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: process.env.CI ? [['list']] : [['list']],
  outputDir: join(repo, 'test-results'),
  use: {
    baseURL,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
        ...(isRoot ? ['--no-sandbox'] : []),
      ],
    },
  },
  webServer: {
    command: `${join(repo, 'node_modules/.bin/tsx')} sync-server/src/main.ts`,
    cwd: repo,
    url: `${baseURL}/readyz`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      NODE_ENV: 'test',
      PORT: port,
      HOST: '127.0.0.1',
      DATA_DIR: process.env.E2E_DATA_DIR,
      PUBLIC_URL: baseURL,
      SEED_DEMO: 'true',
      LOG_LEVEL: 'warn',
      JOBS_POLL_INTERVAL_MS: '200',
      MAIL_OUTBOX_FILE: process.env.E2E_OUTBOX,
    },
  },
});
