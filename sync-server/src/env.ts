import { z } from 'zod';

/**
 * The server's configuration, parsed once from the environment at start-up.
 * No other module reads `process.env`: the entry file passes `process.env`
 * here and hands the result to `createApp(deps)`. Every variable is
 * documented in `.env.example`.
 */

const DEV_AUTH_SECRET = 'streamflow-development-only-secret-do-not-use-in-production';

const optionalUrl = z.url().optional();
const optionalString = z.string().min(1).optional();
const base64Key32 = z
  .string()
  .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded');

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
    HOST: z.string().min(1).default('0.0.0.0'),
    /** Public URL of the app (auth callbacks, email links). Defaults to http://localhost:PORT. */
    PUBLIC_URL: optionalUrl,
    DATA_DIR: z.string().min(1).default('.data'),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
    /** `auto`: seed the demo tenants on an empty embedded database. Never in production. */
    SEED_DEMO: z.enum(['auto', 'true', 'false']).default('auto'),
    BETTER_AUTH_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    TRUSTED_ORIGINS: z
      .string()
      .default('')
      .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean)),
    APP_ENCRYPTION_KEY: base64Key32.optional(),
    ELECTRIC_URL: optionalUrl,
    /** Sent as Electric's `secret` param on proxied shape requests (ELECTRIC_SECRET of the Electric service). */
    ELECTRIC_SECRET: optionalString,
    /** When set, GET /v1/shape also serves Electric's raw params (table, where, params, columns) to a caller presenting it as `secret`: lets this server be the upstream of another's proxy mode. */
    SHAPE_UPSTREAM_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
    /** How long a live shape request is held before answering up-to-date (ms). Stay well under the client's 45 s. */
    SHAPE_LIVE_TIMEOUT_MS: z.coerce.number().int().min(100).max(40_000).default(20_000),
    /** Fallback poll of the change-log watermark, in case a notification is lost (ms). */
    SHAPE_POLL_INTERVAL_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
    /** Days of change log kept; an older client offset gets must-refetch. */
    SHAPE_LOG_RETENTION_DAYS: z.coerce.number().min(0.0001).max(3_650).default(7),
    /** How often the change-log retention job runs (ms). */
    SHAPE_RETENTION_INTERVAL_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(3_600_000),
    PROVIDER_STRIPE_SECRET_KEY: optionalString,
    PROVIDER_STRIPE_WEBHOOK_SECRET: optionalString,
    CONNECT_STRIPE_WEBHOOK_SECRET: optionalString,
    /** Stripe price ids (platform account) of the plans and token packs; unset: that checkout answers 503. */
    PROVIDER_STRIPE_PRICE_STARTER: optionalString,
    PROVIDER_STRIPE_PRICE_PRO: optionalString,
    PROVIDER_STRIPE_PRICE_ENTERPRISE: optionalString,
    PROVIDER_STRIPE_PRICE_TOKENS_100K: optionalString,
    PROVIDER_STRIPE_PRICE_TOKENS_1M: optionalString,
    /** Platform fee on tenant invoice payments, in basis points (100 = 1 %); unset: the plan catalogue's fee. */
    CONNECT_APPLICATION_FEE_BPS: z.coerce.number().int().min(0).max(10_000).optional(),
    /** Where the Stripe SDK sends API calls (a local fake in tests and offline development); unset: api.stripe.com. */
    STRIPE_API_BASE: optionalUrl,
    /** Older encryption keys (comma-separated, base64, 32 bytes each), kept to open values until `npm run secrets:reencrypt`. */
    APP_ENCRYPTION_KEYS_PREVIOUS: z
      .string()
      .default('')
      .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
      .refine((keys) => keys.every((k) => Buffer.from(k, 'base64').length === 32), 'each key must be 32 bytes, base64-encoded'),
    SMTP_URL: optionalUrl,
    /** Test and development only: without SMTP_URL, emails are appended to this file as JSON lines (the browser tests read links there). */
    MAIL_OUTBOX_FILE: z.string().min(1).optional(),
    /** Sender address of outgoing email. */
    MAIL_FROM: z.string().min(3).default('StreamFlow <no-reply@streamflow.local>'),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
    /** Sign-in and password-reset attempts per client IP per minute (burst of the same size). */
    RATE_LIMIT_SIGNIN_PER_MIN: z.coerce.number().int().min(1).max(10_000).default(10),
    /** Sign-in and password-reset attempts per account (the email asked for) per minute, from any IP. */
    RATE_LIMIT_SIGNIN_PER_ACCOUNT_PER_MIN: z.coerce.number().int().min(1).max(10_000).default(5),
    /** Other /api/auth and public requests per client IP per minute. */
    RATE_LIMIT_PUBLIC_PER_MIN: z.coerce.number().int().min(1).max(100_000).default(120),
    /** POST /api/write batches per user per second (burst of 10x). */
    RATE_LIMIT_WRITE_PER_SEC: z.coerce.number().int().min(1).max(10_000).default(20),
    /** memory (per instance) or postgres (shared by every instance on one database). */
    RATE_LIMIT_STORE: z.enum(['memory', 'postgres']).default('memory'),
    /** Header carrying the client IP when behind a trusted proxy (e.g. x-forwarded-for). Unset: the socket address. */
    TRUST_PROXY_HEADER: z.string().min(1).optional(),
    /** How far into the future a client's clock may run before the write API clamps its stamps (ms). */
    WRITE_MAX_CLOCK_SKEW_MS: z.coerce.number().int().min(0).max(86_400_000).default(60_000),
    /** How long the write API keeps idempotency keys and the mutation ledger (hours, at least 72). */
    IDEMPOTENCY_RETENTION_HOURS: z.coerce.number().int().min(72).max(24 * 365).default(72),
    /** Shared secret of signed provisioning requests; unset: the signed path of /api/tenant/register refuses. */
    PROVISIONING_HMAC_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    /** How far a signed request's timestamp may be from the server clock, in seconds. */
    PROVISIONING_SIGNATURE_WINDOW_S: z.coerce.number().int().min(10).max(3_600).default(300),
    /** Where the federation handshake job POSTs each new tenant (signed). Unset: the job records "skipped". */
    FEDERATION_URL: optionalUrl,
    /** Secret that signs the outgoing federation handshake. Required when FEDERATION_URL is set. */
    FEDERATION_HMAC_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    /** Run the job worker in this process (turn off on instances that should only serve HTTP). */
    JOBS_WORKER: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
    /** How often the job worker looks for due jobs, in milliseconds. */
    JOBS_POLL_INTERVAL_MS: z.coerce.number().int().min(50).max(600_000).default(1_000),
    /** Delay before the first retry of a failed job; doubles per attempt. */
    JOBS_RETRY_BASE_MS: z.coerce.number().int().min(1).max(3_600_000).default(30_000),
    /** Largest logo the onboarding wizard accepts, in bytes. */
    LOGO_MAX_BYTES: z.coerce.number().int().min(1_024).max(5_000_000).default(262_144),
  })
  .superRefine((env, ctx) => {
    if (env.FEDERATION_URL && !env.FEDERATION_HMAC_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['FEDERATION_HMAC_SECRET'], message: 'is required when FEDERATION_URL is set' });
    }
    if (env.NODE_ENV !== 'production') return;
    // Outside development, secrets have no defaults.
    for (const key of ['BETTER_AUTH_SECRET', 'APP_ENCRYPTION_KEY'] as const) {
      if (!env[key]) {
        ctx.addIssue({ code: 'custom', path: [key], message: 'is required when NODE_ENV=production' });
      }
    }
    if (env.SEED_DEMO === 'true') {
      ctx.addIssue({ code: 'custom', path: ['SEED_DEMO'], message: 'demo users are never seeded in production' });
    }
    if (env.MAIL_OUTBOX_FILE) {
      ctx.addIssue({ code: 'custom', path: ['MAIL_OUTBOX_FILE'], message: 'emails are never written to a file in production' });
    }
  });

export type Env = Omit<z.infer<typeof schema>, 'BETTER_AUTH_SECRET' | 'PUBLIC_URL'> & {
  BETTER_AUTH_SECRET: string;
  PUBLIC_URL: string;
};

/** Raised when the environment is invalid; its message names every bad variable. */
export class EnvError extends Error {
  override name = 'EnvError';
}

/** Parses and validates the environment. Throws `EnvError` naming each bad variable. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  // Empty strings mean "unset", as in most .env files.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ''));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new EnvError(`Invalid environment:\n${lines.join('\n')}`);
  }
  const env = result.data;
  return {
    ...env,
    BETTER_AUTH_SECRET: env.BETTER_AUTH_SECRET ?? DEV_AUTH_SECRET,
    PUBLIC_URL: env.PUBLIC_URL ?? `http://localhost:${env.PORT}`,
  };
}

/** Whether this environment may seed the demo tenants into the given database kind. */
export function shouldSeedDemo(env: Env, dbKind: 'pglite' | 'postgres'): boolean {
  if (env.NODE_ENV === 'production' || env.SEED_DEMO === 'false') return false;
  return env.SEED_DEMO === 'true' || dbKind === 'pglite';
}
