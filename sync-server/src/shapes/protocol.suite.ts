import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { Shape, ShapeStream, type Row } from '@electric-sql/client';
import type { Principal } from '../auth/principal.ts';
import type { Database } from '../db/types.ts';
import type { TestEngine } from '../testing/db.ts';
import { eventually } from './test-client.ts';
import { makeOrg, principal, seedLeads, startShapeServer, type ShapeServer } from './test-support.ts';

type Msg = { key?: string; value?: Record<string, unknown>; headers: Record<string, unknown> };

/** Headers, values, errors, tenant isolation and worker shapes, over a real port. */
export function protocolSuite(engine: TestEngine) {
  let db: Database;
  let server: ShapeServer;
  const sessions = new Map<string, Principal>([
    principal('owner-a', 'org-a', 'owner'),
    principal('owner-b', 'org-b', 'owner'),
    principal('w1', 'org-a', 'worker', 'worker-1'),
    principal('w2', 'org-a', 'worker', 'worker-2'),
    principal('nobody', null, 'owner'),
  ]);
  const ORIGIN = 'http://localhost:3000';
  const get = async (query: string, token?: string) => {
    const res = await fetch(`${server.url}/v1/shape?${query}`, { headers: { origin: ORIGIN, ...(token ? { authorization: `Bearer ${token}` } : {}) } });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: JSON.parse(text) as unknown };
  };
  const messages = (body: unknown) => body as Msg[];

  beforeAll(async () => {
    db = await engine.open();
    await makeOrg(db, 'org-a');
    await makeOrg(db, 'org-b');
    await seedLeads(db, 'org-a', 20, 'A');
    await seedLeads(db, 'org-b', 20, 'B');
    server = await startShapeServer(db, sessions);
  });
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  it('answers the initial request with the protocol headers, text values and the schema', async () => {
    const r = await get('table=leads&offset=-1&log=full', 'owner-a');
    expect(r.status).toBe(200);
    expect(r.headers.get('electric-handle')).toBeTruthy();
    expect(r.headers.get('electric-offset')).toMatch(/^\d+_inf$/);
    expect(r.headers.get('electric-up-to-date')).toBe('');
    expect(r.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(r.headers.get('access-control-allow-credentials')).toBe('true');
    expect(r.headers.get('access-control-expose-headers')).toContain('electric-handle');
    expect(r.headers.get('vary')).toMatch(/Cookie, Authorization/);
    expect(r.headers.get('cache-control')).not.toMatch(/public/);
    const schema = JSON.parse(r.headers.get('electric-schema') ?? '{}') as Record<string, { type: string; pk_index?: number; not_null?: boolean }>;
    expect(schema.id).toEqual({ type: 'uuid', pk_index: 0, not_null: true });
    expect(schema.score?.type).toBe('int4');
    expect(schema.custom?.type).toBe('jsonb');
    expect(schema.created_at?.type).toBe('timestamptz');
    const rows = messages(r.body).filter((m) => m.key);
    expect(rows).toHaveLength(20);
    const v = rows[0]?.value ?? {};
    expect(v.org_id).toBe('org-a');
    for (const value of Object.values(v)) expect(value === null || typeof value === 'string').toBe(true);
    expect(v.created_at).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?\+00$/);
    expect(JSON.parse(String(v.custom))).toHaveProperty('n');
    expect(rows[0]?.key).toMatch(/^"public"\."leads"\/"[0-9a-f-]{36}"$/);
    const last = messages(r.body).at(-1)?.headers;
    expect(last?.control).toBe('up-to-date');
    expect(BigInt(String(last?.global_last_seen_lsn))).toBeGreaterThanOrEqual(0n);
  });

  it('answers a CORS preflight with the echoed origin and credentials, never *', async () => {
    const res = await fetch(`${server.url}/v1/shape?table=leads`, {
      method: 'OPTIONS',
      headers: { origin: ORIGIN, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('access-control-allow-headers')).toContain('authorization');
    const other = await fetch(`${server.url}/v1/shape?table=leads&offset=-1`, { headers: { origin: 'https://evil.example', authorization: 'Bearer owner-a' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    await other.text();
  });

  it('holds a live request until a change of the tenant commits, and times out with the same offset', async () => {
    const first = await get('table=leads&offset=-1', 'owner-a');
    const handle = first.headers.get('electric-handle') ?? '';
    const offset = first.headers.get('electric-offset') ?? '';
    const t0 = Date.now();
    const timedOut = await get(`table=leads&offset=${offset}&handle=${handle}&live=true&cursor=`, 'owner-a');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1_900);
    expect(timedOut.status).toBe(200);
    expect(timedOut.headers.get('electric-offset')).toBe(offset);
    expect(timedOut.headers.get('electric-cursor')).toBeTruthy();
    expect(messages(timedOut.body).map((m) => m.headers.control)).toEqual(['up-to-date']);

    const pending = get(`table=leads&offset=${offset}&handle=${handle}&live=true&cursor=${timedOut.headers.get('electric-cursor')}`, 'owner-a');
    await new Promise((r) => setTimeout(r, 100));
    await db.rows(sql`insert into leads (org_id, name) values ('org-b', 'other tenant')`);
    await db.rows(sql`insert into leads (org_id, name, score) values ('org-a', 'wake up', 7)`);
    const live = await pending;
    const change = messages(live.body).find((m) => m.key);
    expect(change?.value?.name).toBe('wake up');
    expect(change?.value?.score).toBe('7');
    expect(change?.headers.operation).toBe('insert');
    expect(change?.headers.last).toBe(true);
    expect(typeof (change?.headers.txids as number[])[0]).toBe('number');
    expect(BigInt(String(change?.headers.lsn))).toBeGreaterThan(BigInt(offset.split('_')[0] ?? '0'));
    expect(live.headers.get('electric-cursor')).not.toBe(timedOut.headers.get('electric-cursor'));
    expect(messages(live.body).some((m) => m.value?.org_id === 'org-b')).toBe(false);

    // Values in changes are the same Postgres text as in a snapshot, JSON null in a NOT NULL jsonb included.
    const at = live.headers.get('electric-offset') ?? '';
    await db.rows(sql`insert into leads (org_id, name, custom, value) values ('org-a', 'json null', 'null'::jsonb, '12.50')`);
    const caught = await get(`table=leads&offset=${at}&handle=${handle}`, 'owner-a');
    const inserted = messages(caught.body).find((m) => m.value?.name === 'json null');
    const snap = messages((await get('table=leads&offset=-1', 'owner-a')).body).find((m) => m.value?.name === 'json null');
    expect(inserted?.value).toEqual(snap?.value);
    expect(inserted?.value).toMatchObject({ custom: 'null', value: '12.50', notes: null });
  });

  it('refuses without a session (401), without a tenant or permission (403), and client SQL (400)', async () => {
    expect((await get('table=leads&offset=-1')).status).toBe(401);
    expect((await get('table=leads&offset=-1', 'nobody')).status).toBe(403);
    const forbidden = await get('table=leads&offset=-1', 'w1');
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toMatchObject({ error: { code: 'SHAPE_FORBIDDEN' } });
    expect((await get('table=user&offset=-1', 'owner-a')).status).toBe(400);
    expect((await get('table=leads&offset=-1&where=true', 'owner-a')).status).toBe(400);
    expect((await get(`table=leads&offset=-1&${encodeURIComponent('params[1]')}=org-b`, 'owner-a')).status).toBe(400);
    expect((await get('table=leads&offset=-1&columns=%22id%22,org_id', 'owner-a')).status).toBe(400);
    expect((await get('table=leads&offset=3_inf', 'owner-a')).status).toBe(400);
    expect((await get('table=leads&offset=garbage&handle=x', 'owner-a')).status).toBe(400);
    for (const r of [await get('table=leads&offset=-1&where=true', 'owner-a'), await get('table=leads&offset=-1')]) {
      expect(r.body).toMatchObject({ error: { code: expect.any(String), message: expect.any(String), details: {} } });
    }
  });

  it('never gives a tenant another tenant’s rows, whatever handle, offset or table it sends', async () => {
    const a = await get('table=leads&offset=-1', 'owner-a');
    const b = await get('table=leads&offset=-1', 'owner-b');
    expect(messages(b.body).filter((m) => m.key).every((m) => m.value?.org_id === 'org-b')).toBe(true);
    // A's handle with B's session: must-refetch with a new handle, never A's data.
    const stolen = await get(`table=leads&offset=0_inf&handle=${a.headers.get('electric-handle')}`, 'owner-b');
    expect(stolen.status).toBe(409);
    expect(stolen.headers.get('electric-handle')).not.toBe(a.headers.get('electric-handle'));
    expect(stolen.body).toEqual([{ headers: { control: 'must-refetch' } }]);
    const after = await get(`table=leads&offset=0_inf&handle=${b.headers.get('electric-handle')}`, 'owner-b');
    expect(after.status).toBe(200);
    expect(messages(after.body).filter((m) => m.key).every((m) => m.value?.org_id === 'org-b')).toBe(true);
    for (const table of ['work_orders', 'my_work_orders', 'companies', 'time_entries']) {
      const r = await get(`table=${table}&offset=-1`, 'owner-b');
      expect(messages(r.body).filter((m) => m.key && m.value?.org_id !== 'org-b')).toEqual([]);
    }
    expect((await get('table=leads&offset=1_inf&handle=unknown-handle', 'owner-a')).status).toBe(409);
  });

  it('moves a reassigned work order out of the old assignee’s shape and into the new one’s', async () => {
    const company = crypto.randomUUID();
    await db.rows(sql`insert into companies (id, org_id, name) values (${company}::uuid, 'org-a', 'Acme')`);
    const wo = crypto.randomUUID();
    await db.rows(sql`insert into work_orders (id, org_id, number, title, assignee_id, company_id)
      values (${wo}::uuid, 'org-a', 'WO-1', 'Fix', 'worker-1', ${company}::uuid)`);
    const stream = (token: string, table: string) =>
      new Shape(new ShapeStream<Row>({ url: `${server.url}/v1/shape`, params: { table }, headers: { authorization: `Bearer ${token}` } }));
    const w1 = stream('w1', 'my_work_orders');
    const w2 = stream('w2', 'my_work_orders');
    const w1Companies = stream('w1', 'my_companies');
    await eventually(async () => (await w1.rows).length === 1 && (await w2.rows).length === 0, 10_000, 'initial worker shapes');
    await eventually(async () => (await w1Companies.rows).length === 1, 10_000, 'worker companies');
    await db.rows(sql`update work_orders set assignee_id = 'worker-2' where id = ${wo}::uuid`);
    await eventually(() => w1.currentRows.length === 0 && w2.currentRows.length === 1, 10_000, 'move-out / move-in');
    expect(w2.currentRows[0]?.assignee_id).toBe('worker-2');
    // The customer leaves worker 1's slice through the dependency (must-refetch of my_companies).
    await eventually(() => w1Companies.currentRows.length === 0, 10_000, 'customer moves out');
    await db.rows(sql`update work_orders set status = 'done' where id = ${wo}::uuid`);
    await eventually(() => w2.currentRows.length === 0, 10_000, 'closed work order leaves');
    for (const s of [w1, w2, w1Companies]) s.unsubscribeAll();
  });
}
