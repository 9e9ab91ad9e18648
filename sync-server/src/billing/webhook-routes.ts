import { Hono, type Context } from 'hono';
import { publicRoute } from '../auth/guards.ts';
import type { AppEnv } from '../context.ts';
import { readJsonText } from '../json-body.ts';
import { connectHandlers } from './connect-events.ts';
import { notConfigured, type BillingDeps } from './deps.ts';
import { providerHandlers } from './provider-events.ts';
import { assertEndpoint, processEvent, verifyWebhook, type EventHandler, type WebhookEndpoint } from './webhook-core.ts';

/** Stripe's events are JSON well under this; the raw text is verified before it is parsed. */
const WEBHOOK_MAX_BYTES = 1024 * 1024;

/**
 * POST /api/stripe/webhook/provider and /api/stripe/webhook/connect. Public
 * on purpose: each verifies its own secret's signature on the raw body and
 * refuses (400, nothing recorded) anything that does not verify or belongs
 * to the other endpoint. A verified event is applied exactly once; Stripe
 * gets 200 for a duplicate too, so it stops redelivering.
 */
export function stripeWebhookRoutes(deps: BillingDeps) {
  const app = new Hono<AppEnv>();
  const provider = providerHandlers(deps.db, deps.env);
  const connect = connectHandlers(deps.db);

  const receive = async (c: Context<AppEnv>, endpoint: WebhookEndpoint, secret: string | undefined, handlers: Record<string, EventHandler>) => {
    if (!secret) throw notConfigured(endpoint === 'provider' ? 'PROVIDER_STRIPE_WEBHOOK_SECRET' : 'CONNECT_STRIPE_WEBHOOK_SECRET');
    const raw = await readJsonText(c, { maxBytes: WEBHOOK_MAX_BYTES });
    const now = deps.clock.now();
    const event = verifyWebhook(raw, c.req.header('stripe-signature'), secret, now);
    assertEndpoint(event, endpoint);
    const result = await processEvent({ db: deps.db, logger: c.get('log') ?? deps.logger, now, requestId: c.get('requestId') }, endpoint, event, handlers);
    return c.json({ received: true, duplicate: result.duplicate, outcome: result.outcome });
  };

  app.post('/api/stripe/webhook/provider', publicRoute, (c) => receive(c, 'provider', deps.env.PROVIDER_STRIPE_WEBHOOK_SECRET, provider));
  app.post('/api/stripe/webhook/connect', publicRoute, (c) => receive(c, 'connect', deps.env.CONNECT_STRIPE_WEBHOOK_SECRET, connect));
  return app;
}
