import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { leads } from '@streamflow/schema';
import { createAuth } from '../../sync-server/src/auth/better-auth.ts';
import { createApp } from '../../sync-server/src/app.ts';
import { systemClock } from '../../sync-server/src/clock.ts';
import { migrate } from '../../sync-server/src/db/migrate.ts';
import { openMemoryPglite } from '../../sync-server/src/db/pglite.ts';
import { openPostgres } from '../../sync-server/src/db/postgres.ts';
import type { Database } from '../../sync-server/src/db/types.ts';
import { parseEnv } from '../../sync-server/src/env.ts';
import { createLogger } from '../../sync-server/src/logger.ts';
import { capturingMailer } from '../../sync-server/src/mailer/mailer.ts';
import { seedDemo } from '../../sync-server/src/seed/demo.ts';
import { signIn } from '../../sync-server/src/testing/auth.ts';

/*
 * Write-path throughput and latency through the real app (session lookup,
 * RLS transaction, idempotency, ledger, merge), against plain INSERTs of the
 * same rows through the same driver.
 */

const TOTAL_MUTATIONS = 3_000;
const CONCURRENCY = [1, 16, 64];
const BATCH = [1, 50];

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round((s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0) * 100) / 100;
};

async function pool<T>(n: number, items: T[], fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

async function benchEngine(db: Database) {
  await migrate(db);
  await seedDemo(db);
  // The bench measures the write path, not the rate limiter.
  const env = parseEnv({ NODE_ENV: 'test', RATE_LIMIT_WRITE_PER_SEC: '10000' });
  const logger = createLogger({ level: 'error' });
  const mailer = capturingMailer();
  const app = createApp({ db, env, clock: systemClock, logger, mailer, auth: createAuth({ db, env, logger, mailer }) });
  const owner = await signIn(app, 'owner@acme.test');
  const [org] = await db.rows<{ id: string }>(sql`select id from organization where slug = 'acme'`);
  const results = [];
  for (const batch of BATCH) {
    for (const concurrency of CONCURRENCY) {
      const requests = Math.ceil(TOTAL_MUTATIONS / batch);
      const bodies = Array.from({ length: requests }, () =>
        JSON.stringify({
          mutations: Array.from({ length: batch }, () => {
            const id = crypto.randomUUID();
            return { id: crypto.randomUUID(), table: 'leads', op: 'insert', pk: { id }, values: { id, name: 'Bench lead', phone: '555' }, base: {} };
          }),
        }),
      );
      const latencies: number[] = [];
      const started = performance.now();
      await pool(concurrency, bodies, async (body) => {
        const t0 = performance.now();
        const res = await app.request('/api/write', {
          method: 'POST',
          headers: { ...owner.headers, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
          body,
        });
        if (res.status !== 200) throw new Error(`write failed: ${res.status} ${await res.text()}`);
        latencies.push(performance.now() - t0);
      });
      const seconds = (performance.now() - started) / 1000;

      // Baseline: the same rows as plain INSERTs, same batches and concurrency, same driver.
      const rows = Array.from({ length: requests }, () =>
        Array.from({ length: batch }, () => ({ id: crypto.randomUUID(), orgId: org?.id ?? '', name: 'Bench lead', phone: '555' })),
      );
      const b0 = performance.now();
      await pool(concurrency, rows, async (chunk) => {
        await db.orm.insert(leads).values(chunk);
      });
      const baselineSeconds = (performance.now() - b0) / 1000;
      const row = {
        batch,
        concurrency,
        mutations: requests * batch,
        mutationsPerSecond: Math.round((requests * batch) / seconds),
        p50Ms: pct(latencies, 50),
        p95Ms: pct(latencies, 95),
        plainInsertsPerSecond: Math.round((requests * batch) / baselineSeconds),
        overheadRatio: Math.round((seconds / baselineSeconds) * 100) / 100,
      };
      process.stderr.write(`${db.kind} ${JSON.stringify(row)}\n`);
      results.push(row);
    }
  }
  return results;
}

export async function run() {
  const out: Record<string, unknown> = { bench: 'write', machine: { cpus: (await import('node:os')).cpus().length } };
  const pglite = await openMemoryPglite();
  try {
    out.pglite = await benchEngine(pglite);
  } finally {
    await pglite.close();
  }
  const url = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const name = `streamflow_bench_${process.pid}`;
  const adminUrl = new URL(url);
  adminUrl.pathname = '/postgres';
  const admin = postgres(adminUrl.toString(), { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`CREATE DATABASE "${name}"`);
    const dbUrl = new URL(url);
    dbUrl.pathname = `/${name}`;
    const pg = openPostgres(dbUrl.toString(), { max: 20 });
    try {
      out.postgres = await benchEngine(pg);
    } finally {
      await pg.close();
    }
  } catch (err) {
    out.postgres = { skipped: `Postgres not reachable at ${url}: ${err instanceof Error ? err.message : String(err)}` };
  } finally {
    await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  }
  return out;
}
