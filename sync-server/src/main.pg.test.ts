import { expect, it } from 'vitest';
import { createTestPostgres, describePg } from './testing/db.ts';
import { startServer } from './testing/spawn-server.ts';

describePg('npm start on Postgres', () => {
  it('serves /healthz with db "postgres" and migrates at start', async () => {
    // A fresh database copied from the migrated template; main applies migrations again (no-op).
    const db = await createTestPostgres();
    try {
      const server = await startServer({ DATABASE_URL: db.url ?? '' });
      try {
        const health = (await (await fetch(`${server.url}/healthz`)).json()) as { db: string };
        expect(health.db).toBe('postgres');
      } finally {
        expect(await server.stop()).toBe(0);
      }
    } finally {
      await db.close();
    }
  });
});

