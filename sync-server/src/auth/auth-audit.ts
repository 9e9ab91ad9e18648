import { sql } from 'drizzle-orm';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { recordAudit, type AuditEntry } from '../audit/record.ts';
import type { AppEnv, Deps } from '../context.ts';
import { clientIp } from '../rate-limit/token-bucket.ts';
import { mediaType } from './auth-gateway.ts';
import { pickActiveTenant } from './tenancy.ts';

/** A string field of the JSON body, or null. Reads a clone, so better-auth still gets the body. */
async function bodyField(c: Context<AppEnv>, field: string): Promise<string | null> {
  if (mediaType(c.req.header('content-type')) !== 'application/json') return null;
  try {
    const body: unknown = await c.req.raw.clone().json();
    const v = body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[field] : undefined;
    return typeof v === 'string' && v.trim() ? v.trim().slice(0, 320) : null;
  } catch {
    return null;
  }
}

/** The JSON body's `email`, normalised (lower case); null when absent or not JSON. */
export async function requestEmail(c: Context<AppEnv>): Promise<string | null> {
  return (await bodyField(c, 'email'))?.toLowerCase() ?? null;
}

/** The audited better-auth endpoints and the action each is recorded as. */
const ACTIONS: Record<string, string> = {
  '/api/auth/sign-in/email': 'auth.sign_in',
  '/api/auth/request-password-reset': 'auth.password_reset_request',
  '/api/auth/reset-password': 'auth.password_reset',
};

/**
 * Audits sign-ins (failed and successful) and password resets: who (the
 * account, when it exists), the tenant it signs into, the client IP and the
 * outcome. Requests refused by the rate limiter before reaching here are
 * logged, not audited, so a flood cannot grow the audit log without bound.
 */
export function authAudit(deps: Pick<Deps, 'db' | 'env'>) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const action = ACTIONS[c.req.path];
    if (!action || c.req.method !== 'POST') return next();
    const email = await requestEmail(c);
    let userId: string | null = null;
    if (action === 'auth.password_reset') {
      // The token names the account; read it before better-auth consumes it.
      const token = await bodyField(c, 'token');
      const [v] = token ? await deps.db.rows<{ value: string }>(sql`select value from verification where identifier = ${`reset-password:${token}`}`) : [];
      userId = v?.value ?? null;
    }
    await next();
    const status = c.res.status;
    const entry: AuditEntry = {
      action,
      outcome: status < 400 ? 'succeeded' : 'failed',
      space: null,
      targetTable: 'user',
      requestId: c.get('requestId'),
      details: { email, ip: clientIp(c, deps.env.TRUST_PROXY_HEADER), status },
    };
    if (action === 'auth.sign_in' && status < 400) {
      const body = (await c.res.clone().json().catch(() => null)) as { user?: { id?: unknown } } | null;
      userId = typeof body?.user?.id === 'string' ? body.user.id : null;
    } else if (email) {
      const [u] = await deps.db.rows<{ id: string }>(sql`select id from "user" where lower(email) = ${email}`);
      userId = u?.id ?? null;
    }
    if (userId) {
      const [staff] = await deps.db.rows<{ space: string }>(sql`select space from platform_staff where user_id = ${userId}`);
      entry.space = staff?.space ?? 'client';
      entry.orgId = staff ? null : await pickActiveTenant(deps.db, userId);
      // A failed sign-in was made by someone unknown against this account: it is the target, not the actor.
      entry.actorUserId = action === 'auth.sign_in' && entry.outcome === 'failed' ? null : userId;
      entry.targetId = userId;
    }
    if (action === 'auth.password_reset_request') entry.details = { ...entry.details, knownAccount: Boolean(userId) };
    await recordAudit(deps.db, entry);
  });
}
