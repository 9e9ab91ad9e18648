import { spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once, setMaxListeners } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { LOCAL_INITIAL_INSERT_METHOD, localStoreParser } from '@streamflow/shapes';
import { clientRows, eventually, openClient } from '../../sync-server/src/shapes/test-client.ts';

/*
 * Read-path figures (docs/performance.md, "Read path"). The server runs alone
 * in its own process (scripts/bench/shapes-server.ts): the embedded PGlite in
 * a data folder, as `npm start` runs it, or Postgres 15.
 * 1. Initial sync of 100k leads into a Node PGlite through pglite-sync, with
 *    the app's options (csv + localStoreParser) and with 'json', against COPY
 *    of the same rows in the same run; plus the same sync from a body already
 *    in memory (the client's own cost, the floor for any server).
 * 2. Fan-out: C live clients of one tenant, one write through SQL, time until
 *    every client has it, over several rounds (raw sockets, node:http, fetch).
 * 3. The server's RSS, without clients and with 1000 idle live clients; for
 *    PGlite on first start and after a restart, and with a smaller shared_buffers.
 * Wall-clock times depend on what else runs on the two cores: the client's CPU
 * time is reported next to them, and ratios are taken within one run.
 */

// BENCH_SHAPES_ROWS / BENCH_SHAPES_ROUNDS shrink a trial run; the recorded figures use the defaults.
const ROWS = Number(process.env.BENCH_SHAPES_ROWS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_SHAPES_ROUNDS ?? 3);
const log = (m: string) => process.stderr.write(`[bench shapes] ${m}\n`);
const round = (n: number) => Math.round(n * 100) / 100;
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return round(s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? 0);
};
const median = (xs: number[]) => pct(xs, 50);
const cpuMs = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return Math.round((u.user + u.system) / 1000);
};

interface Server {
  url: string;
  control: string;
  stop(): Promise<void>;
}

async function startServer(env: Record<string, string>): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./shapes-server.ts', import.meta.url))], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
  const { url, control } = JSON.parse(line) as { url: string; control: string };
  return {
    url,
    control,
    stop: async () => {
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

const stats = async (s: Server) =>
  (await (await fetch(`${s.control}/stats`)).json()) as { rss: number; heapUsed: number; external: number; wasmHeap: number | null; waiting: number };
const mb = (n: number | null) => (n === null ? null : Math.round(n / 1048576));

/** The whole first snapshot, chunk after chunk, read and kept in memory: the server's part, and the floor's input. */
async function fetchSnapshot(server: Server) {
  const headers = { authorization: 'Bearer big' };
  const responses = new Map<string, { body: string; headers: [string, string][] }>();
  const t0 = performance.now();
  let offset = '-1';
  let handle = '';
  let bytes = 0;
  for (let i = 0; i < 1_000; i++) {
    const res = await fetch(`${server.url}/v1/shape?table=leads&offset=${offset}${handle ? `&handle=${handle}` : ''}`, { headers });
    const body = await res.text();
    bytes += Buffer.byteLength(body);
    responses.set(offset, { body, headers: [...res.headers] });
    handle = res.headers.get('electric-handle') ?? handle;
    offset = res.headers.get('electric-offset') ?? offset;
    if (res.headers.has('electric-up-to-date')) break;
  }
  return { seconds: round((performance.now() - t0) / 1000), megabytes: round(bytes / 1048576), chunks: responses.size, responses };
}

type Method = 'app' | 'json' | 'app, body in memory';

/** Initial sync of the big tenant into a fresh Node PGlite, then COPY of the same rows into another, in the same run. */
async function initialSync(server: Server, method: Method, inMemory?: Awaited<ReturnType<typeof fetchSnapshot>>['responses']) {
  const pg = await openClient(['leads']);
  try {
    log(`initial sync (${method})`);
    const app = method !== 'json';
    const fetchClient: typeof fetch | undefined = inMemory
      ? async (input, init) => {
          const offset = new URL(String(input instanceof Request ? input.url : input)).searchParams.get('offset') ?? '';
          const hit = inMemory.get(offset);
          return hit ? new Response(hit.body, { status: 200, headers: hit.headers }) : fetch(input, init);
        }
      : undefined;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const sub = await pg.electric.syncShapeToTable({
      shape: {
        url: `${server.url}/v1/shape`,
        params: { table: 'leads' },
        headers: { authorization: 'Bearer big' },
        ...(app ? { parser: localStoreParser } : {}),
        ...(fetchClient ? { fetchClient } : {}),
      },
      table: 'leads',
      primaryKey: ['id'],
      shapeKey: null,
      initialInsertMethod: app ? LOCAL_INITIAL_INSERT_METHOD : 'json',
    });
    await eventually(async () => ((await pg.query<{ n: number }>('select count(*)::int as n from leads')).rows[0]?.n ?? 0) === ROWS, 300_000, 'sync');
    const syncS = (performance.now() - t0) / 1000;
    const syncCpu = cpuMs(c0);
    sub.unsubscribe();
    // The same rows by COPY into a fresh PGlite table: the floor for loading them.
    const copy = await openClient(['leads']);
    const csv = (await pg.query("copy leads to '/dev/blob' with (format csv)")).blob as Blob;
    const c1 = process.cpuUsage();
    const t1 = performance.now();
    await copy.query(`copy leads from '/dev/blob' with (format csv)`, [], { blob: csv });
    const copyS = (performance.now() - t1) / 1000;
    const copyCpu = cpuMs(c1);
    const copyCheck = (await clientRows(copy, 'leads')).size === ROWS;
    await copy.close();
    return {
      method,
      rows: ROWS,
      seconds: round(syncS),
      rowsPerSecond: Math.round(ROWS / syncS),
      copySeconds: round(copyS),
      ratioToCopy: round(syncS / copyS),
      clientCpuMs: syncCpu,
      copyCpuMs: copyCpu,
      cpuRatioToCopy: round(syncCpu / copyCpu),
      copyCheck,
    };
  } finally {
    await pg.close();
  }
}

type Client = 'net' | 'node:http' | 'fetch';

/** A long-poll on a raw socket: the request written once, the answer found in the bytes (no HTTP parsing in the client). */
function rawPoll(url: URL, onData: (text: string) => void): net.Socket {
  const socket = net.connect(Number(url.port), url.hostname);
  socket.setEncoding('utf8');
  socket.write(`GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer fan\r\n\r\n`);
  let seen = '';
  socket.on('data', (d: string) => onData((seen += d)));
  socket.on('error', () => {});
  return socket;
}

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

/** One round: C clients hold a live request; one write; the time until each has the change. */
async function fanOutRound(server: Server, clients: number, client: Client) {
  const headers = { authorization: 'Bearer fan' };
  const first = await fetch(`${server.url}/v1/shape?table=leads&offset=-1`, { headers });
  await first.text();
  const url = new URL(`${server.url}/v1/shape?table=leads&offset=${first.headers.get('electric-offset')}&handle=${first.headers.get('electric-handle')}&live=true&cursor=`);
  const controller = new AbortController();
  setMaxListeners(Infinity, controller.signal);
  let t0 = 0;
  const latencies: number[] = [];
  const got = () => latencies.push(performance.now() - t0);
  const sockets: net.Socket[] = [];
  let done: () => void = () => {};
  const all = new Promise<void>((r) => (done = r));
  const arrived = () => {
    got();
    if (latencies.length === clients) done();
  };
  for (let i = 0; i < clients; i++) {
    if (client === 'net') {
      let hit = false;
      sockets.push(rawPoll(url, (text) => {
        if (!hit && text.includes('"operation":"insert"')) {
          hit = true;
          arrived();
        }
      }));
    } else {
      void (async () => {
        const body =
          client === 'fetch'
            ? await fetch(url, { headers, signal: controller.signal }).then((r) => r.text(), () => '')
            : await httpGet(url.toString(), headers, controller.signal).catch(() => '');
        if (body.includes('"operation":"insert"')) arrived();
      })();
    }
  }
  await eventually(async () => (await stats(server)).waiting >= clients, 30_000, 'clients waiting');
  const idle = await stats(server);
  t0 = performance.now();
  await fetch(`${server.control}/write`, { method: 'POST' });
  await Promise.race([all, new Promise((r) => setTimeout(r, 15_000))]);
  controller.abort();
  for (const s of sockets) s.destroy();
  await eventually(async () => (await stats(server)).waiting === 0, 30_000, 'clients gone');
  return { received: latencies.length, p50Ms: pct(latencies, 50), p95Ms: pct(latencies, 95), maxMs: round(Math.max(...latencies)), serverRssMbIdleLive: mb(idle.rss) };
}

async function fanOut(server: Server, clients: number, client: Client, rounds: number) {
  const runs = [];
  for (let i = 0; i < rounds; i++) {
    log(`fan-out to ${clients} live clients (${client}), round ${i + 1}/${rounds}`);
    runs.push(await fanOutRound(server, clients, client));
  }
  return { clients, client, medianP95Ms: median(runs.map((r) => r.p95Ms)), medianP50Ms: median(runs.map((r) => r.p50Ms)), rounds: runs };
}

async function memory(server: Server) {
  const s = await stats(server);
  return { rssMb: mb(s.rss), heapUsedMb: mb(s.heapUsed), externalMb: mb(s.external), wasmHeapMb: mb(s.wasmHeap) };
}

/** Server RSS with 1000 idle live clients (raw sockets, as many browsers would hold them). */
async function idleLiveRss(server: Server) {
  const r = await fanOutRound(server, 1000, 'net');
  return { clients: 1000, serverRssMbIdleLive: r.serverRssMbIdleLive, received: r.received };
}

async function runEngine(engine: 'pglite' | 'postgres', databaseUrl?: string) {
  const dir = engine === 'pglite' ? mkdtempSync(join(tmpdir(), 'streamflow-bench-shapes-')) : '';
  const base: Record<string, string> = engine === 'pglite' ? { BENCH_DATA_DIR: dir } : { BENCH_DATABASE_URL: databaseUrl ?? '' };
  try {
    // Initial sync from a server holding the big tenant (for PGlite: its first start, which seeds the folder).
    const big = await startServer({ ...base, BENCH_BIG_LEADS: String(ROWS) });
    let sync;
    let firstStart;
    try {
      firstStart = await memory(big); // after initdb, migrations and seeding the big tenant
      log(`${engine}: snapshot over HTTP`);
      const snap = await fetchSnapshot(big);
      const runs = [await initialSync(big, 'app'), await initialSync(big, 'json'), await initialSync(big, 'app, body in memory', snap.responses)];
      sync = { snapshotOverHttp: { seconds: snap.seconds, megabytes: snap.megabytes, chunks: snap.chunks }, runs };
    } finally {
      await big.stop();
    }
    // Fan-out and memory from a server as it runs day to day (PGlite: restarted on its folder).
    const server = await startServer({ ...base, BENCH_BIG_LEADS: '0' });
    let fan;
    let restarted;
    try {
      restarted = await memory(server);
      // One discarded round first: a fresh process compiles its hot paths on the first fan-out.
      await fanOutRound(server, 100, 'net');
      fan = [await fanOut(server, 100, 'net', 1)];
      for (const client of ['net', 'node:http', 'fetch'] as const) fan.push(await fanOut(server, 1000, client, ROUNDS));
    } finally {
      await server.stop();
    }
    const result: Record<string, unknown> = { engine, initialSync: sync, fanOut: fan };
    if (engine === 'pglite') {
      // The same folder opened with shared_buffers=32MB (a proposal for db/pglite.ts, not what production does).
      const small = await startServer({ ...base, BENCH_SHARED_BUFFERS: '32MB' });
      try {
        const noClients = await memory(small);
        result.memory = { firstStart, restarted, sharedBuffers32MB: { ...noClients, ...(await idleLiveRss(small)) } };
      } finally {
        await small.stop();
      }
    } else {
      result.memory = { noClients: restarted };
    }
    return result;
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

export async function run() {
  const loadavgAtStart = (await import('node:os')).loadavg().map(round);
  const serving = [await runEngine('pglite')];
  if (process.env.TEST_DATABASE_URL) serving.push(await runEngine('postgres', process.env.TEST_DATABASE_URL));
  const os = await import('node:os');
  return {
    bench: 'shapes',
    at: new Date().toISOString(),
    machine: { cpus: os.cpus().length, node: process.version, loadavgAtStart, loadavgAtEnd: os.loadavg().map(round) },
    serving,
  };
}
