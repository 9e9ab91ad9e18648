import type { Context, MiddlewareHandler } from 'hono';
import { requestEmail } from '../auth/auth-audit.ts';
import type { AppEnv, Deps } from '../context.ts';
import { postgresStore } from './postgres-store.ts';
import { clientIp, memoryStore, rateLimit } from './token-bucket.ts';

/** Auth endpoints that guess or spend secrets: strict buckets per IP and per account. */
const STRICT_PATHS = [
  '/api/auth/sign-in/*',
  '/api/auth/sign-up/*',
  '/api/auth/request-password-reset',
  '/api/auth/reset-password',
  '/api/tenant/signup',
] as const;

/** Public (unauthenticated) route groups with a per-IP bucket. */
const PUBLIC_PATHS = ['/api/auth/*', '/api/tenant/*'] as const;

const postOnly =
  (mw: MiddlewareHandler<AppEnv>): MiddlewareHandler<AppEnv> =>
  (c, next) =>
    c.req.method === 'POST' ? mw(c, next) : next();

/**
 * The app's rate limits (PRODUCT.md 10), as middleware to mount: `beforeSession`
 * on auth and public paths (keyed by IP, and by the account asked for on
 * sign-in and password reset), `write` on POST /api/write after the session is
 * known (keyed by IP and user). Limits come from env; the store is memory
 * (per instance) or Postgres (shared).
 */
export function rateLimits(deps: Pick<Deps, 'db' | 'env' | 'clock'>) {
  const { env, clock } = deps;
  const store = env.RATE_LIMIT_STORE === 'postgres' ? postgresStore(deps.db) : memoryStore();
  const ip = (c: Context<AppEnv>) => `ip:${clientIp(c, env.TRUST_PROXY_HEADER)}`;
  const perMin = (n: number) => ({ capacity: n, refillPerSec: n / 60 });
  const strictIp = rateLimit(store, clock, { name: 'signin', ...perMin(env.RATE_LIMIT_SIGNIN_PER_MIN), keys: (c) => [ip(c)] });
  const strictAccount = rateLimit(store, clock, {
    name: 'signin-account',
    ...perMin(env.RATE_LIMIT_SIGNIN_PER_ACCOUNT_PER_MIN),
    keys: async (c) => {
      const email = await requestEmail(c);
      return email ? [`account:${email}`] : [];
    },
  });
  const publicLimit = rateLimit(store, clock, { name: 'public', ...perMin(env.RATE_LIMIT_PUBLIC_PER_MIN), keys: (c) => [ip(c)] });
  const write = rateLimit(store, clock, {
    name: 'write',
    capacity: env.RATE_LIMIT_WRITE_PER_SEC * 10,
    refillPerSec: env.RATE_LIMIT_WRITE_PER_SEC,
    keys: (c) => [ip(c), `user:${c.get('principal')?.userId ?? 'anonymous'}`],
  });
  const beforeSession: [string, MiddlewareHandler<AppEnv>][] = [
    ...STRICT_PATHS.flatMap((p): [string, MiddlewareHandler<AppEnv>][] => [
      [p, postOnly(strictIp)],
      [p, postOnly(strictAccount)],
    ]),
    ...PUBLIC_PATHS.map((p): [string, MiddlewareHandler<AppEnv>] => [p, publicLimit]),
  ];
  return { beforeSession, write: postOnly(write) };
}
