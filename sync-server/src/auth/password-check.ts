import { sql } from 'drizzle-orm';
import type { Context } from 'hono';
import { verifyPassword } from 'better-auth/crypto';
import type { AppEnv, Deps } from '../context.ts';
import { spendPasswordAttempt } from '../rate-limit/limits.ts';

/**
 * Checks a signed-in user's password again (re-auth for an elevation or an
 * impersonation). Every check spends the sign-in buckets of the caller's IP
 * and of the account, like a sign-in: a stolen session cannot guess the
 * password faster through a re-check (429 when a bucket is empty).
 */
export async function checkPassword(deps: Pick<Deps, 'db' | 'env' | 'clock' | 'auth'>, c: Context<AppEnv>, userId: string, password: string): Promise<boolean> {
  const [acct] = await deps.db.rows<{ email: string; password: string | null }>(
    sql`select u.email, a.password from "user" u left join account a on a.user_id = u.id and a.provider_id = 'credential' where u.id = ${userId}`,
  );
  if (!acct) return false;
  await spendPasswordAttempt(deps, c, acct.email);
  return Boolean(acct.password) && (await verifyPassword({ hash: acct.password ?? '', password }));
}
