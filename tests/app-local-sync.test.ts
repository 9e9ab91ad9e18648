/*
 * The app's data layer (app/src/sync, app/src/local-db) against the real app
 * over a real port: the official pglite-sync into the app's local store,
 * caught up without live long-polls, woken by /api/sync/wake, uploads
 * through /api/write. What the browser adds (worker, tabs, IndexedDB) is the
 * Playwright suite's part.
 */
import { PGlite } from '@electric-sql/pglite';
import { electricSync } from '@electric-sql/pglite-sync';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildClientDdl } from '../app/src/local-db/ddl.ts';
import { catchUpShapes, shapesOf, startSyncLoop } from '../app/src/sync/shape-sync.ts';
import { startUploader } from '../app/src/sync/uploader.ts';
import type { Database } from '../sync-server/src/db/types.ts';
import { seedDemo } from '../sync-server/src/seed/demo.ts';
import { buildTestApp } from '../sync-server/src/testing/app.ts';
import { signIn, type SignedIn } from '../sync-server/src/testing/auth.ts';
import { createTestPglite } from '../sync-server/src/testing/db.ts';
import { listenOnLoopback } from '../sync-server/src/testing/listen.ts';
import { mutation, postWrite } from '../sync-server/src/testing/mutations.ts';
import { eventually } from '../sync-server/src/shapes/test-client.ts';

describe('the app data layer against sync-server', () => {
  let db: Database;
  let t: ReturnType<typeof buildTestApp>;
  let server: Awaited<ReturnType<typeof listenOnLoopback>> | undefined;
  let origin: string;
  let owner: SignedIn;
  let worker: SignedIn;

  const device = async () => {
    const pg = await PGlite.create({ extensions: { sync: electricSync() } });
    for (const stmt of buildClientDdl()) await pg.exec(stmt);
    return pg;
  };
  const n = async (pg: PGlite, q: string, params: unknown[] = []) => (await pg.query<{ n: number }>(q, params)).rows[0]?.n ?? -1;
  const acmeLeads = async () => (await db.rows<{ n: number }>(sql`select count(*)::int as n from leads l join organization o on o.id = l.org_id where o.slug = 'acme'`))[0]?.n ?? -2;
  const bearer = (s: SignedIn) => ({ authorization: `Bearer ${s.token}` });
  const me = async (s: SignedIn) => (await (await t.app.request('/api/me', { headers: s.headers })).json()) as Parameters<typeof shapesOf>[0];

  /** A fetch that records every request, its status and the most requests in flight at once. */
  const tracker = () => {
    const log: { url: string; status: number | null }[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const f: typeof fetch = async (input, init) => {
      const entry = { url: String(input instanceof Request ? input.url : input), status: null as number | null };
      log.push(entry);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        const res = await fetch(input, init);
        entry.status = res.status;
        return res;
      } finally {
        inFlight--;
      }
    };
    return { fetch: f, log, max: () => maxInFlight, inFlight: () => inFlight };
  };

  beforeAll(async () => {
    db = await createTestPglite();
    await seedDemo(db);
    t = buildTestApp(db, { env: { SHAPE_LIVE_TIMEOUT_MS: '2000' } });
    server = await listenOnLoopback(t.app.fetch);
    origin = server.origin;
    owner = await signIn(t.app, 'owner@acme.test');
    worker = await signIn(t.app, 'worker@acme.test');
  });
  afterAll(async () => {
    await t?.shapes.close();
    await server?.close();
    await db?.close();
  });

  it('a must-refetch re-downloads the synced rows and keeps every pending local change', async () => {
    const pg = await device();
    const opts = { origin, shapes: ['leads'] as const, headers: bearer(owner) };
    await catchUpShapes(pg as never, { ...opts, shapes: [...opts.shapes] });
    expect(await n(pg, 'select count(*)::int as n from leads_synced')).toBe(await acmeLeads());

    // Offline work: an edit and a new lead, not uploaded yet.
    const [edited] = (await pg.query<{ id: string }>('select id from leads order by id limit 1')).rows;
    await pg.query(`update leads set name = 'Edited offline' where id = $1`, [edited?.id]);
    await pg.query(`insert into leads (name, status) values ('Created offline', 'new')`);
    // Meanwhile on the server, and the device's handle is no longer known: the next request answers 409.
    await postWrite(t.app, owner.headers, [mutation.insert('leads', { id: crypto.randomUUID(), name: 'While away' })]);
    await pg.query(`update electric.subscriptions_metadata set shape_metadata = jsonb_set(shape_metadata, '{shape,handle}', '"gone-handle"') where key = 'leads'`);

    const tr = tracker();
    await catchUpShapes(pg as never, { ...opts, shapes: [...opts.shapes], fetch: tr.fetch });
    expect(tr.log.some((r) => r.status === 409)).toBe(true);
    expect(await n(pg, 'select count(*)::int as n from leads_synced')).toBe(await acmeLeads());
    expect(await n(pg, `select count(*)::int as n from outbox where status = 'pending'`)).toBe(2);
    expect(await n(pg, `select count(*)::int as n from leads_local where local_state = 'pending'`)).toBe(2);
    expect((await pg.query('select name from leads where id = $1', [edited?.id])).rows).toEqual([{ name: 'Edited offline' }]);
    expect(await n(pg, `select count(*)::int as n from leads where name = 'Created offline'`)).toBe(1);
    expect(await n(pg, 'select count(*)::int as n from leads')).toBe((await acmeLeads()) + 1);

    // They upload, come back through the stream with their write_id, and the overlay empties.
    const up = startUploader({ pg, baseUrl: origin, headers: bearer(owner), online: () => true });
    await up.idle();
    up.stop();
    await catchUpShapes(pg as never, { ...opts, shapes: [...opts.shapes] });
    expect(await n(pg, 'select count(*)::int as n from outbox')).toBe(0);
    expect(await n(pg, 'select count(*)::int as n from leads_local')).toBe(0);
    expect((await pg.query('select name from leads where id = $1', [edited?.id])).rows).toEqual([{ name: 'Edited offline' }]);
    await pg.close();
  });

  it("syncs every shape of the owner within the connection budget: one long-poll, at most 3 catch-ups, never live=true", async () => {
    const owners = shapesOf(await me(owner));
    expect(owners.length).toBeGreaterThanOrEqual(10);
    const pg = await device();
    const tr = tracker();
    const phases: string[] = [];
    const loop = startSyncLoop(pg as never, { origin, shapes: owners, headers: bearer(owner), fetch: tr.fetch, online: () => true, onPhase: (p, d) => phases.push(d ? `${p}:${d}` : p) });
    const other = await device(); // a second device that writes
    try {
      await eventually(async () => phases.includes('live'), 30_000, 'first catch-up of every shape');
      expect(phases.filter((p) => p.startsWith('error'))).toEqual([]);
      expect(await n(pg, 'select count(*)::int as n from leads')).toBe(await acmeLeads());

      // A write from another device (through its own uploader) reaches this one.
      const before = tr.log.length;
      const started = Date.now();
      await other.query(`insert into leads (name, status) values ('From the other device', 'new')`);
      const up = startUploader({ pg: other, baseUrl: origin, headers: bearer(owner), online: () => true });
      await up.idle();
      up.stop();
      await eventually(async () => (await n(pg, `select count(*)::int as n from leads where name = 'From the other device'`)) === 1, 10_000, 'the other device’s lead');
      const roundTrip = Date.now() - started;
      console.log(`other device's write visible here after ${roundTrip} ms`);

      // The wake-up named the table: only the leads shape was fetched for it.
      const fetched = tr.log.slice(before).filter((r) => r.url.includes('/v1/shape')).map((r) => new URL(r.url).searchParams.get('table'));
      expect(fetched.length).toBeGreaterThan(0);
      expect(new Set(fetched)).toEqual(new Set(['leads']));
      expect(tr.log.filter((r) => r.url.includes('live=true'))).toEqual([]);
      expect(tr.max()).toBeLessThanOrEqual(4); // the wake long-poll + 3 catch-ups
      // Quiet now: only the wake long-poll is held.
      await eventually(() => tr.inFlight() === 1 && phases.at(-1) === 'live', 10_000, 'back to one long-poll');
      expect(tr.log.at(-1)?.url).toContain('/api/sync/wake?after=');
    } finally {
      loop.stop();
      await pg.close();
      await other.close();
    }
  });

  it("a field worker gets their own slice first, and a shape the role may not read is left out and reported", async () => {
    const workerMe = await me(worker);
    const mine = shapesOf(workerMe);
    expect(mine[0]).toBe('my_work_orders');
    expect(mine).not.toContain('work_orders');
    const pg = await device();
    const phases: string[] = [];
    const tr = tracker();
    // leads are not this role's: the server answers 403.
    expect(mine).not.toContain('leads');
    const loop = startSyncLoop(pg as never, { origin, shapes: ['my_work_orders', 'leads'], headers: bearer(worker), fetch: tr.fetch, online: () => true, onPhase: (p, d) => phases.push(d ? `${p}:${d}` : p) });
    try {
      await eventually(() => tr.log.some((r) => r.url.includes('/api/sync/wake?after=')), 15_000, 'the loop waiting for changes');
      expect(phases).toContain('error:shape leads: 403');
      expect(await n(pg, 'select count(*)::int as n from work_orders')).toBeGreaterThan(0);
      expect(await n(pg, 'select count(*)::int as n from work_orders where assignee_id is distinct from $1', [workerMe.id])).toBe(0);
      const wakesBefore = tr.log.length;
      await new Promise((r) => setTimeout(r, 300));
      // No retry storm on the refused shape.
      expect(tr.log.slice(wakesBefore).filter((r) => r.url.includes('table=leads'))).toEqual([]);
    } finally {
      loop.stop();
      await pg.close();
    }
  });
});
