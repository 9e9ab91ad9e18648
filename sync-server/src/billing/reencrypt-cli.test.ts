import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate } from '../db/migrate.ts';
import { openDiskPglite } from '../db/pglite.ts';
import { reencryptCliSuite } from './reencrypt-cli.suite.ts';

// The embedded database: the CLI opens the same data folder after this process closed it.
reencryptCliSuite(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'streamflow-reencrypt-'));
  let migrated = false;
  return {
    kind: 'pglite',
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATA_DIR: dir },
    async open() {
      const db = await openDiskPglite(dir);
      if (!migrated) {
        await migrate(db);
        migrated = true;
      }
      return db;
    },
    async dispose() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
