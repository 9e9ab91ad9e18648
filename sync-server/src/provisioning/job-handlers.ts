import { randomBytes } from 'node:crypto';
import { verification } from '@streamflow/schema';
import type { Clock } from '../clock.ts';
import type { Database } from '../db/types.ts';
import type { Env } from '../env.ts';
import { JOB_KINDS } from '../jobs/queue.ts';
import { PermanentJobError, type ClaimedJob, type JobHandler } from '../jobs/worker.ts';
import { quoteInEmail, type Mailer } from '../mailer/mailer.ts';
import { signRequest } from './signed-request.ts';

export interface ProvisioningJobDeps {
  db: Database;
  env: Pick<Env, 'PUBLIC_URL' | 'FEDERATION_URL' | 'FEDERATION_HMAC_SECRET'>;
  clock: Clock;
  mailer: Mailer;
  /** Outgoing HTTP for the federation handshake (the global fetch by default). */
  fetch?: typeof fetch;
}

const SET_PASSWORD_TTL_MS = 7 * 86_400_000;

function str(job: ClaimedJob, key: string): string {
  const v = job.payload[key];
  if (typeof v !== 'string' || v === '') throw new PermanentJobError(`payload.${key} is missing`);
  return v;
}

/**
 * Makes a one-time set-password token the way better-auth's
 * `/api/auth/reset-password` reads it (`reset-password:<token>` -> user id),
 * so the owner chooses a password through the standard auth route.
 */
async function setPasswordLink(deps: ProvisioningJobDeps, userId: string): Promise<string> {
  const token = randomBytes(24).toString('base64url');
  const now = deps.clock.now();
  await deps.db.orm.insert(verification).values({
    id: crypto.randomUUID(),
    identifier: `reset-password:${token}`,
    value: userId,
    expiresAt: new Date(now.getTime() + SET_PASSWORD_TTL_MS),
    createdAt: now,
    updatedAt: now,
  });
  return `${deps.env.PUBLIC_URL}/reset-password?token=${token}`;
}

/** The handlers of the provisioning and onboarding jobs, by kind. */
export function provisioningJobHandlers(deps: ProvisioningJobDeps): Record<string, JobHandler> {
  const doFetch = deps.fetch ?? fetch;
  return {
    async [JOB_KINDS.EMAIL_WELCOME](job) {
      const to = str(job, 'email');
      const tenantName = str(job, 'tenantName');
      const orgId = str(job, 'orgId');
      const dashboard = `${deps.env.PUBLIC_URL}/tenant/${orgId}/client/dashboard`;
      const link = job.payload.needsPassword === true ? await setPasswordLink(deps, str(job, 'userId')) : dashboard;
      const action = job.payload.needsPassword === true ? 'Choose your password to get started' : 'Open your dashboard';
      await deps.mailer.send({
        to,
        subject: `Welcome to StreamFlow, ${quoteInEmail(tenantName)}`,
        text: `Hello,\n\n${quoteInEmail(tenantName)} is ready on StreamFlow.\n${action}: ${link}\n\nThe StreamFlow team`,
      });
      return { outcome: 'done', details: { to } };
    },

    async [JOB_KINDS.EMAIL_INVITE](job) {
      const to = str(job, 'email');
      const tenantName = str(job, 'tenantName');
      const link = `${deps.env.PUBLIC_URL}/accept-invitation/${str(job, 'invitationId')}`;
      await deps.mailer.send({
        to,
        subject: `${quoteInEmail(job.payload.inviterName ?? 'Your team')} invited you to ${quoteInEmail(tenantName)} on StreamFlow`,
        text: `You have been invited to join ${quoteInEmail(tenantName)} on StreamFlow as ${quoteInEmail(job.payload.role ?? 'a member', 40)}.\nAccept the invitation: ${link}\n`,
      });
      return { outcome: 'done', details: { to } };
    },

    async [JOB_KINDS.FEDERATION_HANDSHAKE](job) {
      const url = deps.env.FEDERATION_URL;
      if (!url) return { outcome: 'skipped', details: { reason: 'FEDERATION_URL is not set' } };
      const secret = deps.env.FEDERATION_HMAC_SECRET;
      if (!secret) throw new PermanentJobError('FEDERATION_HMAC_SECRET is not set');
      const body = JSON.stringify({
        event: 'tenant.provisioned',
        tenantId: str(job, 'orgId'),
        externalCustomerId: str(job, 'externalCustomerId'),
        portalUrl: `${deps.env.PUBLIC_URL}/provider/tenants/${str(job, 'orgId')}`,
      });
      const target = new URL(url);
      const headers = signRequest({
        secret,
        keyId: 'federation',
        method: 'POST',
        path: target.pathname,
        body,
        ts: deps.clock.now().getTime() / 1000,
        nonce: randomBytes(18).toString('base64url'),
      });
      const res = await doFetch(target, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) throw new Error(`federation handshake answered ${res.status}`);
      return { outcome: 'done', details: { status: res.status, url: target.origin + target.pathname } };
    },
  };
}
