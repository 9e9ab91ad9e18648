import { defineConfig } from 'vitest/config';

/**
 * One test command for the whole repo. The environment is in the file name:
 * `*.test.ts` runs on PGlite or pure logic, `*.pg.test.ts` on real Postgres
 * (TEST_DATABASE_URL; skipped with a notice when absent), and the browser
 * suite in app/e2e runs through Playwright (`npm run test:e2e`).
 */
export default defineConfig({
  test: {
    include: ['**/*.test.ts', '**/*.test.tsx'],
    exclude: ['**/node_modules/**', '**/dist/**', 'app/e2e/**', 'tools/lint-fixtures/**'],
    globalSetup: ['sync-server/src/testing/global-setup.ts'],
    setupFiles: ['sync-server/src/testing/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
