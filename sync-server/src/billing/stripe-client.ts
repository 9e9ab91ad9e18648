import Stripe from 'stripe';
import type { Env } from '../env.ts';
import { AppError } from '../errors.ts';
import { BillingErrors } from './errors.ts';

/** Where the SDK sends requests; tests and offline development point it at a local fake. */
export interface StripeEndpoint {
  host: string;
  port: number;
  protocol: 'http' | 'https';
}

/** The endpoint named by STRIPE_API_BASE, or undefined for api.stripe.com. */
export function stripeEndpointFrom(base: string | undefined): StripeEndpoint | undefined {
  if (!base) return undefined;
  const url = new URL(base);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return { host: url.hostname, port: Number(url.port || (protocol === 'http' ? 80 : 443)), protocol };
}

/**
 * The platform's Stripe client (PROVIDER_STRIPE_SECRET_KEY), or null when the
 * key is unset (billing routes then answer 503). Every POST we make carries
 * an idempotency key where a retry could duplicate something, so the SDK's
 * own retries are safe.
 */
export function createStripe(
  env: Pick<Env, 'PROVIDER_STRIPE_SECRET_KEY' | 'STRIPE_API_BASE'>,
  endpoint: StripeEndpoint | undefined = stripeEndpointFrom(env.STRIPE_API_BASE),
): Stripe | null {
  if (!env.PROVIDER_STRIPE_SECRET_KEY) return null;
  return new Stripe(env.PROVIDER_STRIPE_SECRET_KEY, {
    maxNetworkRetries: 2,
    timeout: 20_000,
    appInfo: { name: 'StreamFlow' },
    ...(endpoint ?? {}),
  });
}

/** Turns an SDK failure into the envelope: 4xx from Stripe is STRIPE_REJECTED (502), the rest STRIPE_UNAVAILABLE (503). */
export function stripeFailure(err: unknown): AppError {
  if (err instanceof Stripe.errors.StripeError) {
    const status = err.statusCode ?? 0;
    const details = { stripeType: err.type, stripeCode: err.code ?? null, requestId: err.requestId ?? null };
    if (status >= 400 && status < 500) return new AppError(502, BillingErrors.STRIPE_REJECTED, `Stripe refused the request: ${err.message}`, details);
    return new AppError(503, BillingErrors.STRIPE_UNAVAILABLE, 'Stripe is not reachable right now; try again.', details);
  }
  return new AppError(503, BillingErrors.STRIPE_UNAVAILABLE, 'Stripe is not reachable right now; try again.');
}

/** Runs an SDK call, mapping its errors with `stripeFailure`. */
export async function callStripe<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw stripeFailure(err);
  }
}
