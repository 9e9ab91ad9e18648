import { parseEnv, type Env } from '../env.ts';
import { shapeEngineFor } from '../shapes/route.ts';
import type Stripe from 'stripe';
import { createApp } from '../app.ts';
import type { Clock } from '../clock.ts';
import type { Database } from '../db/types.ts';
import { createLogger, type Logger } from '../logger.ts';
import { createAuth } from '../auth/better-auth.ts';
import { capturingMailer } from '../mailer/mailer.ts';

/** A clock tests can set and move. */
export function testClock(start = new Date('2026-11-22T09:00:00Z')): Clock & { set(d: Date): void; advance(ms: number): void } {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    set: (d) => {
      now = d.getTime();
    },
    advance: (ms) => {
      now += ms;
    },
  };
}

/** A logger whose lines are kept in `lines` (parsed) instead of printed. */
export function captureLogger(): Logger & { lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ level: 'debug', sink: (l) => lines.push(JSON.parse(l) as Record<string, unknown>) });
  return Object.assign(logger, { lines });
}

/** The test environment: parsed by the real parser, with overrides. */
export function testEnv(overrides: Record<string, string> = {}): Env {
  // Limits high enough that suites are not throttled; rate-limit tests override them.
  return parseEnv({ NODE_ENV: 'test', RATE_LIMIT_SIGNIN_PER_MIN: '10000', RATE_LIMIT_SIGNIN_PER_ACCOUNT_PER_MIN: '10000', RATE_LIMIT_PUBLIC_PER_MIN: '100000', RATE_LIMIT_WRITE_PER_SEC: '10000', ...overrides });
}

/** Builds the real app on a test database, with a capturing logger and a settable clock. */
export function buildTestApp(db: Database, opts: { env?: Record<string, string>; appDistDir?: string; stripeProvider?: Stripe | null } = {}) {
  const clock = testClock();
  const logger = captureLogger();
  const env = testEnv(opts.env);
  const mailer = capturingMailer();
  const auth = createAuth({ db, env, logger, mailer });
  // Started by the first shape request; a test that streams closes it.
  const shapes = shapeEngineFor({ db, env, logger });
  const app = createApp({ db, env, clock, logger, auth, mailer, shapes, stripeProvider: opts.stripeProvider ?? null, appDistDir: opts.appDistDir });
  return { app, clock, logger, env, mailer, auth, shapes };
}
