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
    PROVIDER_STRIPE_SECRET_KEY: optionalString,
    PROVIDER_STRIPE_WEBHOOK_SECRET: optionalString,
    CONNECT_STRIPE_WEBHOOK_SECRET: optionalString,
    SMTP_URL: optionalUrl,
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  })
  .superRefine((env, ctx) => {
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
