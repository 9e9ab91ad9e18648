import type { Context, MiddlewareHandler } from 'hono';
import { requestEmail } from '../auth/auth-audit.ts';
import type { AppEnv, Deps } from '../context.ts';
import { postgresStore } from './postgres-store.ts';
import { clientIp, memoryStore, rateLimit, takeTokens, type BucketStore, type RateLimitRule } from './token-bucket.ts';

/** Auth endpoints that guess or spend secrets: strict buckets per IP and per account. */
const STRICT_PATHS = [
  '/api/auth/sign-in/*',
  '/api/auth/sign-up/*',
  '/api/auth/request-password-reset',
  '/api/auth/reset-password',
  '/api/auth/change-password',
  '/api/tenant/signup',
] as const;

/** Public (unauthenticated) route groups with a per-IP bucket. */
const PUBLIC_PATHS = ['/api/auth/*', '/api/tenant/*'] as const;

const postOnly =
  (mw: MiddlewareHandler<AppEnv>): MiddlewareHandler<AppEnv> =>
  (c, next) =>
    c.req.method === 'POST' ? mw(c, next) : next();

type LimitDeps = Pick<Deps, 'db' | 'env' | 'clock' | 'auth'>;

interface Buckets {
  store: BucketStore;
  signInIp: RateLimitRule;
  signInAccount: RateLimitRule;
}

/** One set of buckets per app (keyed by its auth instance): sign-in and every other password check spend the same ones. */
const BUCKETS = new WeakMap<object, Buckets>();

const perMin = (n: number) => ({ capacity: n, refillPerSec: n / 60 });

function bucketsOf(deps: LimitDeps): Buckets {
  const known = BUCKETS.get(deps.auth);
  if (known) return known;
  const { env } = deps;
  const store = env.RATE_LIMIT_STORE === 'postgres' ? postgresStore(deps.db) : memoryStore();
  const signInIp: RateLimitRule = { name: 'signin', ...perMin(env.RATE_LIMIT_SIGNIN_PER_MIN), keys: (c) => [`ip:${clientIp(c, env.TRUST_PROXY_HEADER)}`] };
  const signInAccount: RateLimitRule = {
    name: 'signin-account',
    ...perMin(env.RATE_LIMIT_SIGNIN_PER_ACCOUNT_PER_MIN),
    keys: async (c) => {
      // The account asked for in the body; change-password names none: the session's account.
      let email = await requestEmail(c);
      if (!email && c.req.path === '/api/auth/change-password') {
        email = (await deps.auth.api.getSession({ headers: c.req.raw.headers }))?.user.email.toLowerCase() ?? null;
      }
      return email ? [`account:${email}`] : [];
    },
  };
  const made = { store, signInIp, signInAccount };
  BUCKETS.set(deps.auth, made);
  return made;
}

/**
 * Spends one token of the sign-in buckets (this IP's and `email`'s account's)
 * for a password check outside sign-in (elevation, impersonation re-auth);
 * throws 429 when either is empty, as a sign-in would.
 */
export async function spendPasswordAttempt(deps: LimitDeps, c: Context<AppEnv>, email: string): Promise<void> {
  const b = bucketsOf(deps);
  await takeTokens(b.store, deps.clock, b.signInIp, c);
  await takeTokens(b.store, deps.clock, { ...b.signInAccount, keys: () => [`account:${email.toLowerCase()}`] }, c);
}

/**
 * The app's rate limits (PRODUCT.md 10), as middleware to mount: `beforeSession`
 * on auth and public paths (keyed by IP, and by the account asked for on
 * sign-in, password reset and change), `write` on POST /api/write after the session is
 * known (keyed by IP and user). Limits come from env; the store is memory
 * (per instance) or Postgres (shared).
 */
export function rateLimits(deps: LimitDeps) {
  const { env, clock } = deps;
  const { store, signInIp, signInAccount } = bucketsOf(deps);
  const ip = (c: Context<AppEnv>) => `ip:${clientIp(c, env.TRUST_PROXY_HEADER)}`;
  const strictIp = rateLimit(store, clock, signInIp);
  const strictAccount = rateLimit(store, clock, signInAccount);
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
