import postgres from 'postgres';
import { inject } from 'vitest';
import { openPostgres } from '../db/postgres.ts';
import { describePg } from '../testing/db.ts';
import { withDatabase } from '../testing/global-setup.ts';
import { adminUrl, TEST_DATABASE_URL_ENV } from '../testing/pg-url.ts';
import { reencryptCliSuite } from './reencrypt-cli.suite.ts';

// A database of its own, copied from the run's migrated template; the CLI gets its URL.
describePg('secrets re-encryption CLI on Postgres', () =>
  reencryptCliSuite(async () => {
    const url = process.env[TEST_DATABASE_URL_ENV] ?? '';
    const name = `streamflow_reenc_${process.pid}_${Date.now().toString(36)}`;
    const admin = () => postgres(adminUrl(url), { max: 1, onnotice: () => {} });
    const a = admin();
    try {
      await a.unsafe(`CREATE DATABASE "${name}" TEMPLATE "${inject('pgTemplate')}"`);
    } finally {
      await a.end();
    }
    const dbUrl = withDatabase(url, name);
    return {
      kind: 'postgres',
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATABASE_URL: dbUrl },
      open: async () => openPostgres(dbUrl),
      async dispose() {
        const d = admin();
        try {
          await d.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        } finally {
          await d.end();
        }
      },
    };
  }),
);
