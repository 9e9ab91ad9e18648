import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { leadCountQuery, leadWindowQuery, NO_FILTERS } from '../../app/src/leads/lead-queries.ts';

/*
 * `npm run bench -- app` (docs/performance.md, "App"): the built app served by
 * the real server entry on a fresh embedded data folder (demo tenants plus
 * BENCH_APP_LEADS leads, 100k by default, added to Acme by the seed CLI before
 * the server starts), driven in headless Debian chromium as owner@acme.test:
 * 1. cold start (first visit, empty browser profile): navigation to the leads
 *    page until the shell, the interactive page (local database open, search
 *    box and create form rendered), the first rows, and all leads local;
 * 2. a local write (the create form) until its row is in the list, p50/p95,
 *    online and offline, and where its time goes (the INSERT's round trip to
 *    the database worker, then until the live list shows it);
 * 3. another device's write (POST /api/write from the page, another client
 *    id) until its row is in the list, p50/p95;
 * 4. warm start offline: the context offline, reload, until the first rows;
 * 5. the list's queries in the page's own database (EXPLAIN ANALYZE), and
 *    the same window read through the view, for comparison.
 * Times come from performance.now() in the page and a MutationObserver
 * watching for the row; nothing waits on a timer to measure. Sizes:
 * BENCH_APP_LEADS, BENCH_APP_WRITES (50), BENCH_APP_REMOTE_WRITES (30),
 * BENCH_APP_WARM_RUNS (5); BENCH_APP_SKIP_BUILD=1 serves app/dist as it is.
 */

const repo = fileURLToPath(new URL('../../', import.meta.url));
const LEADS = Number(process.env.BENCH_APP_LEADS ?? '100000');
const WRITES = Number(process.env.BENCH_APP_WRITES ?? '50');
const REMOTE = Number(process.env.BENCH_APP_REMOTE_WRITES ?? '30');
const WARM_RUNS = Number(process.env.BENCH_APP_WARM_RUNS ?? '5');
const log = (m: string) => process.stderr.write(`[bench app] ${m}\n`);
const round = (n: number) => Math.round(n * 10) / 10;
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return round(s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN);
};
const summary = (xs: number[]) => ({ n: xs.length, p50Ms: pct(xs, 50), p95Ms: pct(xs, 95), maxMs: round(Math.max(...xs)) });

async function freePort(): Promise<number> {
  const srv = createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const port = (srv.address() as { port: number }).port;
  srv.close();
  return port;
}

function exec(cmd: string, args: string[], env: Record<string, string>, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: repo, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.on('data', (d: Buffer) => process.stderr.write(d));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}`));
    });
  });
}

async function startServer(dataDir: string, port: number): Promise<ChildProcess> {
  const url = `http://127.0.0.1:${port}`;
  const env = { NODE_ENV: 'test', PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, PUBLIC_URL: url, SEED_DEMO: 'true', LOG_LEVEL: 'warn' };
  const child = spawn(process.execPath, ['--import', 'tsx', 'sync-server/src/main.ts'], { cwd: repo, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  child.stdout?.on('data', (d: Buffer) => process.stderr.write(d));
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    const ok = await fetch(`${url}/readyz`).then((r) => r.ok, () => false);
    if (ok) return child;
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill('SIGTERM');
  throw new Error('the server did not become ready in 180 s');
}

/*
 * The page-side code below is plain JavaScript in strings: tsx (esbuild)
 * wraps TypeScript functions in a `__name` helper that does not exist in
 * the page, so they cannot be handed to page.evaluate as functions.
 */

/**
 * Installed in every document before the app's scripts: records, in the
 * page's own clock (ms since navigation start), when the shell, the leads
 * page, its first row and the full count appear.
 */
const MARKS_JS = (target: number) => `
  window.__marks = {};
  const check = () => {
    const m = window.__marks;
    const now = performance.now();
    if (m.shell === undefined && document.querySelector('nav a')) m.shell = now;
    if (m.interactive === undefined && document.querySelector('input[type="search"]') && document.querySelector('form[aria-label="New lead"] button[type="submit"]')) m.interactive = now;
    if (m.firstRows === undefined && document.querySelector('tbody tr[data-lead-id]')) m.firstRows = now;
    const count = document.querySelector('[data-testid="leads-count"]')?.textContent ?? '';
    if (m.allLocal === undefined && Number(count.replace(/\\D/g, '')) >= ${target}) m.allLocal = now;
    if (m.syncLive === undefined && document.body && document.body.textContent.includes('sync: live')) m.syncLive = now;
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true });
`;

/** A promise of the time (performance.now()) the list shows a row headed \`name\`. */
const ROW_SHOWN_JS = `
  (name, timeoutMs) => new Promise((resolve, reject) => {
    const has = () => [...document.querySelectorAll('tbody th')].some((th) => th.textContent === name);
    const obs = new MutationObserver(() => {
      if (has()) { obs.disconnect(); clearTimeout(timer); resolve(performance.now()); }
    });
    obs.observe(document.body, { subtree: true, childList: true, characterData: true });
    const timer = setTimeout(() => { obs.disconnect(); reject(new Error('row ' + name + ' not shown')); }, timeoutMs);
  })`;

/** Local writes through the create form, each timed from submit until its row is in the list (and the next frame). */
const LOCAL_WRITES_JS = (count: number) => `(async () => {
  const rowShown = ${ROW_SHOWN_JS};
  const form = document.querySelector('form[aria-label="New lead"]');
  const input = form && form.querySelector('input');
  if (!form || !input) throw new Error('no create form');
  const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
  const frame = () => new Promise((r) => requestAnimationFrame(() => r(performance.now())));
  const dom = [], painted = [];
  for (let i = 0; i < ${count}; i++) {
    const name = 'Bench local ' + Date.now() + ' ' + i;
    setValue.call(input, name);
    input.dispatchEvent(new Event('input', { bubbles: true }));
    await frame();
    const shown = rowShown(name, 10000);
    const t0 = performance.now();
    form.requestSubmit();
    const t1 = await shown;
    const t2 = await frame();
    dom.push(t1 - t0);
    painted.push(t2 - t0);
    // Let this one's upload start before the next, as a person typing would.
    await new Promise((r) => setTimeout(r, 100));
  }
  return { dom, painted };
})()`;

/**
 * Where a local write's time goes: the INSERT through the view as one
 * round trip to the database worker, then until the live list shows it.
 */
const LOCAL_BREAKDOWN_JS = (count: number) => `(async () => {
  const rowShown = ${ROW_SHOWN_JS};
  const db = window.streamflow && window.streamflow.localDb;
  if (!db) throw new Error('no local database on the page');
  const insert = [], refresh = [];
  for (let i = 0; i < ${count}; i++) {
    const name = 'Bench direct ' + Date.now() + ' ' + i;
    const shown = rowShown(name, 10000);
    const t0 = performance.now();
    await db.query("INSERT INTO leads (name, status, score, custom) VALUES ($1, 'new', 0, '{}')", [name]);
    const t1 = performance.now();
    const t2 = await shown;
    insert.push(t1 - t0);
    refresh.push(Math.max(0, t2 - t1));
    await new Promise((r) => setTimeout(r, 100));
  }
  return { insert, refresh };
})()`;

/** Another device's writes (POST /api/write from the page with its own client id), each timed until the row is in the list. */
const REMOTE_WRITES_JS = (count: number) => `(async () => {
  const rowShown = ${ROW_SHOWN_JS};
  const clientId = crypto.randomUUID();
  const times = [];
  for (let i = 0; i < ${count}; i++) {
    const name = 'Bench remote ' + Date.now() + ' ' + i;
    const id = crypto.randomUUID();
    const shown = rowShown(name, 15000);
    const t0 = performance.now();
    const res = await fetch('/api/write', {
      method: 'POST',
      credentials: 'include',
      headers: { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
      body: JSON.stringify({ clientId, mutations: [{ id: crypto.randomUUID(), table: 'leads', op: 'insert', pk: { id }, values: { id, name, status: 'new' }, base: {} }] }),
    });
    if (!res.ok) throw new Error('POST /api/write: ' + res.status);
    times.push((await shown) - t0);
    await new Promise((r) => setTimeout(r, 200));
  }
  return times;
})()`;

/** EXPLAIN ANALYZE (median of 5) of each query in the page's own local database, and a round trip to its worker. */
const PLANS_JS = (qs: Record<string, { sql: string; params: readonly unknown[] }>) => `(async () => {
  const db = window.streamflow && window.streamflow.localDb;
  if (!db) throw new Error('no local database on the page');
  const qs = ${JSON.stringify(qs)};
  const out = {};
  for (const [label, q] of Object.entries(qs)) {
    const times = [];
    for (let i = 0; i < 5; i++) {
      const plan = await db.query('EXPLAIN (ANALYZE, TIMING OFF) ' + q.sql, q.params);
      const line = plan.rows.map((r) => String(Object.values(r)[0])).find((l) => l.startsWith('Execution Time'));
      times.push(Number((/([\\d.]+) ms/.exec(line || '') || [])[1]));
    }
    times.sort((a, b) => a - b);
    out[label + 'ExecMs'] = Math.round(times[2] * 10) / 10;
  }
  const rt = [];
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    await db.query('SELECT 1');
    rt.push(performance.now() - t0);
  }
  rt.sort((a, b) => a - b);
  out.roundTripSelect1P50Ms = Math.round(rt[10] * 10) / 10;
  return out;
})()`;

async function waitMark(page: Page, name: string, timeout: number): Promise<number> {
  const expr = `window.__marks && window.__marks[${JSON.stringify(name)}]`;
  await page.waitForFunction(`${expr} !== undefined`, undefined, { timeout, polling: 100 });
  return round(Number(await page.evaluate(expr)));
}

/** The list's queries: the windows and the count the page runs, and the same window and count read through the view. */
function listQueries() {
  const win = leadWindowQuery(NO_FILTERS, 'nobody', 0, 50);
  const deep = leadWindowQuery(NO_FILTERS, 'nobody', Math.floor(LEADS / 2), 50);
  const status = leadWindowQuery({ ...NO_FILTERS, status: 'qualified', sort: 'name' }, 'nobody', 0, 50);
  const count = leadCountQuery(NO_FILTERS, 'nobody');
  return {
    window: win,
    deepWindow: deep,
    statusByName: status,
    count,
    viewWindow: { sql: 'SELECT id, name, company_name, email, phone, status, assignee_id, created_at, local_state FROM leads ORDER BY created_at DESC, id DESC LIMIT 50', params: [] },
    viewCount: { sql: 'SELECT count(*)::int AS n FROM leads', params: [] },
  };
}

async function signedInContext(browser: Browser, baseURL: string): Promise<{ ctx: BrowserContext; tenantId: string }> {
  // bypassCSP: the harness evaluates its page-side code from strings (see above); the app's own policy forbids eval.
  const ctx = await browser.newContext({ baseURL, viewport: { width: 1280, height: 800 }, bypassCSP: true });
  const res = await ctx.request.post('/api/auth/sign-in/email', { headers: { origin: baseURL }, data: { email: 'owner@acme.test', password: 'streamflow-demo' } });
  if (!res.ok()) throw new Error(`sign-in: ${res.status()}`);
  const me = (await (await ctx.request.get('/api/me')).json()) as { tenantId: string };
  return { ctx, tenantId: me.tenantId };
}

export async function run() {
  const load0 = loadavg();
  if (process.env.BENCH_APP_SKIP_BUILD !== '1') {
    log('building the app');
    await exec('npm', ['run', '-s', 'build', '-w', '@streamflow/app'], {}, 300_000);
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'streamflow-bench-app-'));
  let server: ChildProcess | undefined;
  let browser: Browser | undefined;
  try {
    log(`seeding the demo tenants and ${LEADS.toLocaleString('en')} leads for acme into ${dataDir}`);
    const seedStart = performance.now();
    await exec(process.execPath, ['--import', 'tsx', 'sync-server/src/cli/seed.ts', '--tenant', 'acme', '--leads', String(LEADS)], { NODE_ENV: 'test', DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, 600_000);
    const seedS = round((performance.now() - seedStart) / 1000);
    const port = await freePort();
    const baseURL = `http://127.0.0.1:${port}`;
    log(`starting the server on ${baseURL}`);
    server = await startServer(dataDir, port);
    const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', ...(isRoot ? ['--no-sandbox'] : [])],
    });
    const total = LEADS + 80;
    const { ctx, tenantId } = await signedInContext(browser, baseURL);
    const page = await ctx.newPage();
    page.on('pageerror', (e) => log(`page error: ${e.message}`));
    page.on('console', (m) => {
      // Requests failing while the context is offline are the point of that phase.
      if (m.type() === 'error' && !m.text().includes('ERR_INTERNET_DISCONNECTED')) log(`console: ${m.text()}`);
    });
    await page.addInitScript({ content: MARKS_JS(total) });

    log('cold start: first visit to the leads page');
    await page.goto(`/tenant/${tenantId}/client/leads`);
    const cold = {
      shellMs: await waitMark(page, 'shell', 60_000),
      interactiveMs: await waitMark(page, 'interactive', 120_000),
      firstRowsMs: await waitMark(page, 'firstRows', 600_000),
      allLeadsLocalMs: await waitMark(page, 'allLocal', 600_000),
      syncLiveMs: await waitMark(page, 'syncLive', 600_000),
    };
    log(`cold start: ${JSON.stringify(cold)}`);
    await page.evaluate('navigator.serviceWorker.ready.then(() => true)');

    log('in-page query plans');
    const queries = (await page.evaluate(PLANS_JS(listQueries()))) as Record<string, number>;
    log(JSON.stringify(queries));

    log(`${WRITES} local writes`);
    const local = (await page.evaluate(LOCAL_WRITES_JS(WRITES))) as { dom: number[]; painted: number[] };
    await page.getByTestId('pending-count').filter({ hasText: /^0 pending$/ }).waitFor({ timeout: 120_000 });

    log(`${WRITES} local writes while offline (no upload running)`);
    await ctx.setOffline(true);
    const localOffline = (await page.evaluate(LOCAL_WRITES_JS(WRITES))) as { dom: number[]; painted: number[] };
    const breakdown = (await page.evaluate(LOCAL_BREAKDOWN_JS(Math.min(WRITES, 20)))) as { insert: number[]; refresh: number[] };
    await ctx.setOffline(false);
    await page.getByTestId('pending-count').filter({ hasText: /^0 pending$/ }).waitFor({ timeout: 180_000 });

    log(`${REMOTE} writes from another device`);
    const remote = (await page.evaluate(REMOTE_WRITES_JS(REMOTE))) as number[];

    log(`warm start offline, ${WARM_RUNS} reloads`);
    await ctx.setOffline(true);
    const warm: { interactiveMs: number; firstRowsMs: number }[] = [];
    for (let i = 0; i < WARM_RUNS; i++) {
      await page.reload({ waitUntil: 'commit' });
      warm.push({ interactiveMs: await waitMark(page, 'interactive', 60_000), firstRowsMs: await waitMark(page, 'firstRows', 60_000) });
    }
    await ctx.setOffline(false);
    await ctx.close();

    const localDom = summary(local.dom);
    const localFrame = summary(local.painted);
    const remoteS = summary(remote);
    const warmFirst = warm.map((w) => w.firstRowsMs);
    return {
      bench: 'app',
      at: new Date().toISOString(),
      commit: process.env.BENCH_COMMIT ?? (spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repo, encoding: 'utf8' }).stdout.trim() || null),
      machine: { cpus: cpus().length, node: process.version, chromium: browser.version(), loadAvgAtStart: load0.map(round), loadAvgAtEnd: loadavg().map(round) },
      leads: { seededForAcme: LEADS, total, seedSeconds: seedS },
      coldStart: { ...cold, goalInteractiveMs: 5000, met: cold.interactiveMs <= 5000 },
      warmStartOffline: { runs: warm, firstRowsP50Ms: pct(warmFirst, 50), firstRowsMaxMs: round(Math.max(...warmFirst)), goalMs: 1000, met: pct(warmFirst, 50) <= 1000 },
      localWriteVisible: { dom: localDom, nextFrame: localFrame, goalP95Ms: 16, met: localDom.p95Ms <= 16 },
      localWriteVisibleOffline: { dom: summary(localOffline.dom), nextFrame: summary(localOffline.painted) },
      localWriteBreakdownOffline: { insertRoundTrip: summary(breakdown.insert), insertToRowShown: summary(breakdown.refresh) },
      remoteWriteVisible: { ...remoteS, goalP95Ms: 300, met: remoteS.p95Ms <= 300 },
      queriesInPage: queries,
    };
  } finally {
    await browser?.close().catch(() => {});
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await once(server, 'exit');
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}
