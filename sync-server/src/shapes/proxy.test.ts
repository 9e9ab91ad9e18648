import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Principal } from '../auth/principal.ts';
import type { Database } from '../db/types.ts';
import { pgliteEngine } from '../testing/db.ts';
import { clientRows, eventually, openClient } from './test-client.ts';
import { makeOrg, principal, seedLeads, serverRows, startShapeServer, type ShapeServer } from './test-support.ts';
import { describe } from 'vitest';

const SECRET = 'upstream-secret-for-tests-0123456789';

describe('proxy mode (ELECTRIC_URL) against a second sync-server as the upstream', () => {
  let db: Database;
  let upstream: ShapeServer;
  let front: ShapeServer;
  const sessions = new Map<string, Principal>([principal('owner-a', 'org-a', 'owner'), principal('w1', 'org-a', 'worker', 'worker-1')]);
  const seen: URL[] = [];

  beforeAll(async () => {
    db = await pgliteEngine.open();
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
    seen.length = 0;
    expect((await fetch(`${front.url}/v1/shape?table=leads&offset=-1`)).status).toBe(401);
    expect((await fetch(`${front.url}/v1/shape?table=leads&offset=-1`, { headers: { authorization: 'Bearer w1' } })).status).toBe(403);
    expect(seen).toEqual([]);
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
    expect(seen[0]?.searchParams.has('unknown')).toBe(false);
    expect(seen[0]?.searchParams.get('cache-buster')).toBe('x');
    // Without the secret the upstream treats raw params as client SQL.
    expect((await fetch(`${upstream.url}/v1/shape?table=leads&offset=-1&where=true&columns=id`)).status).toBe(401);
  });
});
