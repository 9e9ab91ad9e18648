import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Principal } from '../auth/principal.ts';
import type { Database } from '../db/types.ts';
import type { TestEngine } from '../testing/db.ts';
import { clientRows, eventually, openClient } from './test-client.ts';
import { makeOrg, principal, seedLeads, serverRows, startShapeServer, type ShapeServer } from './test-support.ts';

const SECRET = 'upstream-secret-for-tests-0123456789';

/** Proxy mode (ELECTRIC_URL) against a second sync-server as the upstream, in built-in mode on the same database. */
export function proxySuite(engine: TestEngine) {
  let db: Database;
  let upstream: ShapeServer;
  let front: ShapeServer;
  const sessions = new Map<string, Principal>([
    principal('owner-a', 'org-a', 'owner'),
    principal('owner-b', 'org-b', 'owner'),
    principal('w1', 'org-a', 'worker', 'worker-1'),
  ]);
  const seen: URL[] = [];

  beforeAll(async () => {
    db = await engine.open();
    await makeOrg(db, 'org-a');
    await makeOrg(db, 'org-b');
    await seedLeads(db, 'org-a', 300, 'A');
    await seedLeads(db, 'org-b', 50, 'B');
    upstream = await startShapeServer(db, new Map(), { env: { SHAPE_UPSTREAM_SECRET: SECRET } });
    const spy: typeof fetch = (input, init) => {
      seen.push(new URL(String(input)));
      return fetch(input, init);
    };
    front = await startShapeServer(db, sessions, { env: { ELECTRIC_URL: upstream.url, ELECTRIC_SECRET: SECRET }, fetch: spy });
  });
  afterAll(async () => {
    await front?.close();
    await upstream?.close();
    await db?.close();
  });

  it('forwards the resolved shape and streams the answer; the official client syncs through it', async () => {
    const pg = await openClient(['leads']);
    const sub = await pg.electric.syncShapeToTable({
      shape: { url: `${front.url}/v1/shape`, params: { table: 'leads', where: undefined }, headers: { authorization: 'Bearer owner-a' } },
      table: 'leads',
      primaryKey: ['id'],
      shapeKey: 'proxied',
    });
    await eventually(async () => (await clientRows(pg, 'leads')).size === 300, 10_000, 'initial through proxy');
    await db.rows(sql`insert into leads (org_id, name) values ('org-a', 'through the proxy'), ('org-b', 'not for A')`);
    const expected = await serverRows(db, 'leads', sql`org_id = 'org-a'`);
    await eventually(async () => (await clientRows(pg, 'leads')).size === expected.size, 10_000, 'live through proxy');
    expect(await clientRows(pg, 'leads')).toEqual(expected);
    sub.unsubscribe();
    await pg.close();

    const u = seen[0];
    expect(u?.searchParams.get('table')).toBe('leads');
    expect(u?.searchParams.get('where')).toBe('org_id = $1');
    expect(u?.searchParams.get('params[1]')).toBe('org-a');
    expect(u?.searchParams.get('columns')).toContain('"id"');
    expect(seen.some((s) => s.searchParams.get('live') === 'true')).toBe(true);
  });

  it('authenticates and authorises before forwarding, and keeps only protocol params', async () => {
    // Each request is marked (cache-buster is forwarded), so a poll still running from another test cannot confuse this one.
    const forwarded = (mark: string) => seen.filter((u) => u.searchParams.get('cache-buster') === mark);
    expect((await fetch(`${front.url}/v1/shape?table=leads&offset=-1&cache-buster=m401`)).status).toBe(401);
    expect((await fetch(`${front.url}/v1/shape?table=leads&offset=-1&cache-buster=m403`, { headers: { authorization: 'Bearer w1' } })).status).toBe(403);
    expect([...forwarded('m401'), ...forwarded('m403')]).toEqual([]);
    const res = await fetch(`${front.url}/v1/shape?table=leads&offset=-1&log=full&unknown=1&cache-buster=x`, {
      headers: { authorization: 'Bearer owner-a', origin: 'http://localhost:3000' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('electric-handle')).toBeTruthy();
    expect(res.headers.get('electric-schema')).toBeTruthy();
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    expect(res.headers.get('content-encoding')).toBeNull();
    const body = (await res.json()) as { value?: { org_id?: string } }[];
    expect(body.filter((m) => m.value).every((m) => m.value?.org_id === 'org-a')).toBe(true);
    const [sent] = forwarded('x');
    expect(sent?.searchParams.has('unknown')).toBe(false);
    expect(sent?.searchParams.get('log')).toBe('full');
    // Without the secret the upstream treats raw params as client SQL.
    expect((await fetch(`${upstream.url}/v1/shape?table=leads&offset=-1&where=true&columns=id`)).status).toBe(401);
  });

  it('passes must-refetch through with the new handle, and keeps each tenant to its rows', async () => {
    const first = await fetch(`${front.url}/v1/shape?table=leads&offset=-1`, { headers: { authorization: 'Bearer owner-b' } });
    const rows = (await first.json()) as { value?: { org_id?: string } }[];
    expect(rows.filter((m) => m.value).length).toBeGreaterThanOrEqual(50);
    expect(rows.every((m) => !m.value || m.value.org_id === 'org-b')).toBe(true);
    const offset = first.headers.get('electric-offset') ?? '';
    const stale = await fetch(`${front.url}/v1/shape?table=leads&offset=${offset}&handle=not-a-handle`, { headers: { authorization: 'Bearer owner-b' } });
    expect(stale.status).toBe(409);
    expect(stale.headers.get('electric-handle')).toBeTruthy();
    expect(stale.headers.get('electric-handle')).not.toBe('not-a-handle');
    expect(await stale.json()).toEqual([{ headers: { control: 'must-refetch' } }]);
    // B's handle with A's session: the upstream sees A's WHERE and params, so the handle does not fit.
    const crossed = await fetch(`${front.url}/v1/shape?table=leads&offset=${offset}&handle=${first.headers.get('electric-handle')}`, {
      headers: { authorization: 'Bearer owner-a' },
    });
    expect(crossed.status).toBe(409);
    await crossed.text();
  });

  it('refuses client SQL, unknown shapes and a client secret before anything is forwarded', async () => {
    const forwarded = (mark: string) => seen.filter((u) => u.searchParams.get('cache-buster') === mark);
    const a = { authorization: 'Bearer owner-a' };
    for (const q of ['table=leads&where=true', `table=leads&${encodeURIComponent('params[1]')}=org-b`, 'table=leads&columns=id', 'table=user', 'table=sync_change_log']) {
      const res = await fetch(`${front.url}/v1/shape?${q}&offset=-1&cache-buster=sql`, { headers: a });
      expect({ q, status: res.status }).toEqual({ q, status: 400 });
      expect(((await res.json()) as { error: { code: string } }).error.code).toBeTruthy();
    }
    expect(forwarded('sql')).toEqual([]);
    const res = await fetch(`${front.url}/v1/shape?table=leads&offset=-1&secret=guess&cache-buster=secret`, { headers: a });
    expect(res.status).toBe(200);
    await res.text();
    expect(forwarded('secret').map((u) => u.searchParams.getAll('secret'))).toEqual([[SECRET]]);
  });

  it('answers 503 with the error envelope when the upstream is down', async () => {
    const down = await startShapeServer(db, sessions, { env: { ELECTRIC_URL: 'http://127.0.0.1:9', ELECTRIC_SECRET: SECRET } });
    try {
      const res = await fetch(`${down.url}/v1/shape?table=leads&offset=-1`, { headers: { authorization: 'Bearer owner-a' } });
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ error: { code: 'UPSTREAM_UNAVAILABLE', message: expect.any(String), details: {} } });
    } finally {
      await down.close();
    }
  });
}
