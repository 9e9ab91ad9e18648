import type Stripe from 'stripe';
import type { Clock } from '../clock.ts';
import { createSecretBox, type SecretBox } from '../crypto/secret-box.ts';
import type { Database } from '../db/types.ts';
import type { Env } from '../env.ts';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { BillingErrors } from './errors.ts';

/** What billing needs; `stripeProvider` is the platform's client (createStripe), null when unconfigured. */
export interface BillingDeps {
  db: Database;
  env: Env;
  clock: Clock;
  logger: Logger;
  stripeProvider: Stripe | null;
}

/**
 * 503 BILLING_NOT_CONFIGURED. The answer is a plain sentence: which server
 * variable is missing goes only to the log (onError logs `logDetails`), so
 * nobody learns the server's configuration from an error.
 */
export function notConfigured(variable: string): AppError {
  return new AppError(503, BillingErrors.BILLING_NOT_CONFIGURED, 'Payments are not set up on this server yet.', {}, { missing: variable });
}

/** The Stripe client, or 503 BILLING_NOT_CONFIGURED. */
export function requireStripe(deps: Pick<BillingDeps, 'stripeProvider'>): Stripe {
  if (!deps.stripeProvider) throw notConfigured('PROVIDER_STRIPE_SECRET_KEY');
  return deps.stripeProvider;
}

const boxes = new WeakMap<Env, SecretBox>();

/** The keyring from APP_ENCRYPTION_KEY (+ previous keys), or 503 when no key is set. */
export function requireSecretBox(env: Env): SecretBox {
  if (!env.APP_ENCRYPTION_KEY) throw notConfigured('APP_ENCRYPTION_KEY');
  let box = boxes.get(env);
  if (!box) {
    box = createSecretBox(env.APP_ENCRYPTION_KEY, env.APP_ENCRYPTION_KEYS_PREVIOUS);
    boxes.set(env, box);
  }
  return box;
}

/** Where Stripe sends the browser back to: the tenant's billing settings page. */
export function billingPageUrl(env: Env, orgId: string, query: string): string {
  return `${env.PUBLIC_URL}/tenant/${encodeURIComponent(orgId)}/client/settings/billing?${query}`;
}
