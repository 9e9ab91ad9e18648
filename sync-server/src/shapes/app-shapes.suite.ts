import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { isChangeMessage, Shape, ShapeStream, type Message, type Row } from '@electric-sql/client';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/types.ts';
import { seedDemo } from '../seed/demo.ts';
import { buildTestApp } from '../testing/app.ts';
import { signIn, type SignedIn } from '../testing/auth.ts';
import type { TestEngine } from '../testing/db.ts';
import { mutation, postWrite } from '../testing/mutations.ts';
import { eventually } from './test-client.ts';

/**
 * The shape API and the wake-up channel mounted in the real app, behind real
 * better-auth sessions, read by the official `@electric-sql/client` over a
 * real port: what the browser does.
 */
export function appShapesSuite(engine: TestEngine) {
  describe(`shapes in the real app on ${engine.kind}`, () => {
    let db: Database;
    let t: ReturnType<typeof buildTestApp>;
    let server: ServerType;
    let base: string;
    let owner: SignedIn;
    let worker: SignedIn;
    let globex: SignedIn;
    const streams: { unsubscribeAll(): void }[] = [];

    beforeAll(async () => {
      db = await engine.open();
      await seedDemo(db);
      t = buildTestApp(db, { env: { SHAPE_LIVE_TIMEOUT_MS: '1500', SHAPE_POLL_INTERVAL_MS: '200' } });
      server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' });
      await new Promise<void>((resolve) => server.once('listening', () => resolve()));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      owner = await signIn(t.app, 'owner@acme.test');
      worker = await signIn(t.app, 'worker@acme.test');
      globex = await signIn(t.app, 'owner@globex.test');
    });
    afterAll(async () => {
      for (const s of streams) s.unsubscribeAll();
      await t?.shapes.close();
      await new Promise<void>((resolve) => {
        server?.close(() => resolve());
        (server as unknown as { closeAllConnections?: () => void })?.closeAllConnections?.();
      });
      await db?.close();
    });

    const stream = (who: SignedIn, table: string) => {
      const s = new ShapeStream<Row>({ url: `${base}/v1/shape`, params: { table }, headers: { authorization: `Bearer ${who.token}` } });
      streams.push(s);
      return s;
    };
    const idsOf = async (query: ReturnType<typeof sql>) => new Set((await db.rows<{ id: string }>(query)).map((r) => r.id));

    it("gives the official client exactly the tenant's rows, and a write's txid on its change", async () => {
      const s = stream(owner, 'leads');
      const txids: number[][] = [];
      s.subscribe((msgs: Message<Row>[]) => {
        for (const m of msgs) if (isChangeMessage(m) && m.headers.txids) txids.push(m.headers.txids);
      });
      const shape = new Shape(s);
      const expected = await idsOf(sql`select l.id::text as id from leads l join organization o on o.id = l.org_id where o.slug = 'acme'`);
      expect(expected.size).toBeGreaterThan(10);
      await eventually(() => shape.isUpToDate && shape.currentRows.length === expected.size, 10_000, 'initial sync');
      expect(new Set(shape.currentRows.map((r) => String(r.id)))).toEqual(expected);

      const id = crypto.randomUUID();
      const w = await postWrite(t.app, owner.headers, [mutation.insert('leads', { id, name: 'Streamed through the app' })]);
      expect(w.status).toBe(200);
      await eventually(() => shape.currentRows.some((r) => r.id === id), 10_000, 'live insert');
      expect(txids.flat().map(String)).toContain(w.body.txid);
      expect(shape.currentRows.find((r) => r.id === id)?.name).toBe('Streamed through the app');
    });

    it('answers 403 for a shape the role may not read, 400 for client SQL, 401 without a session', async () => {
      const forbidden = await t.app.request('/v1/shape?table=leads&offset=-1', { headers: worker.headers });
      expect(forbidden.status).toBe(403);
      expect(((await forbidden.json()) as { error: { code: string } }).error.code).toBe('SHAPE_FORBIDDEN');
      // Workers may read work orders and companies, but only their own slice.
      for (const table of ['work_orders', 'companies', 'contacts', 'time_entries']) {
        expect({ table, status: (await t.app.request(`/v1/shape?table=${table}&offset=-1`, { headers: worker.headers })).status }).toEqual({ table, status: 403 });
      }
      expect((await t.app.request('/v1/shape?table=my_work_orders&offset=-1', { headers: worker.headers })).status).toBe(200);
      const sqlTry = await t.app.request(`/v1/shape?table=leads&offset=-1&where=${encodeURIComponent('true')}`, { headers: owner.headers });
      expect(sqlTry.status).toBe(400);
      expect((await t.app.request('/v1/shape?table=leads&offset=-1')).status).toBe(401);
    });

    it("moves a reassigned work order out of the worker's shape and back in", async () => {
      const [wk] = await db.rows<{ id: string }>(sql`select id from "user" where email = 'worker@acme.test'`);
      const [mgr] = await db.rows<{ id: string }>(sql`select id from "user" where email = 'manager@acme.test'`);
      const s = stream(worker, 'my_work_orders');
      const shape = new Shape(s);
      const mine = await idsOf(sql`select id::text as id from work_orders where assignee_id = ${wk?.id ?? ''} and status not in ('done', 'cancelled')`);
      expect(mine.size).toBeGreaterThan(0);
      await eventually(() => shape.isUpToDate && shape.currentRows.length === mine.size, 10_000, 'initial work orders');
      expect(new Set(shape.currentRows.map((r) => String(r.id)))).toEqual(mine);

      const [moved] = [...mine];
      const away = await postWrite(t.app, owner.headers, [mutation.update('work_orders', moved ?? '', { assignee_id: mgr?.id }, { assignee_id: wk?.id })]);
      expect(away.body.results[0]?.status).toBe('applied');
      await eventually(() => !shape.currentRows.some((r) => r.id === moved), 10_000, 'move-out');

      const back = await postWrite(t.app, owner.headers, [mutation.update('work_orders', moved ?? '', { assignee_id: wk?.id }, { assignee_id: mgr?.id })]);
      expect(back.body.results[0]?.status).toBe('applied');
      await eventually(() => shape.currentRows.some((r) => r.id === moved), 10_000, 'move-in');
      expect(shape.currentRows.length).toBe(mine.size);
    });

    it('keeps handles, offsets and the watermark across a server restart', async () => {
      const first = await t.app.request('/v1/shape?table=leads&offset=-1', { headers: owner.headers });
      const handle = first.headers.get('electric-handle') ?? '';
      const offset = first.headers.get('electric-offset') ?? '';
      const body = (await first.json()) as { headers: { control?: string; global_last_seen_lsn?: string } }[];
      const seen = BigInt(body.at(-1)?.headers.global_last_seen_lsn ?? '-1');
      expect(seen).toBeGreaterThan(0n);

      // A new process on the same database: a new engine, nothing kept in memory.
      const restarted = buildTestApp(db);
      try {
        const again = await restarted.app.request(`/v1/shape?table=leads&offset=${offset}&handle=${handle}`, { headers: owner.headers });
        expect(again.status).toBe(200);
        expect(again.headers.get('electric-handle')).toBe(handle);
        const msgs = (await again.json()) as { headers: { global_last_seen_lsn?: string } }[];
        expect(BigInt(msgs.at(-1)?.headers.global_last_seen_lsn ?? '-1')).toBeGreaterThanOrEqual(seen);
        expect(BigInt((again.headers.get('electric-offset') ?? '0_0').split('_')[0] ?? '0')).toBeGreaterThanOrEqual(BigInt(offset.split('_')[0] ?? '0'));
      } finally {
        await restarted.shapes.close();
      }
    });

    it("wakes a device on its tenant's commits only", async () => {
      const now = await t.app.request('/api/sync/wake', { headers: owner.headers });
      expect(now.status).toBe(200);
      const { watermark } = (await now.json()) as { watermark: string; changed: boolean };
      expect(watermark).toMatch(/^\d+$/);

      // Another tenant's commit: the acme device is not woken and times out unchanged.
      const quiet = t.app.request(`/api/sync/wake?after=${watermark}`, { headers: owner.headers });
      await postWrite(t.app, globex.headers, [mutation.insert('leads', { id: crypto.randomUUID(), name: 'Globex only' })]);
      const q = (await (await quiet).json()) as { watermark: string; changed: boolean };
      expect(q.changed).toBe(false);
      expect(BigInt(q.watermark)).toBeGreaterThan(BigInt(watermark));

      const woken = t.app.request(`/api/sync/wake?after=${q.watermark}`, { headers: owner.headers });
      await postWrite(t.app, owner.headers, [mutation.insert('leads', { id: crypto.randomUUID(), name: 'Acme wakes' })]);
      const r = (await (await woken).json()) as { watermark: string; changed: boolean; tables: string[] };
      expect(r.changed).toBe(true);
      expect(BigInt(r.watermark)).toBeGreaterThan(BigInt(q.watermark));
      // It names the tables the tenant's commits changed, so a device fetches only those shapes.
      expect(r.tables).toEqual(['leads']);

      expect((await t.app.request('/api/sync/wake?after=abc', { headers: owner.headers })).status).toBe(400);
    });

    it('reports the shape metrics on GET /metrics with the rest of the app', async () => {
      const res = await t.app.request('/metrics');
      expect(res.status).toBe(200);
      const text = await res.text();
      for (const family of ['streamflow_shape_live_clients', 'streamflow_shape_log_lag_lsn', 'streamflow_shape_must_refetch_total', 'streamflow_shape_change_log_rows']) {
        expect(text).toContain(`# TYPE ${family} `);
      }
      // Only shape names as labels, never tenant data.
      expect(text).not.toMatch(/acme|globex/i);
    });
  });
}
