import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/types.ts';
import { capturingMailer } from '../mailer/mailer.ts';
import { provisioningJobHandlers } from '../provisioning/job-handlers.ts';
import { captureLogger, testClock, testEnv } from '../testing/app.ts';
import type { TestEngine } from '../testing/db.ts';
import { enqueueJob, JOB_KINDS } from './queue.ts';
import { jobQueueStats, renderJobMetrics } from './stats.ts';
import { createJobRunner, type JobHandler } from './worker.ts';

const BASE = 1_000;
const backoff = { baseMs: BASE, maxMs: 60_000, jitter: 0 };

/** Email delivery is the one edge we fake: the capturing transport, able to fail like an SMTP outage. */
function captureMailer() {
  const inner = capturingMailer();
  let failing = false;
  return {
    sent: inner.sent,
    fail: (on: boolean) => (failing = on),
    send: (m: Parameters<typeof inner.send>[0]) => (failing ? Promise.reject(new Error('451 temporary SMTP failure')) : inner.send(m)),
  };
}

async function job(db: Database, id: string) {
  const [row] = await db.rows<{ status: string; attempts: number; run_at: string; last_error: string | null }>(
    sql`select status, attempts, run_at::text, last_error from jobs where id = ${id}`,
  );
  return row;
}

/** The job queue and worker, on PGlite and Postgres. */
export function jobsSuite(engine: TestEngine) {
  describe(`jobs on ${engine.kind}`, () => {
    let db: Database;
    beforeAll(async () => {
      db = await engine.open();
      await db.rows(sql`insert into organization (id, name, slug) values ('org-jobs', 'Jobs Co', 'jobs-co')`);
      await db.rows(sql`insert into "user" (id, name, email) values ('u-jobs', 'Jo', 'jo@jobs.test')`);
    });
    afterAll(async () => {
      await db.close();
    });

    it('retries a failing email with exponential backoff, then dead-letters it', async () => {
      const clock = testClock();
      const mailer = captureMailer();
      const handlers = provisioningJobHandlers({ db, env: testEnv(), clock, mailer });
      const runner = createJobRunner({ db, clock, logger: captureLogger(), handlers, backoff });
      const { id } = await enqueueJob(db.orm, {
        kind: JOB_KINDS.EMAIL_WELCOME,
        orgId: 'org-jobs',
        payload: { email: 'jo@jobs.test', name: 'Jo', tenantName: 'Jobs Co', orgId: 'org-jobs', userId: 'u-jobs', needsPassword: true },
        runAt: clock.now(),
        maxAttempts: 3,
        dedupeKey: 'test:welcome:backoff',
      });
      mailer.fail(true);
      const t0 = clock.now().getTime();

      expect(await runner.runDueJobs()).toMatchObject({ claimed: 1, retried: 1 });
      let row = await job(db, id);
      expect(row).toMatchObject({ status: 'queued', attempts: 1, last_error: expect.stringContaining('451') });
      expect(new Date(row!.run_at).getTime()).toBe(t0 + BASE);

      // Not due yet: nothing runs.
      clock.advance(BASE - 1);
      expect((await runner.runDueJobs()).claimed).toBe(0);
      clock.advance(1);
      expect(await runner.runDueJobs()).toMatchObject({ claimed: 1, retried: 1 });
      row = await job(db, id);
      expect(new Date(row!.run_at).getTime()).toBe(t0 + BASE + 2 * BASE);

      clock.advance(2 * BASE);
      expect(await runner.runDueJobs()).toMatchObject({ claimed: 1, dead: 1 });
      expect(await job(db, id)).toMatchObject({ status: 'dead', attempts: 3 });
      clock.advance(3_600_000);
      expect((await runner.runDueJobs()).claimed).toBe(0);
      expect(mailer.sent).toEqual([]);
      const [audit] = await db.rows<{ n: number }>(
        sql`select count(*)::int as n from audit_log where action = 'job.dead' and target_id = ${id}`,
      );
      expect(audit?.n).toBe(1);
      const metrics = renderJobMetrics(await jobQueueStats(db, clock.now()));
      expect(metrics).toContain('streamflow_jobs{kind="email.welcome",status="dead"} 1');
    });

    it('sends the welcome email with a set-password link once, and never runs a succeeded job twice', async () => {
      const clock = testClock();
      const mailer = captureMailer();
      const handlers = provisioningJobHandlers({ db, env: testEnv(), clock, mailer });
      const runner = createJobRunner({ db, clock, logger: captureLogger(), handlers, backoff });
      const payload = { email: 'jo@jobs.test', name: 'Jo', tenantName: 'Jobs Co', orgId: 'org-jobs', userId: 'u-jobs', needsPassword: true };
      const first = await enqueueJob(db.orm, { kind: JOB_KINDS.EMAIL_WELCOME, payload, runAt: clock.now(), dedupeKey: 'test:welcome:once' });
      expect(await runner.runDueJobs()).toMatchObject({ claimed: 1, succeeded: 1 });
      expect(mailer.sent).toHaveLength(1);
      const token = /reset-password\?token=([A-Za-z0-9_-]+)/.exec(mailer.sent[0]!.text)?.[1];
      const [v] = await db.rows<{ value: string }>(sql`select value from verification where identifier = ${`reset-password:${token}`}`);
      expect(v?.value).toBe('u-jobs');

      const again = await enqueueJob(db.orm, { kind: JOB_KINDS.EMAIL_WELCOME, payload, runAt: clock.now(), dedupeKey: 'test:welcome:once' });
      expect(again).toEqual({ id: first.id, created: false });
      clock.advance(7 * 86_400_000);
      expect((await runner.runDueJobs()).claimed).toBe(0);
      expect(mailer.sent).toHaveLength(1);
      expect(await job(db, first.id)).toMatchObject({ status: 'succeeded', attempts: 1 });
    });

    it('lets several workers drain one queue with each job run exactly once', async () => {
      const clock = testClock();
      const seen: string[] = [];
      const handlers: Record<string, JobHandler> = {
        'test.count': async (j) => {
          seen.push(j.id);
          await new Promise((r) => setTimeout(r, 2));
        },
      };
      for (let i = 0; i < 30; i++) await enqueueJob(db.orm, { kind: 'test.count', runAt: clock.now() });
      const runners = [1, 2, 3].map((n) =>
        createJobRunner({ db, clock, logger: captureLogger(), handlers, backoff, workerId: `w${n}` }),
      );
      const results = await Promise.all(runners.map((r) => r.runDueJobs()));
      expect(results.reduce((s, r) => s + r.succeeded, 0)).toBe(30);
      expect(new Set(seen).size).toBe(30);
      expect(seen).toHaveLength(30);
    });

    it('claims a job again when its worker died holding it', async () => {
      const clock = testClock();
      let runs = 0;
      const handlers: Record<string, JobHandler> = { 'test.crash': async () => void runs++ };
      const { id } = await enqueueJob(db.orm, { kind: 'test.crash', runAt: clock.now() });
      await db.rows(sql`update jobs set status = 'running', attempts = 1, locked_by = 'gone', locked_at = ${clock.now().toISOString()}::timestamptz where id = ${id}`);
      const runner = createJobRunner({ db, clock, logger: captureLogger(), handlers, backoff, leaseMs: 60_000 });
      expect((await runner.runDueJobs()).claimed).toBe(0);
      clock.advance(60_001);
      expect(await runner.runDueJobs()).toMatchObject({ claimed: 1, succeeded: 1 });
      expect(runs).toBe(1);
      expect(await job(db, id)).toMatchObject({ status: 'succeeded', attempts: 2 });
    });

    it('records a skipped federation handshake when no federation URL is configured', async () => {
      const clock = testClock();
      const handlers = provisioningJobHandlers({ db, env: testEnv(), clock, mailer: captureMailer() });
      const runner = createJobRunner({ db, clock, logger: captureLogger(), handlers, backoff });
      const { id } = await enqueueJob(db.orm, {
        kind: JOB_KINDS.FEDERATION_HANDSHAKE,
        orgId: 'org-jobs',
        payload: { orgId: 'org-jobs', externalCustomerId: 'ext-1' },
        runAt: clock.now(),
      });
      expect(await runner.runDueJobs()).toMatchObject({ succeeded: 1 });
      const [audit] = await db.rows<{ details: { outcome: string; reason: string } }>(
        sql`select details from audit_log where action = 'job.federation.handshake' and target_id = ${id}`,
      );
      expect(audit?.details).toMatchObject({ outcome: 'skipped', reason: 'FEDERATION_URL is not set' });
    });
  });
}
