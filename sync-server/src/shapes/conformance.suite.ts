import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { LOCAL_INITIAL_INSERT_METHOD, localStoreParser } from '@streamflow/shapes';
import type { Principal } from '../auth/principal.ts';
import type { Database } from '../db/types.ts';
import type { TestEngine } from '../testing/db.ts';
import { pruneChangeLog } from './retention.ts';
import { clientRows, eventually, openClient } from './test-client.ts';
import { makeOrg, principal, seedLeads, serverRows, startShapeServer, type ShapeServer } from './test-support.ts';

/** Conformance with the official clients (pglite-sync into PGlite) over a real port. */
export function conformanceSuite(engine: TestEngine) {
  let db: Database;
  let server: ShapeServer;
  const sessions = new Map<string, Principal>([
    principal('owner-a', 'org-a', 'owner'),
    principal('owner-b', 'org-b', 'owner'),
    principal('owner-t', 'org-t', 'owner'),
  ]);
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    db = await engine.open();
    await makeOrg(db, 'org-a');
    await makeOrg(db, 'org-b');
    await makeOrg(db, 'org-t');
    await seedLeads(db, 'org-a', 3000, 'A');
    await seedLeads(db, 'org-b', 500, 'B');
    server = await startShapeServer(db, sessions);
  });
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  const leadsOf = (org: string) => serverRows(db, 'leads', sql`org_id = ${org}`);
  const shapeOpts = (token: string, table = 'leads') => ({ url: `${server.url}/v1/shape`, params: { table }, headers: auth(token) });

  it('syncs a few thousand rows, then live inserts, updates and deletes, row for row', async () => {
    const pg = await openClient(['leads']);
    const sub = await pg.electric.syncShapeToTable({ shape: shapeOpts('owner-a'), table: 'leads', primaryKey: ['id'], shapeKey: 'leads' });
    await eventually(async () => (await clientRows(pg, 'leads')).size === 3000, 20_000, 'initial sync');
    expect(await clientRows(pg, 'leads')).toEqual(await leadsOf('org-a'));

    const [first] = await db.rows<{ id: string }>(sql`select id::text as id from leads where org_id = 'org-a' order by name limit 1`);
    await db.rows(sql`insert into leads (org_id, name, value, custom) values ('org-a', 'Live one', '12.50', '{"tag": "x"}')`);
    await db.rows(sql`update leads set status = 'qualified', score = 99 where id = ${first?.id ?? ''}::uuid`);
    await db.rows(sql`delete from leads where org_id = 'org-a' and name like 'A 1%'`);
    const expected = await leadsOf('org-a');
    await eventually(async () => JSON.stringify([...(await clientRows(pg, 'leads'))].sort()) === JSON.stringify([...expected].sort()), 10_000, 'live changes');
    expect(await clientRows(pg, 'leads')).toEqual(expected);
    sub.unsubscribe();

    // Resume after a client restart with the persisted subscription state: no duplicate key, no missed change.
    const dump = await pg.dumpDataDir('gzip');
    await pg.close();
    await db.rows(sql`insert into leads (org_id, name) values ('org-a', 'While offline')`);
    await db.rows(sql`update leads set notes = 'edited offline' where org_id = 'org-a' and name = 'Live one'`);
    const pg2 = await openClient([], dump);
    const meta = await pg2.query<{ key: string }>('select key from electric.subscriptions_metadata');
    expect(meta.rows.map((r) => r.key)).toEqual(['leads']);
    const sub2 = await pg2.electric.syncShapeToTable({ shape: shapeOpts('owner-a'), table: 'leads', primaryKey: ['id'], shapeKey: 'leads' });
    const after = await leadsOf('org-a');
    await eventually(async () => (await clientRows(pg2, 'leads')).size === after.size && (await clientRows(pg2, 'leads')).get(
      [...after.entries()].find(([, r]) => r.name === 'Live one')?.[0] ?? '')?.notes === 'edited offline', 10_000, 'resume');
    expect(await clientRows(pg2, 'leads')).toEqual(after);
    sub2.unsubscribe();
    await pg2.close();
  });

  it('must-refetch after retention pruned the offset, then ends with the server rows', async () => {
    const pg = await openClient(['leads']);
    const sub = await pg.electric.syncShapeToTable({ shape: shapeOpts('owner-b'), table: 'leads', primaryKey: ['id'], shapeKey: 'b' });
    await eventually(async () => (await clientRows(pg, 'leads')).size === 500, 10_000, 'initial sync of B');
    sub.unsubscribe();
    const dump = await pg.dumpDataDir('gzip');
    await pg.close();
    await db.rows(sql`insert into leads (org_id, name) values ('org-b', 'before prune')`);
    await db.rows(sql`delete from leads where org_id = 'org-b' and name like 'B 2%'`);
    await db.rows(sql`insert into leads (org_id, name) values ('org-a', 'newest commit is kept')`);
    const pruned = await pruneChangeLog(db, new Date(Date.now() + 60_000));
    expect(pruned.commits).toBeGreaterThan(0);
    const pg2 = await openClient([], dump);
    const sub2 = await pg2.electric.syncShapeToTable({ shape: shapeOpts('owner-b'), table: 'leads', primaryKey: ['id'], shapeKey: 'b' });
    const expected = await leadsOf('org-b');
    await eventually(async () => (await clientRows(pg2, 'leads')).size === expected.size, 10_000, 'refetch');
    expect(await clientRows(pg2, 'leads')).toEqual(expected);
    sub2.unsubscribe();
    await pg2.close();
  });

  it("keeps every text and jsonb exact through the app's csv initial insert, live changes and a refetch", async () => {
    // Values pglite-sync's CSV writer mis-encodes by default (shapes/src/local-store.ts), and their neighbours.
    const texts = ['comma, "quote" and\nnewline', 'carriage\rreturn', 'crlf\r\nline', '\\N', '\\.', '', ' padded ', 'tab\there',
      'back\\slash', 'unicode é 中文 😀', "it's"];
    const customs = [{}, { a: 'x, "y"\nz', nested: { list: [1, null, { k: 'v\r' }], t: true }, none: null, emoji: '😀' }, [1, 'two', { three: 3 }],
      'just a string', null, { '': '', 'key, "odd"': '\\N' }];
    const insert = async (prefix: string) => {
      for (let i = 0; i < texts.length * 2; i++) {
        const custom = JSON.stringify(customs[i % customs.length]);
        await db.rows(sql`insert into leads (org_id, name, notes, email, custom)
          values ('org-t', ${`${prefix} ${texts[i % texts.length]}`}, ${i % 3 === 0 ? null : texts[(i + 1) % texts.length]}, ${texts[(i + 2) % texts.length]}, ${custom}::jsonb)`);
      }
    };
    await insert('first');
    const same = async (pg: Awaited<ReturnType<typeof openClient>>) =>
      JSON.stringify([...(await clientRows(pg, 'leads'))].sort()) === JSON.stringify([...(await leadsOf('org-t'))].sort());
    const errors: unknown[] = [];
    const opts = {
      shape: { ...shapeOpts('owner-t'), parser: localStoreParser },
      table: 'leads',
      primaryKey: ['id'],
      shapeKey: 'tricky',
      initialInsertMethod: LOCAL_INITIAL_INSERT_METHOD,
      // A value the client cannot parse (e.g. NULL in a NOT NULL column) ends the stream: fail at once.
      onError: (e: unknown) => void errors.push(e),
    };
    const pg = await openClient(['leads']);
    const sub = await pg.electric.syncShapeToTable(opts);
    await eventually(async () => errors.length > 0 || (await same(pg)), 10_000, 'initial copy');
    expect(errors).toEqual([]);
    expect(await clientRows(pg, 'leads')).toEqual(await leadsOf('org-t'));
    // The hard cases really are there: a text `\N` that is not NULL, a lone carriage return, a JSON string.
    const odd = await pg.query<{ n: number }>(`select count(*)::int as n from leads
      where notes = '\\N' or name like '%' || chr(13) || 'return' or custom = '"just a string"'::jsonb`);
    expect(odd.rows[0]?.n).toBeGreaterThanOrEqual(3);
    // Live: inserts (multi-row INSERT) and updates (UPDATE with parameters) of the same values.
    await insert('live');
    await db.rows(sql`update leads set notes = ${'\\N'}, custom = ${JSON.stringify({ now: 'a\rb, "c"' })}::jsonb where org_id = 'org-t' and name like 'first %'`);
    await eventually(async () => errors.length > 0 || (await same(pg)), 10_000, 'live changes');
    expect(errors).toEqual([]);
    expect(await clientRows(pg, 'leads')).toEqual(await leadsOf('org-t'));
    sub.unsubscribe();
    // A refetch loads every row again through INSERT (the initial method runs once per subscription).
    const dump = await pg.dumpDataDir('gzip');
    await pg.close();
    await db.rows(sql`update leads set email = ${'late\rchange'} where org_id = 'org-t'`);
    await db.rows(sql`insert into leads (org_id, name) values ('org-a', 'newest commit is kept')`);
    expect((await pruneChangeLog(db, new Date(Date.now() + 60_000))).commits).toBeGreaterThan(0);
    const pg2 = await openClient([], dump);
    const sub2 = await pg2.electric.syncShapeToTable(opts);
    await eventually(async () => errors.length > 0 || (await same(pg2)), 10_000, 'refetch');
    expect(errors).toEqual([]);
    expect(await clientRows(pg2, 'leads')).toEqual(await leadsOf('org-t'));
    sub2.unsubscribe();
    await pg2.close();
  });
}
