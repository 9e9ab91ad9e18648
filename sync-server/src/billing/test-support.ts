import Stripe from 'stripe';
import type { Database } from '../db/types.ts';
import { buildTestApp } from '../testing/app.ts';
import { startFakeStripe, type FakeStripe } from '../testing/fake-stripe.ts';
import type { BillingDeps } from './deps.ts';
import { createStripe } from './stripe-client.ts';
import type { WebhookEndpoint } from './webhook-core.ts';

export const PROVIDER_WHSEC = 'whsec_test_provider_0123456789abcdef';
export const CONNECT_WHSEC = 'whsec_test_connect_0123456789abcdef';

/** Billing configured as with real Stripe test keys, pointed at the fake server. */
export const BILLING_ENV: Record<string, string> = {
  PROVIDER_STRIPE_SECRET_KEY: 'sk_test_streamflow_fake',
  PROVIDER_STRIPE_WEBHOOK_SECRET: PROVIDER_WHSEC,
  CONNECT_STRIPE_WEBHOOK_SECRET: CONNECT_WHSEC,
  APP_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  PROVIDER_STRIPE_PRICE_STARTER: 'price_starter_monthly',
  PROVIDER_STRIPE_PRICE_PRO: 'price_pro_monthly',
  PROVIDER_STRIPE_PRICE_ENTERPRISE: 'price_enterprise_monthly',
  PROVIDER_STRIPE_PRICE_TOKENS_100K: 'price_tokens_100k',
  PROVIDER_STRIPE_PRICE_TOKENS_1M: 'price_tokens_1m',
};

/**
 * The real app with billing configured as with Stripe test keys; the
 * platform's Stripe client talks to the local fake server.
 */
export async function startBillingHarness(db: Database, opts: { env?: Record<string, string> } = {}) {
  const fake = await startFakeStripe();
  const env = { ...BILLING_ENV, ...opts.env };
  const stripe = createStripe({ PROVIDER_STRIPE_SECRET_KEY: env.PROVIDER_STRIPE_SECRET_KEY, STRIPE_API_BASE: undefined }, { host: fake.host, port: fake.port, protocol: 'http' });
  // The real app, billing mounted as in production, Stripe pointed at the fake.
  const base = buildTestApp(db, { env, stripeProvider: stripe });
  const deps: BillingDeps = { db, env: base.env, clock: base.clock, logger: base.logger, stripeProvider: stripe };
  const app = base.app;

  let seq = 0;
  /** A Stripe event as Stripe sends it (snapshot payload). */
  const event = (type: string, object: Record<string, unknown>, o: { id?: string; created?: number; account?: string } = {}) => ({
    id: o.id ?? `evt_test_${Date.now().toString(36)}${(seq++).toString(36).padStart(4, '0')}`,
    object: 'event',
    api_version: Stripe.API_VERSION,
    created: o.created ?? Math.floor(base.clock.now().getTime() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object },
    ...(o.account ? { account: o.account } : {}),
  });

  /** Signs `body` for real with the endpoint's secret (or `secret`) at the server clock's time, or `offsetS` seconds from it. */
  const sign = (body: string, secret: string, offsetS = 0) =>
    Stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp: Math.floor(base.clock.now().getTime() / 1000) + offsetS });

  const deliver = async (endpoint: WebhookEndpoint, evt: object, o: { secret?: string; body?: string; header?: string | null } = {}) => {
    const body = JSON.stringify(evt);
    const secret = o.secret ?? (endpoint === 'provider' ? PROVIDER_WHSEC : CONNECT_WHSEC);
    const header = o.header === undefined ? sign(body, secret) : o.header;
    const res = await app.request(`/api/stripe/webhook/${endpoint}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(header === null ? {} : { 'stripe-signature': header }) },
      body: o.body ?? body,
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  /**
   * Connects the tenant of `headers` (its owner) to a fake Express account that
   * has finished onboarding, through the real routes; returns the account id.
   */
  const connectTenant = async (headers: Record<string, string>): Promise<string> => {
    const res = await app.request('/api/client-billing/connect/start', json(headers, {}));
    if (res.status !== 200) throw new Error(`connect/start answered ${res.status}: ${await res.text()}`);
    const account = fake.calls('POST /v1/account_links').at(-1)?.body.account;
    if (typeof account !== 'string') throw new Error('connect/start made no account link');
    fake.updateAccount(account, { details_submitted: true, charges_enabled: true, payouts_enabled: true });
    const status = await app.request('/api/client-billing/connect/status', { headers });
    if (status.status !== 200) throw new Error(`connect/status answered ${status.status}`);
    return account;
  };

  return {
    app,
    fake,
    connectTenant,
    deps,
    env: base.env,
    clock: base.clock,
    logger: base.logger,
    event,
    sign,
    deliver,
    async close() {
      await base.shapes.close();
      await fake.close();
    },
  } satisfies Record<string, unknown> & { fake: FakeStripe };
}

export type BillingHarness = Awaited<ReturnType<typeof startBillingHarness>>;

export const json = (headers: Record<string, string>, body: unknown, method = 'POST'): RequestInit => ({
  method,
  headers: { ...headers, 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
