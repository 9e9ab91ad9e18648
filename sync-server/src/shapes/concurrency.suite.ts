import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Principal } from '../auth/principal.ts';
import type { Database } from '../db/types.ts';
import type { TestEngine } from '../testing/db.ts';
import { clientRows, eventually, openClient } from './test-client.ts';
import { makeOrg, principal, seedLeads, serverRows, startShapeServer, type ShapeServer } from './test-support.ts';

/** Many writers in overlapping transactions, committing out of order, while clients stream. */
export function concurrencySuite(engine: TestEngine) {
  let db: Database;
  let server: ShapeServer;
  const sessions = new Map<string, Principal>([principal('owner-c', 'org-c', 'owner')]);
  const shape = (table: string) => ({ url: `${server.url}/v1/shape`, params: { table }, headers: { authorization: 'Bearer owner-c' } });

  beforeAll(async () => {
    db = await engine.open();
    await makeOrg(db, 'org-c');
    await seedLeads(db, 'org-c', 200, 'C');
    server = await startShapeServer(db, sessions);
  });
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  it('ends with exactly the server rows after racing writers (same rows updated, inserts, deletes)', async () => {
    const pg = await openClient(['leads']);
    const sub = await pg.electric.syncShapeToTable({ shape: shape('leads'), table: 'leads', primaryKey: ['id'], shapeKey: 'c' });
    await eventually(async () => (await clientRows(pg, 'leads')).size === 200, 10_000, 'initial');
    const ids = (await db.rows<{ id: string }>(sql`select id::text as id from leads where org_id = 'org-c' order by id limit 20`)).map((r) => r.id);
    // On Postgres the transactions really overlap; the sleeps make later-started ones commit first.
    const nap = db.kind === 'postgres';
    const writer = async (w: number) => {
      for (let i = 0; i < 15; i++) {
        await db.orm.transaction(async (tx) => {
          const hot = ids[(w + i) % ids.length] ?? '';
          await db.rows(sql`insert into leads (org_id, name, score) values ('org-c', ${`w${w}-${i}`}, ${i})`, tx);
          if (nap) await db.rows(sql`select pg_sleep(${Math.random() * 0.03})`, tx);
          await db.rows(sql`update leads set score = score + 1, notes = ${`w${w}-${i}`} where id = ${hot}::uuid`, tx);
          if (i % 5 === 4) await db.rows(sql`delete from leads where org_id = 'org-c' and name = ${`w${w}-${i - 2}`}`, tx);
          if (nap) await db.rows(sql`select pg_sleep(${Math.random() * 0.03})`, tx);
        });
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, w) => writer(w)));
    const expected = await serverRows(db, 'leads', sql`org_id = 'org-c'`);
    await eventually(async () => JSON.stringify([...(await clientRows(pg, 'leads'))].sort()) === JSON.stringify([...expected].sort()), 15_000, 'convergence');
    expect(await clientRows(pg, 'leads')).toEqual(expected);
    sub.unsubscribe();
    await pg.close();
  });

  it('two shapes into two tables commit together: a transaction is seen whole or not at all', async () => {
    const pg = await openClient(['leads', 'work_orders']);
    const sub = await pg.electric.syncShapesToTables({
      key: 'pair',
      shapes: {
        leads: { shape: shape('leads'), table: 'leads', primaryKey: ['id'] },
        work_orders: { shape: shape('work_orders'), table: 'work_orders', primaryKey: ['id'] },
      },
    });
    await eventually(() => sub.isUpToDate, 10_000, 'up to date');
    let torn = 0;
    let watching = true;
    const watch = (async () => {
      while (watching) {
        const r = await pg.query<{ l: number; w: number }>(
          `select (select count(*) from leads where name like 'pair-%')::int as l, (select count(*) from work_orders where number like 'pair-%')::int as w`,
        );
        if (r.rows[0]?.l !== r.rows[0]?.w) torn++;
        await new Promise((res) => setTimeout(res, 2));
      }
    })();
    for (let i = 0; i < 30; i++) {
      await db.orm.transaction(async (tx) => {
        await db.rows(sql`insert into leads (org_id, name) values ('org-c', ${`pair-${i}`})`, tx);
        await db.rows(sql`insert into work_orders (org_id, number, title) values ('org-c', ${`pair-${i}`}, 'paired')`, tx);
      });
    }
    await eventually(async () => {
      const r = await pg.query<{ n: number }>(`select count(*)::int as n from work_orders where number like 'pair-%'`);
      return r.rows[0]?.n === 30;
    }, 10_000, 'pairs');
    watching = false;
    await watch;
    expect(torn).toBe(0);
    sub.unsubscribe();
    await pg.close();
  });

  // Only Postgres runs transactions side by side (PGlite has one connection).
  it.skipIf(engine.kind !== 'postgres')('serves a long transaction that began first after the later ones, never below a sent watermark', async () => {
    const first = await fetch(`${server.url}/v1/shape?table=leads&offset=-1`, { headers: { authorization: 'Bearer owner-c' } });
    await first.text();
    const handle = first.headers.get('electric-handle') ?? '';
    let offset = first.headers.get('electric-offset') ?? '';
    const pg = await openClient(['leads']);
    const sub = await pg.electric.syncShapeToTable({ shape: shape('leads'), table: 'leads', primaryKey: ['id'], shapeKey: 'long' });
    // Every message the raw protocol returns, in order, to check the watermark rule.
    const seen: { lsn?: string; watermark?: string; name?: string }[] = [];
    const poll = async () => {
      const res = await fetch(`${server.url}/v1/shape?table=leads&offset=${offset}&handle=${handle}&live=true&cursor=`, { headers: { authorization: 'Bearer owner-c' } });
      offset = res.headers.get('electric-offset') ?? offset;
      for (const m of (await res.json()) as { value?: { name?: string }; headers: { lsn?: string; global_last_seen_lsn?: string } }[]) {
        seen.push({ lsn: m.headers.lsn, watermark: m.headers.global_last_seen_lsn, name: m.value?.name });
      }
    };
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    let began: () => void = () => {};
    const wrote = new Promise<void>((r) => (began = r));
    // T1 takes its xid first (it writes first) and commits last.
    const long = db.orm.transaction(async (tx) => {
      await db.rows(sql`insert into leads (org_id, name) values ('org-c', 'long: began first')`, tx);
      began();
      await gate;
      await db.rows(sql`update leads set notes = 'long: committed last' where org_id = 'org-c' and name like 'C 1,%'`, tx);
    });
    await wrote;
    await db.rows(sql`insert into leads (org_id, name) values ('org-c', 'short: one')`);
    await db.rows(sql`update leads set notes = 'short: two' where org_id = 'org-c' and name like 'C 2,%'`);
    while (!seen.some((m) => m.name === 'short: one') || !seen.some((m) => m.lsn && seen.some((w) => w.watermark && BigInt(w.watermark) >= BigInt(m.lsn ?? '0')))) await poll();
    const before = seen.length;
    release();
    await long;
    while (!seen.slice(before).some((m) => m.name === 'long: began first')) await poll();
    // The late commit's lsn is above every watermark sent before it: nothing was served past it.
    const watermarks = seen.slice(0, before).flatMap((m) => (m.watermark ? [BigInt(m.watermark)] : []));
    const lateLsn = BigInt(seen.slice(before).find((m) => m.name === 'long: began first')?.lsn ?? '0');
    expect(lateLsn).toBeGreaterThan(watermarks.reduce((a, b) => (a > b ? a : b), 0n));
    const all = seen.flatMap((m) => (m.watermark ? [BigInt(m.watermark)] : []));
    expect(all).toEqual([...all].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    const expected = await serverRows(db, 'leads', sql`org_id = 'org-c'`);
    await eventually(async () => JSON.stringify([...(await clientRows(pg, 'leads'))].sort()) === JSON.stringify([...expected].sort()), 10_000, 'client converged');
    expect(await clientRows(pg, 'leads')).toEqual(expected);
    sub.unsubscribe();
    await pg.close();
  });
}
