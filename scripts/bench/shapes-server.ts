/*
 * The server half of `npm run bench -- shapes`: the built-in shape engine alone
 * in its process, as in production: on the embedded PGlite in a data folder
 * (what `npm start` opens), or on Postgres. Test-only bearer tokens stand in
 * for sessions; bench-only routes write one row through SQL and report this
 * process's memory.
 *
 * BENCH_DATABASE_URL  a Postgres server: a scratch database is made on it and dropped after.
 * BENCH_DATA_DIR      otherwise, the PGlite data folder (made and seeded on first start).
 * BENCH_BIG_LEADS     rows of the big tenant read by the initial-sync figure.
 * BENCH_SHARED_BUFFERS  PGlite only: open with `-c shared_buffers=<value>` (a proposal, not what production does).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import { serve } from '@hono/node-server';
import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import postgres from 'postgres';
import { migrate } from '../../sync-server/src/db/migrate.ts';
import { openDiskPglite, pgliteDatabase, PGLITE_EXTENSIONS } from '../../sync-server/src/db/pglite.ts';
import { openPostgres } from '../../sync-server/src/db/postgres.ts';
import type { Database } from '../../sync-server/src/db/types.ts';
import { makeOrg, principal, seedLeads, startShapeServer } from '../../sync-server/src/shapes/test-support.ts';

const pgUrl = process.env.BENCH_DATABASE_URL;
const dataDir = process.env.BENCH_DATA_DIR ?? '';
const sharedBuffers = process.env.BENCH_SHARED_BUFFERS;
let dropScratch = async () => {};

async function open(): Promise<{ db: Database; fresh: boolean }> {
  if (!pgUrl) {
    const fresh = !existsSync(join(dataDir, 'pgdata', 'PG_VERSION'));
    if (!sharedBuffers) return { db: await openDiskPglite(dataDir), fresh };
    const client = await PGlite.create(join(dataDir, 'pgdata'), {
      extensions: PGLITE_EXTENSIONS,
      startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${sharedBuffers}`],
    });
    return { db: pgliteDatabase(client), fresh };
  }
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
  return { db: openPostgres(url.toString()), fresh: true };
}

const { db, fresh } = await open();
await migrate(db);
if (fresh) {
  await makeOrg(db, 'org-fan');
  await seedLeads(db, 'org-fan', 10, 'F');
  // The initial-sync figure reads a second tenant of BENCH_BIG_LEADS rows.
  const big = Number(process.env.BENCH_BIG_LEADS ?? '0');
  if (big > 0) {
    await makeOrg(db, 'org-big');
    await seedLeads(db, 'org-big', big, 'Big');
  }
}
const server = await startShapeServer(db, new Map([principal('fan', 'org-fan', 'owner'), principal('big', 'org-big', 'owner')]), {
  env: { SHAPE_LIVE_TIMEOUT_MS: '20000', SHAPE_POLL_INTERVAL_MS: '1000' },
});
const control = new Hono();
control.post('/write', async (c) => {
  await db.rows(sql`insert into leads (org_id, name) values ('org-fan', ${`fan ${Date.now()}`})`);
  return c.json({ ok: true });
});
control.get('/stats', (c) => {
  const m = process.memoryUsage();
  const wasm = db.kind === 'pglite' ? (db.orm as unknown as { $client: { mod?: { HEAPU8?: Uint8Array } } }).$client.mod?.HEAPU8?.length : undefined;
  return c.json({ rss: m.rss, heapUsed: m.heapUsed, external: m.external, wasmHeap: wasm ?? null, waiting: server.engine.notifier.waiting });
});
const ctl = serve({ fetch: control.fetch, port: 0, hostname: '127.0.0.1' });
await new Promise<void>((r) => ctl.once('listening', () => r()));
process.stdout.write(`${JSON.stringify({ url: server.url, control: `http://127.0.0.1:${(ctl.address() as AddressInfo).port}`, fresh })}\n`);
process.on('SIGTERM', () => {
  void server
    .close()
    .then(() => db.close())
    .then(dropScratch)
    .then(() => process.exit(0));
});
