import { spawn } from 'node:child_process';
import http from 'node:http';
import { once, setMaxListeners } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { clientRows, eventually, openClient } from '../../sync-server/src/shapes/test-client.ts';

/*
 * Read-path figures (docs/performance.md, "Read path"):
 * 1. initial sync of 100k leads from the server process into a Node PGlite
 *    through pglite-sync, against COPY of the same rows into PGlite in the same run;
 * 2. fan-out: C live clients of one tenant, one write through SQL, time until
 *    every client has it;
 * 3. the server's RSS with 1000 idle live clients (server in its own process).
 */

const ROWS = 100_000;
const log = (m: string) => process.stderr.write(`[bench shapes] ${m}\n`);
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round((s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? 0) * 10) / 10;
};

/** Initial sync of the server's ROWS-lead tenant into a fresh Node PGlite, against COPY of the same rows. */
async function initialSync(server: { url: string }, method: 'insert' | 'json') {
  const pg = await openClient(['leads']);
  try {
    log(`initial sync (${method})`);
    const t0 = performance.now();
    const sub = await pg.electric.syncShapeToTable({
      shape: { url: `${server.url}/v1/shape`, params: { table: 'leads' }, headers: { authorization: 'Bearer big' } },
      table: 'leads',
      primaryKey: ['id'],
      shapeKey: null,
      initialInsertMethod: method,
    });
    await eventually(async () => ((await pg.query<{ n: number }>('select count(*)::int as n from leads')).rows[0]?.n ?? 0) === ROWS, 300_000, 'sync');
    const syncS = (performance.now() - t0) / 1000;
    sub.unsubscribe();
    // The same rows by COPY into a fresh PGlite table (the floor for loading them).
    const copy = await openClient(['leads']);
    const blob = await pg.query("copy leads to '/dev/blob' with (format csv)");
    const csv = blob.blob as Blob;
    const t1 = performance.now();
    await copy.query(`copy leads from '/dev/blob' with (format csv)`, [], { blob: csv });
    const copyS = (performance.now() - t1) / 1000;
    const same = (await clientRows(copy, 'leads')).size === ROWS;
    await copy.close();
    return { method, rows: ROWS, seconds: round(syncS), rowsPerSecond: Math.round(ROWS / syncS), copySeconds: round(copyS), ratioToCopy: round(syncS / copyS), copyCheck: same };
  } finally {
    await pg.close();
  }
}

const round = (n: number) => Math.round(n * 100) / 100;

async function startServerProcess(databaseUrl: string | undefined, bigLeads: number) {
  const env = { ...process.env, BENCH_DATABASE_URL: databaseUrl ?? '', BENCH_BIG_LEADS: String(bigLeads) };
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./shapes-server.ts', import.meta.url))], { stdio: ['ignore', 'pipe', 'inherit'], env });
  const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
  const { url, control } = JSON.parse(line) as { url: string; control: string };
  return { url, control, stop: async () => { child.kill('SIGTERM'); await once(child, 'exit'); } };
}

/** A raw HTTP/1.1 long-poll on a keep-alive agent (lighter than fetch, as a browser's network stack is). */
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
function httpGet(url: string, headers: Record<string, string>, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, headers, signal }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
  });
}

async function fanOut(server: { url: string; control: string }, clients: number, client: 'node:http' | 'fetch') {
  const headers = { authorization: 'Bearer fan' };
  const first = await fetch(`${server.url}/v1/shape?table=leads&offset=-1`, { headers });
  await first.text();
  const handle = first.headers.get('electric-handle') ?? '';
  const offset = first.headers.get('electric-offset') ?? '';
  const controller = new AbortController();
  setMaxListeners(Infinity, controller.signal);
  let t0 = 0;
  const latencies: number[] = [];
  const polls = Array.from({ length: clients }, async () => {
    const url = `${server.url}/v1/shape?table=leads&offset=${offset}&handle=${handle}&live=true&cursor=`;
    const body = client === 'fetch' ? await (await fetch(url, { headers, signal: controller.signal })).text() : await httpGet(url, headers, controller.signal).catch(() => '');
    if (body.includes('"operation":"insert"')) latencies.push(performance.now() - t0);
  });
  await eventually(async () => ((await (await fetch(`${server.control}/stats`)).json()) as { waiting: number }).waiting >= clients, 30_000, 'clients waiting');
  const idle = ((await (await fetch(`${server.control}/stats`)).json()) as { rss: number }).rss;
  t0 = performance.now();
  await fetch(`${server.control}/write`, { method: 'POST' });
  await Promise.race([Promise.all(polls), new Promise((r) => setTimeout(r, 15_000))]);
  controller.abort();
  return { clients, client, received: latencies.length, p50Ms: pct(latencies, 50), p95Ms: pct(latencies, 95), maxMs: round(Math.max(...latencies)), serverRssMbIdleLive: Math.round(idle / 1048576) };
}

export async function run() {
  const engines: { engine: string; url?: string }[] = [{ engine: 'pglite' }];
  if (process.env.TEST_DATABASE_URL) engines.push({ engine: 'postgres', url: process.env.TEST_DATABASE_URL });
  const serving = [];
  for (const e of engines) {
    // Initial sync from a server holding the big tenant; fan-out and memory from a fresh one.
    const big = await startServerProcess(e.url, ROWS);
    let sync;
    try {
      // Just the server's part: the snapshot over HTTP, read and dropped.
      const t0 = performance.now();
      const snap = await fetch(`${big.url}/v1/shape?table=leads&offset=-1`, { headers: { authorization: 'Bearer big' } });
      const bytes = (await snap.arrayBuffer()).byteLength;
      const snapshotSeconds = round((performance.now() - t0) / 1000);
      sync = { snapshotOverHttp: { seconds: snapshotSeconds, megabytes: round(bytes / 1048576) }, runs: [await initialSync(big, 'insert'), await initialSync(big, 'json')] };
    } finally {
      await big.stop();
    }
    const server = await startServerProcess(e.url, 0);
    try {
      const base = ((await (await fetch(`${server.control}/stats`)).json()) as { rss: number }).rss;
      const fan = [];
      for (const [c, client] of [[100, 'node:http'], [1000, 'node:http'], [1000, 'fetch']] as const) {
        log(`${e.engine}: fan-out to ${c} live clients (${client})`);
        fan.push(await fanOut(server, c, client));
      }
      serving.push({ engine: e.engine, initialSync: sync, serverRssMbNoClients: Math.round(base / 1048576), fanOut: fan });
    } finally {
      await server.stop();
    }
  }
  return {
    bench: 'shapes',
    at: new Date().toISOString(),
    machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
    serving,
  };
}
