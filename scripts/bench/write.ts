import { readFileSync, readdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
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
 * same rows through the same driver. Besides wall-clock figures, each row
 * carries the CPU time spent per request by this process (the app, or the
 * driver for plain inserts) and, when Postgres runs on this machine, by the
 * benchmark database's own Postgres backends: on a shared machine these are
 * steadier than throughput.
 *
 * Options (after `npm run -s bench -- write`): --engine=pglite|postgres,
 * --batch=1,50, --concurrency=1,16,64, --total=3000 (mutations per figure).
 * Without them the full matrix runs.
 */

const option = (name: string): string | undefined =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const numbers = (name: string, fallback: number[]): number[] =>
  option(name)
    ?.split(',')
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0) ?? fallback;

const TOTAL_MUTATIONS = numbers('total', [3_000])[0] ?? 3_000;
const CONCURRENCY = numbers('concurrency', [1, 16, 64]);
const BATCH = numbers('batch', [1, 50]);
const ENGINES = (option('engine') ?? 'pglite,postgres').split(',');

/**
 * CPU milliseconds used so far by the Postgres backends serving `database`
 * (their process titles name it), or null where /proc cannot tell (another
 * host, another OS).
 */
function postgresCpuMs(database: string): number | null {
  try {
    let ticks = 0;
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(` ${database} `)) continue;
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        ticks += Number(fields[11]) + Number(fields[12]);
      } catch {
        // The process ended meanwhile.
      }
    }
    return ticks * 10; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

/** Wall time and CPU (this process, and Postgres when it can be read) of `fn`. */
async function measured(database: string | null, fn: () => Promise<void>) {
  const pg0 = database ? postgresCpuMs(database) : null;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const pg1 = database ? postgresCpuMs(database) : null;
  return { seconds, nodeCpuMs: (cpu.user + cpu.system) / 1000, postgresCpuMs: pg0 !== null && pg1 !== null ? pg1 - pg0 : null };
}

const perRequest = (ms: number | null, requests: number) => (ms === null ? null : Math.round((ms / requests) * 1000) / 1000);

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round((s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0) * 100) / 100;
};

/**
 * Runs `fn` over `items`, `n` at a time. Each worker yields to the event loop
 * before its next item, as a request arriving on a socket would: with the
 * in-process PGlite a request can otherwise complete on promise callbacks
 * alone, and a chain of them never lets the event loop run the callbacks other
 * requests wait on (webcrypto's, for a session not yet cached), starving them.
 */
async function pool<T>(n: number, items: T[], fn: (item: T, issuedAt: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      for (;;) {
        // Latency counts from here: the wait for the event loop is part of it.
        const issuedAt = performance.now();
        await new Promise((resolve) => setImmediate(resolve));
        if (next >= items.length) return;
        await fn(items[next++] as T, issuedAt);
      }
    }),
  );
}

async function benchEngine(db: Database, database: string | null) {
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
      const app_ = await measured(database, () =>
        pool(concurrency, bodies, async (body, t0) => {
          const res = await app.request('/api/write', {
            method: 'POST',
            headers: { ...owner.headers, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
            body,
          });
          if (res.status !== 200) throw new Error(`write failed: ${res.status} ${await res.text()}`);
          latencies.push(performance.now() - t0);
        }),
      );

      // Baseline: the same rows as plain INSERTs, same batches and concurrency, same driver.
      const rows = Array.from({ length: requests }, () =>
        Array.from({ length: batch }, () => ({ id: crypto.randomUUID(), orgId: org?.id ?? '', name: 'Bench lead', phone: '555' })),
      );
      const plain = await measured(database, () =>
        pool(concurrency, rows, async (chunk) => {
          await db.orm.insert(leads).values(chunk);
        }),
      );
      const row = {
        batch,
        concurrency,
        mutations: requests * batch,
        mutationsPerSecond: Math.round((requests * batch) / app_.seconds),
        p50Ms: pct(latencies, 50),
        p95Ms: pct(latencies, 95),
        plainInsertsPerSecond: Math.round((requests * batch) / plain.seconds),
        overheadRatio: Math.round((app_.seconds / plain.seconds) * 100) / 100,
        // CPU per request (one batch, or one plain INSERT statement of the same rows).
        appCpuMsPerRequest: perRequest(app_.nodeCpuMs, requests),
        plainCpuMsPerRequest: perRequest(plain.nodeCpuMs, requests),
        postgresCpuMsPerRequest: perRequest(app_.postgresCpuMs, requests),
        postgresCpuMsPerPlainInsert: perRequest(plain.postgresCpuMs, requests),
      };
      process.stderr.write(`${db.kind} ${JSON.stringify(row)}\n`);
      results.push(row);
    }
  }
  return results;
}

async function benchPglite(): Promise<unknown> {
  const pglite = await openMemoryPglite();
  try {
    return await benchEngine(pglite, null);
  } finally {
    await pglite.close();
  }
}

async function benchPostgres(): Promise<unknown> {
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
      return await benchEngine(pg, name);
    } finally {
      await pg.close();
    }
  } catch (err) {
    return { skipped: `Postgres not reachable at ${url}: ${err instanceof Error ? err.message : String(err)}` };
  } finally {
    await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  }
}

/** Runs the engines in the order given (`--engine=postgres,pglite` measures Postgres first). */
export async function run() {
  const machine: Record<string, unknown> = { cpus: cpus().length, loadAverage: loadavg() };
  const out: Record<string, unknown> = { bench: 'write', machine };
  for (const engine of ENGINES) {
    if (engine === 'pglite') out.pglite = await benchPglite();
    else if (engine === 'postgres') out.postgres = await benchPostgres();
    else throw new Error(`--engine: unknown engine "${engine}" (pglite, postgres)`);
    machine[`loadAverageAfter${engine === 'pglite' ? 'Pglite' : 'Postgres'}`] = loadavg();
  }
  return out;
}
