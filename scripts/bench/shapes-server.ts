/*
 * The server half of `npm run bench -- shapes` (fan-out and memory): the
 * built-in shape engine on an embedded PGlite or on Postgres, alone in its
 * process as in production. Test-only bearer tokens stand in for sessions; two bench-only
 * routes write one row through SQL and report this process's RSS.
 */
import { sql } from 'drizzle-orm';
import { migrate } from '../../sync-server/src/db/migrate.ts';
import { openMemoryPglite } from '../../sync-server/src/db/pglite.ts';
import { openPostgres } from '../../sync-server/src/db/postgres.ts';
import type { Database } from '../../sync-server/src/db/types.ts';
import postgres from 'postgres';
import { makeOrg, principal, seedLeads, startShapeServer } from '../../sync-server/src/shapes/test-support.ts';
import { Hono } from 'hono';
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';

// BENCH_DATABASE_URL: a Postgres server; a scratch database is made on it and dropped after.
const pgUrl = process.env.BENCH_DATABASE_URL;
let dropScratch = async () => {};
async function open(): Promise<Database> {
  if (!pgUrl) return openMemoryPglite();
  const name = `streamflow_bench_shapes_${process.pid}`;
  const adminUrl = new URL(pgUrl);
  adminUrl.pathname = '/postgres';
  const admin = postgres(adminUrl.toString(), { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists "${name}"`);
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(pgUrl);
  url.pathname = `/${name}`;
  dropScratch = async () => {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
  };
  return openPostgres(url.toString());
}
const db = await open();
await migrate(db);
await makeOrg(db, 'org-fan');
await seedLeads(db, 'org-fan', 10, 'F');
// The initial-sync figure reads a second tenant of BENCH_BIG_LEADS rows.
const big = Number(process.env.BENCH_BIG_LEADS ?? '0');
if (big > 0) {
  await makeOrg(db, 'org-big');
  await seedLeads(db, 'org-big', big, 'Big');
}
const server = await startShapeServer(db, new Map([principal('fan', 'org-fan', 'owner'), principal('big', 'org-big', 'owner')]), {
  env: { SHAPE_LIVE_TIMEOUT_MS: '20000', SHAPE_POLL_INTERVAL_MS: '1000' },
});
const control = new Hono();
control.post('/write', async (c) => {
  await db.rows(sql`insert into leads (org_id, name) values ('org-fan', ${`fan ${Date.now()}`})`);
  return c.json({ ok: true });
});
control.get('/stats', (c) => c.json({ rss: process.memoryUsage().rss, waiting: server.engine.notifier.waiting }));
const ctl = serve({ fetch: control.fetch, port: 0, hostname: '127.0.0.1' });
await new Promise<void>((r) => ctl.once('listening', () => r()));
process.stdout.write(`${JSON.stringify({ url: server.url, control: `http://127.0.0.1:${(ctl.address() as AddressInfo).port}` })}\n`);
process.on('SIGTERM', () => {
  void server.close().then(() => db.close()).then(dropScratch).then(() => process.exit(0));
});
