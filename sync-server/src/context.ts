import type { Auth } from './auth/better-auth.ts';
import type { Principal } from './auth/principal.ts';
import type { Clock } from './clock.ts';
import type { Database } from './db/types.ts';
import type { Env } from './env.ts';
import type { Logger } from './logger.ts';
import type { Mailer } from './mailer/mailer.ts';
import type { Metrics } from './metrics.ts';
import type { ShapeEngine } from './shapes/engine.ts';
import type Stripe from 'stripe';

/**
 * Everything the app needs from outside, passed to `createApp(deps)`.
 * Nothing is built at import time; tests pass a migrated PGlite, a fixed
 * clock and a capturing logger.
 */
export interface Deps {
  db: Database;
  env: Env;
  clock: Clock;
  logger: Logger;
  /** better-auth, built by `createAuth` on the same database. */
  auth: Auth;
  mailer: Mailer;
  /** Prometheus registry; createApp makes one when absent. */
  metrics?: Metrics;
  /** The built-in shape engine (its notifier holds the LISTEN connection); createApp makes one when absent. */
  shapes?: ShapeEngine;
  /**
   * The platform's Stripe client; createApp builds it from PROVIDER_STRIPE_SECRET_KEY
   * when absent. null: billing routes answer 503 BILLING_NOT_CONFIGURED.
   */
  stripeProvider?: Stripe | null;
  /** Absolute path of the built app (`app/dist`); static serving is skipped when absent. */
  appDistDir?: string;
}

/** Hono's typed context variables, set by middleware. */
export interface AppEnv {
  Variables: {
    requestId: string;
    log: Logger;
    /** Set by the auth middleware when the request has a valid session. */
    principal: Principal | undefined;
  };
}
