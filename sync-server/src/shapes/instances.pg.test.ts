import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Principal } from '../auth/principal.ts';
import type { Database } from '../db/types.ts';
import { describePg, postgresEngine } from '../testing/db.ts';
import { makeOrg, principal, startShapeServer, type ShapeServer } from './test-support.ts';

describePg('several sync-server instances on one Postgres', () => {
  let db: Database;
  const servers: ShapeServer[] = [];
  const sessions = new Map<string, Principal>([principal('owner-a', 'org-a', 'owner')]);

  beforeAll(async () => {
    db = await postgresEngine.open();
    await makeOrg(db, 'org-a');
    // The fallback poll is slowed to a minute: only LISTEN/NOTIFY can wake these requests in time.
    for (let i = 0; i < 2; i++) servers.push(await startShapeServer(db, sessions, { env: { SHAPE_POLL_INTERVAL_MS: '60000', SHAPE_LIVE_TIMEOUT_MS: '10000' } }));
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
    await db?.close();
  });

  it('wakes live requests on every instance when a transaction commits through SQL', async () => {
    const headers = { authorization: 'Bearer owner-a' };
    const pending = servers.map(async (s) => {
      const first = await fetch(`${s.url}/v1/shape?table=leads&offset=-1`, { headers });
      await first.text();
      const q = `table=leads&offset=${first.headers.get('electric-offset')}&handle=${first.headers.get('electric-handle')}&live=true`;
      const t0 = Date.now();
      const res = await fetch(`${s.url}/v1/shape?${q}`, { headers });
      return { ms: Date.now() - t0, body: (await res.json()) as { value?: { name?: string } }[] };
    });
    await new Promise((r) => setTimeout(r, 300));
    const t = Date.now();
    await db.rows(sql`insert into leads (org_id, name) values ('org-a', 'notified')`);
    const results = await Promise.all(pending);
    for (const r of results) {
      expect(r.body.some((m) => m.value?.name === 'notified')).toBe(true);
    }
    expect(Date.now() - t).toBeLessThan(3_000);
  });
});
