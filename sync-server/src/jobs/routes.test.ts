import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/types.ts';
import { buildRoutesTestApp, jsonPost, testPrincipal } from '../provisioning/test-support.ts';
import { captureLogger } from '../testing/app.ts';
import { createTestPglite } from '../testing/db.ts';
import { enqueueJob } from './queue.ts';
import { jobsRoutes } from './routes.ts';
import { createJobRunner } from './worker.ts';

describe('jobs in the dev space', () => {
  let db: Database;
  beforeAll(async () => {
    db = await createTestPglite();
  });
  afterAll(async () => {
    await db.close();
  });

  it('lists dead jobs with their error, exposes metrics, and retries a dead job; only for the dev space', async () => {
    const t = buildRoutesTestApp(db, [jobsRoutes]);
    const { id } = await enqueueJob(db.orm, { kind: 'email.welcome', runAt: t.clock.now(), maxAttempts: 1, payload: { email: 'secret@person.test' } });
    const runner = createJobRunner({ db, clock: t.clock, logger: captureLogger(), handlers: { 'email.welcome': async () => { throw new Error('smtp down'); } } });
    expect(await runner.runDueJobs()).toMatchObject({ dead: 1 });

    t.as(testPrincipal({ space: 'client', orgId: 'o', roles: ['owner'] }));
    expect((await t.app.request('/api/dev/jobs')).status).toBe(403);
    t.as(undefined);
    expect((await t.app.request('/api/dev/jobs')).status).toBe(401);

    t.as(testPrincipal({ space: 'dev' }));
    const res = await t.app.request('/api/dev/jobs?status=dead');
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain('secret@person.test');
    const body = JSON.parse(text) as { jobs: { id: string; lastError: string }[]; stats: { counts: unknown[] } };
    expect(body.jobs).toEqual([expect.objectContaining({ id, lastError: 'Error: smtp down' })]);
    expect(body.stats.counts).toContainEqual({ kind: 'email.welcome', status: 'dead', count: 1 });
    expect(await (await t.app.request('/api/dev/jobs/metrics')).text()).toContain('streamflow_jobs{kind="email.welcome",status="dead"} 1');

    expect((await t.app.request(`/api/dev/jobs/${id}/retry`, jsonPost({}))).status).toBe(200);
    const [row] = await db.rows<{ status: string; attempts: number }>(sql`select status, attempts from jobs where id = ${id}`);
    expect(row).toEqual({ status: 'queued', attempts: 0 });
    expect((await t.app.request(`/api/dev/jobs/${id}/retry`, jsonPost({}))).status).toBe(409);
  });
});
