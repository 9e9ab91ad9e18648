import type { Plan, TokenPack } from '@streamflow/schema';
import type { Env } from '../env.ts';

type PriceEnv = Pick<
  Env,
  | 'PROVIDER_STRIPE_PRICE_STARTER'
  | 'PROVIDER_STRIPE_PRICE_PRO'
  | 'PROVIDER_STRIPE_PRICE_ENTERPRISE'
  | 'PROVIDER_STRIPE_PRICE_TOKENS_100K'
  | 'PROVIDER_STRIPE_PRICE_TOKENS_1M'
>;

/** The Stripe price id of each plan (recurring prices on the platform account). */
export function planPrices(env: PriceEnv): Record<Plan, string | undefined> {
  return { starter: env.PROVIDER_STRIPE_PRICE_STARTER, pro: env.PROVIDER_STRIPE_PRICE_PRO, enterprise: env.PROVIDER_STRIPE_PRICE_ENTERPRISE };
}

/** The Stripe price id of each token pack (one-off prices). */
export function packPrices(env: PriceEnv): Record<TokenPack, string | undefined> {
  return { tokens_100k: env.PROVIDER_STRIPE_PRICE_TOKENS_100K, tokens_1m: env.PROVIDER_STRIPE_PRICE_TOKENS_1M };
}

/** The plan a price id sells, or null for a price we do not know. */
export function planOfPrice(env: PriceEnv, priceId: string | null | undefined): Plan | null {
  if (!priceId) return null;
  const hit = Object.entries(planPrices(env)).find(([, id]) => id === priceId);
  return hit ? (hit[0] as Plan) : null;
}
