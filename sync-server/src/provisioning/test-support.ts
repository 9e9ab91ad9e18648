import { Hono } from 'hono';
import { PERMISSIONS, type Permission } from '@streamflow/schema';
import type { Principal } from '../auth/principal.ts';
import type { AppEnv, Deps } from '../context.ts';
import type { Database } from '../db/types.ts';
import { buildTestApp } from '../testing/app.ts';
import { createMetrics } from '../metrics.ts';
import { errorHandler } from '../middleware/error-handler.ts';
import { requestContext } from '../middleware/request-context.ts';

/**
 * Test-only. With `realSessions`, the real app (createApp mounts these
 * capability routes; better-auth sessions decide who calls). Otherwise a
 * Hono app with the real request context and error envelope, the given
 * routes, and a principal the test sets per request: the routes read nothing
 * but `c.get('principal')` and the guards.
 */
export function buildRoutesTestApp(
  db: Database,
  mount: ((deps: Deps) => Hono<AppEnv>)[],
  env: Record<string, string> = {},
  opts: { realSessions?: boolean } = {},
) {
  const built = buildTestApp(db, { env });
  const deps: Deps = { db, env: built.env, clock: built.clock, logger: built.logger, auth: built.auth, mailer: built.mailer };
  let principal: Principal | undefined;
  let app = built.app as unknown as Hono<AppEnv>;
  if (!opts.realSessions) {
    app = new Hono<AppEnv>();
    app.use(requestContext(built.logger, createMetrics()));
    app.onError(errorHandler(built.logger));
    app.use('*', async (c, next) => {
      c.set('principal', principal);
      await next();
    });
    for (const routes of mount) app.route('/', routes(deps));
  }
  return {
    ...built,
    app,
    deps,
    as(p: Principal | undefined) {
      principal = p;
    },
  };
}

/** A principal for tests. */
export function testPrincipal(p: Partial<Principal> & Pick<Principal, 'space'>): Principal {
  return {
    userId: p.userId ?? `user-${p.space}`,
    email: p.email ?? `${p.space}@platform.test`,
    name: p.name ?? p.space,
    sessionId: 'test-session',
    orgId: p.orgId ?? null,
    memberId: p.memberId ?? null,
    roles: p.roles ?? [],
    perms: p.perms ?? new Set<Permission>(p.roles?.includes('owner') ? PERMISSIONS : []),
    space: p.space,
  };
}

export const jsonPost = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

/** The token of the newest sign-up confirmation link mailed to `email`. */
export function signupToken(mailer: { sent: { to: string; text: string }[] }, email: string): string {
  const mail = mailer.sent.filter((m) => m.to === email).at(-1);
  const token = /\/verify-email\?token=([A-Za-z0-9_-]+)/.exec(mail?.text ?? '')?.[1];
  if (!token) throw new Error(`no sign-up confirmation mailed to ${email}`);
  return token;
}

/**
 * A self-serve sign-up as its owner does it: the form (202, a link mailed),
 * then the link (`POST /api/tenant/signup/verify`). Answers the last response.
 */
export async function signUpConfirmed(
  t: { app: { request(p: string, i?: RequestInit): Response | Promise<Response> }; mailer: { sent: { to: string; text: string }[] } },
  body: { owner: { email: string } & Record<string, unknown> } & Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<Response> {
  const asked = await t.app.request('/api/tenant/signup', jsonPost(body, headers));
  if (asked.status !== 202) return asked;
  return t.app.request('/api/tenant/signup/verify', jsonPost({ token: signupToken(t.mailer, body.owner.email) }, headers));
}
