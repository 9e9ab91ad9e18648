import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { registerTenantInput, type RegisterTenantInput } from '@streamflow/schema';
import type { Deps } from '../context.ts';

/** How long a sign-up's confirmation link works. */
export const SIGNUP_LINK_TTL_MS = 24 * 3600_000;

/** A sign-up waiting for its email to be confirmed: what to provision, and the password's hash. */
export interface PendingSignup {
  register: RegisterTenantInput;
  passwordHash: string;
}

/** Links carry the token; the database keeps only its hash, so a read of `verification` confirms nothing. */
const identifierOf = (token: string) => `signup:${createHash('sha256').update(token).digest('base64url')}`;

/**
 * Keeps a self-serve sign-up until its owner opens the emailed link, and sends
 * that link: no account, tenant or membership exists for an address nobody
 * has proven to own. Each link is bound to its own sign-up (and password), so
 * a second sign-up with the same address cannot swap the password behind a
 * link already sent. The email is plain text and names nothing the sign-up typed.
 */
export async function requestSignupVerification(deps: Pick<Deps, 'db' | 'clock' | 'env' | 'mailer'>, pending: PendingSignup): Promise<void> {
  const token = randomBytes(32).toString('base64url');
  const now = deps.clock.now();
  await deps.db.rows(
    sql`insert into verification (id, identifier, value, expires_at, created_at, updated_at)
        values (${crypto.randomUUID()}, ${identifierOf(token)}, ${JSON.stringify(pending)}, ${new Date(now.getTime() + SIGNUP_LINK_TTL_MS).toISOString()}::timestamptz,
                ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz)`,
  );
  await deps.mailer.send({
    to: pending.register.owner.email,
    subject: 'Confirm your email to create your StreamFlow workspace',
    text: `Hello,\n\nSomeone (we hope you) started a StreamFlow trial with this email address. Open this link within a day to confirm it and create the workspace:\n\n${deps.env.PUBLIC_URL}/verify-email?token=${token}\n\nIf it was not you, ignore this email: nothing is created without it.`,
  });
}

/** Takes (and deletes) the pending sign-up of a link's token; null when unknown, used or expired. */
export async function takePendingSignup(deps: Pick<Deps, 'db' | 'clock'>, token: string): Promise<PendingSignup | null> {
  const [row] = await deps.db.rows<{ value: string }>(
    sql`delete from verification where identifier = ${identifierOf(token)} and expires_at > ${deps.clock.now().toISOString()}::timestamptz returning value`,
  );
  if (!row) return null;
  const parsed = JSON.parse(row.value) as { register: unknown; passwordHash: unknown };
  if (typeof parsed.passwordHash !== 'string') return null;
  return { register: registerTenantInput.parse(parsed.register), passwordHash: parsed.passwordHash };
}
