/*
 * The app's sync layer (app/src/sync/shape-sync.ts) against the real app over a
 * real port: the official pglite-sync into the app's local store, caught up
 * without live long-polls and woken by /api/sync/wake.
 */
import type { AddressInfo } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import { electricSync } from '@electric-sql/pglite-sync';
import { serve, type ServerType } from '@hono/node-server';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildClientDdl } from '../app/src/local-db/ddl.ts';
import { catchUpShapes, startSyncLoop } from '../app/src/sync/shape-sync.ts';
import type { Database } from '../sync-server/src/db/types.ts';
import { seedDemo } from '../sync-server/src/seed/demo.ts';
import { buildTestApp } from '../sync-server/src/testing/app.ts';
import { signIn, type SignedIn } from '../sync-server/src/testing/auth.ts';
import { createTestPglite } from '../sync-server/src/testing/db.ts';
import { mutation, postWrite } from '../sync-server/src/testing/mutations.ts';
import { eventually } from '../sync-server/src/shapes/test-client.ts';

describe('the app syncing shapes into its local store', () => {
  let db: Database;
  let t: ReturnType<typeof buildTestApp>;
  let server: ServerType;
  let origin: string;
  let owner: SignedIn;

  const device = async () => {
    const pg = await PGlite.create({ extensions: { sync: electricSync() } });
    for (const stmt of buildClientDdl()) await pg.exec(stmt);
    return pg;
  };
  const count = async (pg: PGlite, table: string) => (await pg.query<{ n: number }>(`select count(*)::int as n from ${table}`)).rows[0]?.n ?? -1;
  const acmeLeads = async () => (await db.rows<{ n: number }>(sql`select count(*)::int as n from leads l join organization o on o.id = l.org_id where o.slug = 'acme'`))[0]?.n ?? -2;

  beforeAll(async () => {
    db = await createTestPglite();
    await seedDemo(db);
    t = buildTestApp(db, { env: { SHAPE_LIVE_TIMEOUT_MS: '1000' } });
    server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((r) => server.once('listening', () => r()));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    owner = await signIn(t.app, 'owner@acme.test');
  });
  afterAll(async () => {
    await t?.shapes.close();
    await new Promise<void>((r) => {
      server?.close(() => r());
      (server as unknown as { closeAllConnections?: () => void })?.closeAllConnections?.();
    });
    await db?.close();
  });

  it('catches shapes up into <table>_synced, visible through the views, and resumes without a new snapshot', async () => {
    const pg = await device();
    const requests: string[] = [];
    const tracking: typeof fetch = (input, init) => {
      requests.push(String(input instanceof Request ? input.url : input));
      return fetch(input, init);
    };
    const opts = { origin, shapes: ['leads', 'companies'] as const, headers: { authorization: `Bearer ${owner.token}` }, fetch: tracking };
    await catchUpShapes(pg as never, { ...opts, shapes: [...opts.shapes] });
    expect(await count(pg, 'leads')).toBe(await acmeLeads());
    expect(await count(pg, 'companies')).toBeGreaterThan(0);

    await postWrite(t.app, owner.headers, [mutation.insert('leads', { id: crypto.randomUUID(), name: 'After the snapshot' })]);
    requests.length = 0;
    await catchUpShapes(pg as never, { ...opts, shapes: [...opts.shapes] });
    expect(await count(pg, 'leads')).toBe(await acmeLeads());
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((u) => u.includes('offset=-1'))).toEqual([]);
    await pg.close();
  });

  it('wakes on a commit of the tenant and brings the change in, with one long-poll', async () => {
    const pg = await device();
    const phases: string[] = [];
    const stop = startSyncLoop(pg as never, { origin, shapes: ['leads'], headers: { authorization: `Bearer ${owner.token}` }, onPhase: (p) => phases.push(p) });
    try {
      await eventually(async () => phases.includes('live'), 10_000, 'first catch-up');
      const id = crypto.randomUUID();
      await postWrite(t.app, owner.headers, [mutation.insert('leads', { id, name: 'Wakes the device' })]);
      await eventually(async () => (await pg.query('select 1 from leads where id = $1', [id])).rows.length === 1, 10_000, 'the new lead');
    } finally {
      stop();
      await pg.close();
    }
  });
});
