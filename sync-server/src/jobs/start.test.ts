import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/types.ts';
import { capturingMailer } from '../mailer/mailer.ts';
import { captureLogger, testEnv } from '../testing/app.ts';
import { createTestPglite } from '../testing/db.ts';
import { enqueueJob, JOB_KINDS } from './queue.ts';
import { startJobWorker } from './start.ts';

describe('the server job worker', () => {
  let db: Database;
  beforeAll(async () => {
    db = await createTestPglite();
  });
  afterAll(async () => {
    await db.close();
  });

  it('polls in the background and delivers a queued invitation email, then stops cleanly', async () => {
    const clock = { now: () => new Date() };
    const mailer = capturingMailer();
    const sent = mailer.sent;
    const worker = startJobWorker({ db, env: testEnv({ JOBS_POLL_INTERVAL_MS: '50' }), clock, logger: captureLogger(), mailer, stripeProvider: null });
    try {
      await enqueueJob(db.orm, {
        kind: JOB_KINDS.EMAIL_INVITE,
        runAt: clock.now(),
        payload: { invitationId: 'inv-1', email: 'new@team.test', tenantName: 'Team Co', role: 'worker', inviterName: 'Olga' },
      });
      await expect.poll(() => sent.length, { timeout: 5_000 }).toBe(1);
      expect(sent[0]).toMatchObject({ to: 'new@team.test', subject: 'Olga invited you to Team Co on StreamFlow' });
      expect(sent[0]?.text).toContain('/accept-invitation/inv-1');
    } finally {
      await worker.stop();
    }
    const [row] = await db.rows<{ status: string }>(sql`select status from jobs where kind = 'email.invite'`);
    expect(row?.status).toBe('succeeded');
  });
});
