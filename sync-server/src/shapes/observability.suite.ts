import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Principal } from '../auth/principal.ts';
import type { Database } from '../db/types.ts';
import { captureLogger, testEnv } from '../testing/app.ts';
import type { TestEngine } from '../testing/db.ts';
import { startRetention } from './retention.ts';
import { eventually } from './test-client.ts';
import { makeOrg, principal, seedLeads, startShapeServer, type ShapeServer } from './test-support.ts';

/** The engine's metrics and its retention job, read the way an operator reads them (Prometheus text). */
export function observabilitySuite(engine: TestEngine) {
  let db: Database;
  let server: ShapeServer;
  const sessions = new Map<string, Principal>([principal('owner-m', 'org-m', 'owner')]);
  const headers = { authorization: 'Bearer owner-m' };
  const get = async (query: string, signal?: AbortSignal) => {
    const res = await fetch(`${server.url}/v1/shape?${query}`, { headers, signal });
    return { status: res.status, headers: res.headers, body: (await res.json()) as unknown };
  };
  /** One sample of a metric family from the engine's Prometheus text. */
  const metric = (name: string, labels = '') => {
    const line = server.engine.metrics.render().split('\n').find((l) => l.startsWith(`${name}${labels} `));
    return line === undefined ? undefined : Number(line.split(' ')[1]);
  };
  const start = async (table: string) => {
    const r = await get(`table=${table}&offset=-1`);
    return { handle: r.headers.get('electric-handle') ?? '', offset: r.headers.get('electric-offset') ?? '' };
  };

  beforeAll(async () => {
    db = await engine.open();
    await makeOrg(db, 'org-m');
    await seedLeads(db, 'org-m', 5, 'M');
    server = await startShapeServer(db, sessions, { env: { SHAPE_LIVE_TIMEOUT_MS: '10000' } });
  });
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  it('counts live clients per shape while their long-polls are held', async () => {
    const leads = await start('leads');
    const orders = await start('work_orders');
    const quit = new AbortController();
    const live = (s: { handle: string; offset: string }, table: string) =>
      get(`table=${table}&offset=${s.offset}&handle=${s.handle}&live=true&cursor=`, quit.signal).catch(() => null);
    const held = [live(leads, 'leads'), live(leads, 'leads'), live(orders, 'work_orders')];
    await eventually(() => server.engine.notifier.waiting === 3, 5_000, 'three held requests');
    expect(metric('streamflow_shape_live_clients', '{shape="leads"}')).toBe(2);
    expect(metric('streamflow_shape_live_clients', '{shape="work_orders"}')).toBe(1);
    // A lead commit answers the two leads polls; the work-order poll looks, finds nothing, and waits on.
    await db.rows(sql`insert into leads (org_id, name) values ('org-m', 'wakes leads')`);
    await Promise.all(held.slice(0, 2));
    await eventually(() => metric('streamflow_shape_live_clients', '{shape="leads"}') === 0, 5_000, 'leads polls answered');
    expect(metric('streamflow_shape_live_clients', '{shape="work_orders"}')).toBe(1);
    quit.abort();
    await eventually(() => metric('streamflow_shape_live_clients', '{shape="work_orders"}') === 0, 5_000, 'aborted poll released');
  });

  it('shows the log lag until a response covers the newest commit, and counts must-refetch by reason', async () => {
    const s = await start('leads');
    await db.rows(sql`insert into leads (org_id, name) values ('org-m', 'not served yet'), ('org-m', 'nor this')`);
    await db.rows(sql`insert into leads (org_id, name) values ('org-m', 'a second commit')`);
    await server.engine.notifier.refresh();
    expect(metric('streamflow_shape_log_lag_lsn')).toBeGreaterThanOrEqual(2);
    const caught = await get(`table=leads&offset=${s.offset}&handle=${s.handle}`);
    expect(caught.status).toBe(200);
    expect(metric('streamflow_shape_log_lag_lsn')).toBe(0);

    const before = metric('streamflow_shape_must_refetch_total', '{reason="unknown_handle"}') ?? 0;
    expect((await get(`table=leads&offset=${s.offset}&handle=forged`)).status).toBe(409);
    expect(metric('streamflow_shape_must_refetch_total', '{reason="unknown_handle"}')).toBe(before + 1);
  });

  it('prunes past the configured retention (7 days by default), samples the log size, and refetches old offsets', async () => {
    expect(testEnv().SHAPE_LOG_RETENTION_DAYS).toBe(7);
    expect(testEnv({ SHAPE_LOG_RETENTION_DAYS: '30' }).SHAPE_LOG_RETENTION_DAYS).toBe(30);
    const s = await start('leads');
    await db.rows(sql`insert into leads (org_id, name) values ('org-m', 'after the offset')`);
    await db.rows(sql`update leads set notes = 'edited' where org_id = 'org-m' and name like 'M 1,%'`);
    const size = async () => (await db.rows<{ n: number }>(sql`select count(*)::int as n from sync_change_log`))[0]?.n ?? -1;
    const logger = captureLogger();
    const eightDaysOn = () => new Date(Date.now() + 8 * 86_400_000);

    // 30 days of retention, eight days on: nothing is old enough yet; the job still samples the size.
    const stopLong = startRetention(db, server.engine, logger, { retentionDays: 30, intervalMs: 60_000, now: eightDaysOn });
    const total = await size();
    await eventually(() => metric('streamflow_shape_change_log_rows') === total, 5_000, 'size sampled');
    stopLong();
    expect(await size()).toBe(total);
    expect((await get(`table=leads&offset=${s.offset}&handle=${s.handle}`)).status).toBe(200);

    // The default seven days, eight days on: everything but the newest commit goes.
    const refetches = metric('streamflow_shape_must_refetch_total', '{reason="offset_pruned"}') ?? 0;
    const stop = startRetention(db, server.engine, logger, { retentionDays: testEnv().SHAPE_LOG_RETENTION_DAYS, intervalMs: 60_000, now: eightDaysOn });
    await eventually(() => metric('streamflow_shape_change_log_commits') === 1, 5_000, 'pruned');
    stop();
    expect(metric('streamflow_shape_change_log_rows')).toBe(await size());
    expect(logger.lines.some((l) => l.msg === 'shapes.pruned')).toBe(true);
    const old = await get(`table=leads&offset=${s.offset}&handle=${s.handle}`);
    expect(old.status).toBe(409);
    expect(old.body).toEqual([{ headers: { control: 'must-refetch' } }]);
    expect(metric('streamflow_shape_must_refetch_total', '{reason="offset_pruned"}')).toBe(refetches + 1);
    // A fresh start after the prune serves every row and continues from the kept watermark.
    const again = await get('table=leads&offset=-1');
    expect((again.body as { value?: { name?: string } }[]).some((m) => m.value?.name === 'after the offset')).toBe(true);
  });
}
