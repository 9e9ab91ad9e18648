import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { Shape, ShapeStream, type Row } from '@electric-sql/client';
import { LOCAL_INITIAL_INSERT_METHOD, localStoreParser } from '@streamflow/shapes';
import type { Principal } from '../auth/principal.ts';
import type { Database } from '../db/types.ts';
import type { TestEngine } from '../testing/db.ts';
import { pruneChangeLog } from './retention.ts';
import { clientRows, eventually, openClient } from './test-client.ts';
import { makeOrg, principal, seedLeads, serverRows, startShapeServer, type ShapeServer } from './test-support.ts';

type Msg = { key?: string; value?: Record<string, unknown>; headers: Record<string, unknown> };
const CHUNK = 150;

/**
 * First snapshots in chunks (docs/sync.md, "Snapshot chunks"), with writes
 * landing between the chunks: below the last key sent (changes to rows the
 * client holds) and above it (rows still to come). The official clients end
 * with exactly the server's rows; a chunk may be served by another instance.
 */
export function snapshotChunksSuite(engine: TestEngine) {
  let db: Database;
  let server: ShapeServer;
  let other: ShapeServer;
  const sessions = new Map<string, Principal>([
    principal('owner-s', 'org-s', 'owner'),
    principal('w1', 'org-s', 'worker', 'worker-1'),
    principal('owner-x', 'org-other', 'owner'),
  ]);
  const auth = { authorization: 'Bearer owner-s' };
  const leadsOf = () => serverRows(db, 'leads', sql`org_id = 'org-s'`);
  const sameRows = async (pg: Awaited<ReturnType<typeof openClient>>) =>
    JSON.stringify([...(await clientRows(pg, 'leads'))].sort()) === JSON.stringify([...(await leadsOf())].sort());

  beforeAll(async () => {
    db = await engine.open();
    await makeOrg(db, 'org-s');
    await makeOrg(db, 'org-other');
    await seedLeads(db, 'org-s', 2000, 'S');
    await seedLeads(db, 'org-other', 300, 'O');
    server = await startShapeServer(db, sessions, { snapshotChunkRows: CHUNK });
    other = await startShapeServer(db, sessions, { snapshotChunkRows: CHUNK });
  });
  afterAll(async () => {
    await other?.close();
    await server?.close();
    await db?.close();
  });

  /** Writes between two chunks: each kind of change on both sides of the last key sent. */
  let round = 0;
  async function writeBetweenChunks(): Promise<void> {
    round++;
    const low = `00000000-0000-4000-8000-${round.toString().padStart(12, '0')}`;
    const high = `ffffffff-ffff-4fff-8fff-${round.toString().padStart(12, '0')}`;
    await db.orm.transaction(async (tx) => {
      await db.rows(sql`insert into leads (id, org_id, name, custom) values (${low}::uuid, 'org-s', ${`low ${round}`}, '{"side": "sent"}'),
        (${high}::uuid, 'org-s', ${`high ${round}`}, '{"side": "to come"}')`, tx);
      await db.rows(sql`update leads set score = score + 1, notes = ${`round ${round}`} where id in (
        (select id from leads where org_id = 'org-s' order by id limit 1 offset ${round}),
        (select id from leads where org_id = 'org-s' order by id desc limit 1 offset ${round + 5}))`, tx);
    });
    await db.rows(sql`delete from leads where id in ((select id from leads where org_id = 'org-s' and name like 'S %' order by id limit 1 offset 20),
      (select id from leads where org_id = 'org-s' and name like 'S %' order by id desc limit 1 offset 20))`);
    await db.rows(sql`insert into leads (org_id, name) values ('org-other', ${`other tenant ${round}`})`);
  }

  /** A fetch that writes after each snapshot chunk it receives, before the client can ask for the next. */
  const writingFetch = (chunks: string[]): typeof fetch => async (input, init) => {
    const res = await fetch(input, init);
    const offset = res.headers.get('electric-offset') ?? '';
    if (res.ok && !offset.endsWith('_inf') && !res.headers.has('electric-up-to-date')) {
      chunks.push(offset);
      await writeBetweenChunks();
    }
    return res;
  };

  it('answers a big first snapshot in chunks: offset <lsn>_<key>, no up-to-date until the last, schema on each', async () => {
    const first = await fetch(`${server.url}/v1/shape?table=leads&offset=-1`, { headers: auth });
    const body = (await first.json()) as Msg[];
    expect(first.status).toBe(200);
    expect(first.headers.get('electric-offset')).toMatch(/^\d+_\d+$/);
    expect(first.headers.has('electric-up-to-date')).toBe(false);
    expect(first.headers.get('electric-schema')).toBeTruthy();
    expect(body).toHaveLength(CHUNK);
    expect(body.every((m) => m.headers.operation === 'insert' && m.headers.lsn === undefined)).toBe(true);
    const keys = body.map((m) => String(m.value?.id));
    expect(keys).toEqual([...keys].sort());
    // The next chunk continues after the last key, from either instance; live is refused until up-to-date.
    const q = `table=leads&offset=${first.headers.get('electric-offset')}&handle=${first.headers.get('electric-handle')}`;
    const [a, b] = await Promise.all([fetch(`${server.url}/v1/shape?${q}`, { headers: auth }), fetch(`${other.url}/v1/shape?${q}`, { headers: auth })]);
    const [ja, jb] = [(await a.json()) as Msg[], (await b.json()) as Msg[]];
    expect(ja.map((m) => m.key)).toEqual(jb.map((m) => m.key));
    expect(String(ja[0]?.value?.id) > String(keys.at(-1))).toBe(true);
    expect((await fetch(`${server.url}/v1/shape?${q}&live=true`, { headers: auth })).status).toBe(400);
  });

  it('brings pglite-sync (csv, the app’s method) to exactly the server rows while writes land between chunks', async () => {
    const chunks: string[] = [];
    const errors: unknown[] = [];
    const pg = await openClient(['leads']);
    const sub = await pg.electric.syncShapeToTable({
      shape: { url: `${server.url}/v1/shape`, params: { table: 'leads' }, headers: auth, parser: localStoreParser, fetchClient: writingFetch(chunks) },
      table: 'leads',
      primaryKey: ['id'],
      shapeKey: 'chunks',
      initialInsertMethod: LOCAL_INITIAL_INSERT_METHOD,
      onError: (e: unknown) => void errors.push(e),
    });
    await eventually(async () => errors.length > 0 || (sub.isUpToDate && (await sameRows(pg))), 20_000, 'chunked initial sync');
    expect(errors).toEqual([]);
    expect(chunks.length).toBeGreaterThan(10);
    expect(await clientRows(pg, 'leads')).toEqual(await leadsOf());
    // Then the live log continues from the snapshot's watermark.
    await db.rows(sql`insert into leads (org_id, name) values ('org-s', 'after the snapshot')`);
    await db.rows(sql`update leads set notes = 'live edit' where org_id = 'org-s' and name like 'low %'`);
    await eventually(() => sameRows(pg), 10_000, 'live after chunks');
    expect(await clientRows(pg, 'leads')).toEqual(await leadsOf());
    sub.unsubscribe();
    await pg.close();
  });

  it('brings the official Shape, alternating instances, to the same rows', async () => {
    const chunks: string[] = [];
    let n = 0;
    const alternate: typeof fetch = (input, init) => {
      const url = new URL(String(input instanceof Request ? input.url : input));
      const base = new URL(n++ % 2 === 0 ? server.url : other.url);
      url.host = base.host;
      return writingFetch(chunks)(url, init);
    };
    const shape = new Shape(new ShapeStream<Row>({ url: `${server.url}/v1/shape`, params: { table: 'leads' }, headers: auth, fetchClient: alternate }));
    const expectedIds = async () => [...(await leadsOf()).keys()].sort();
    await eventually(async () => shape.isUpToDate && JSON.stringify(shape.currentRows.map((r) => String(r.id)).sort()) === JSON.stringify(await expectedIds()), 20_000, 'shape');
    expect(chunks.length).toBeGreaterThan(10);
    const server0 = await leadsOf();
    for (const row of shape.currentRows) expect({ id: row.id, notes: row.notes, score: String(row.score) }).toEqual({ id: row.id, notes: server0.get(String(row.id))?.notes ?? null, score: server0.get(String(row.id))?.score });
    shape.unsubscribeAll();
  });

  it('moves work orders into and out of a worker’s slice between chunks', async () => {
    await db.rows(sql`insert into work_orders (org_id, number, title, assignee_id)
      select 'org-s', 'WO-' || g, 'job ' || g, case when g % 2 = 0 then 'worker-1' else 'worker-2' end from generate_series(1, 800) g`);
    const mine = async () => new Set((await db.rows<{ id: string }>(sql`select id::text as id from work_orders where org_id = 'org-s'
      and assignee_id = 'worker-1' and status not in ('done', 'cancelled')`)).map((r) => r.id));
    let moves = 0;
    const moving: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (res.ok && !res.headers.has('electric-up-to-date')) {
        moves++;
        // Away from worker 1 (some already sent, some not), to worker 1 (both sides), and one closed.
        await db.rows(sql`update work_orders set assignee_id = case when assignee_id = 'worker-1' then 'worker-2' else 'worker-1' end
          where id in (select id from work_orders where org_id = 'org-s' order by id limit 2 offset ${moves * 3})
            or id in (select id from work_orders where org_id = 'org-s' order by id desc limit 2 offset ${moves * 3})`);
        await db.rows(sql`update work_orders set status = 'done' where id = (select id from work_orders where org_id = 'org-s'
          and assignee_id = 'worker-1' and status = 'new' order by id limit 1)`);
      }
      return res;
    };
    const shape = new Shape(new ShapeStream<Row>({ url: `${server.url}/v1/shape`, params: { table: 'my_work_orders' }, headers: { authorization: 'Bearer w1' }, fetchClient: moving }));
    await eventually(async () => shape.isUpToDate && JSON.stringify(shape.currentRows.map((r) => String(r.id)).sort()) === JSON.stringify([...(await mine())].sort()), 20_000, 'worker slice');
    expect(moves).toBeGreaterThan(1);
    expect(shape.currentRows.every((r) => r.assignee_id === 'worker-1' && r.status !== 'done')).toBe(true);
    shape.unsubscribeAll();
  });

  it('answers must-refetch when the log a continuation needs was pruned, and a stolen position gives nothing away', async () => {
    const first = await fetch(`${server.url}/v1/shape?table=leads&offset=-1`, { headers: auth });
    await first.text();
    const q = `table=leads&offset=${first.headers.get('electric-offset')}&handle=${first.headers.get('electric-handle')}`;
    await db.rows(sql`insert into leads (org_id, name) values ('org-s', 'pruned away'), ('org-other', 'newest')`);
    await db.rows(sql`insert into leads (org_id, name) values ('org-other', 'newest commit is kept')`);
    expect((await pruneChangeLog(db, new Date(Date.now() + 60_000))).commits).toBeGreaterThan(0);
    const late = await fetch(`${server.url}/v1/shape?${q}`, { headers: auth });
    expect(late.status).toBe(409);
    expect(await late.json()).toEqual([{ headers: { control: 'must-refetch' } }]);
    // Another tenant with this position and handle: must-refetch, never a row.
    const stolen = await fetch(`${other.url}/v1/shape?${q}`, { headers: { authorization: 'Bearer owner-x' } });
    expect(stolen.status).toBe(409);
    expect(await stolen.json()).toEqual([{ headers: { control: 'must-refetch' } }]);
  });
}
