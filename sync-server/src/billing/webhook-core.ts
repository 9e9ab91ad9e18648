import { sql } from 'drizzle-orm';
import Stripe from 'stripe';
import { MAX_FUTURE_SKEW_S } from '../clock.ts';
import type { Database, Tx } from '../db/types.ts';
import { withPlatform } from '../db/tenant.ts';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { accountHash, redactAccountIds } from './connect-account.ts';
import { BillingErrors } from './errors.ts';

export type WebhookEndpoint = 'provider' | 'connect';

/** What a handler did with an event; recorded in the audit log and returned to Stripe. */
export interface HandlerOutcome {
  outcome: string;
  orgId?: string | null;
}

export type EventHandler = (tx: Tx, event: Stripe.Event) => Promise<HandlerOutcome>;

/**
 * Verifies a webhook for real on the raw body: the `Stripe-Signature` header
 * must be signed with this endpoint's secret and be within tolerance of the
 * server clock: at most 300 s old, at most MAX_FUTURE_SKEW_S ahead. Throws 400 with nothing recorded.
 */
export function verifyWebhook(raw: string, header: string | undefined, secret: string, now: Date): Stripe.Event {
  if (!header) throw new AppError(400, BillingErrors.WEBHOOK_SIGNATURE_MISSING, 'The Stripe-Signature header is missing.');
  let event: Stripe.Event;
  try {
    event = Stripe.webhooks.constructEvent(raw, header, secret, undefined, undefined, now.getTime());
  } catch {
    throw new AppError(400, BillingErrors.WEBHOOK_SIGNATURE_INVALID, 'The webhook signature does not verify.');
  }
  // constructEvent bounds only the past; a timestamp from the future is refused here.
  if (!(signedAt(header) - Math.floor(now.getTime() / 1000) <= MAX_FUTURE_SKEW_S)) {
    throw new AppError(400, BillingErrors.WEBHOOK_SIGNATURE_INVALID, 'The webhook signature does not verify.');
  }
  return event;
}

/** The `t=` of a Stripe-Signature header (unix seconds); constructEvent has checked it is there. */
function signedAt(header: string): number {
  const t = header.split(',').find((part) => part.trim().startsWith('t='));
  return Number(t?.trim().slice(2) ?? Number.NaN);
}

/**
 * Connect events carry the connected `account`; the platform's own do not.
 * An event at the wrong endpoint is refused (400) so it is neither recorded
 * nor applied: misrouted configuration shows up as failed deliveries in the
 * Stripe dashboard instead of silently doing nothing.
 */
export function assertEndpoint(event: Stripe.Event, endpoint: WebhookEndpoint): void {
  const fromConnect = typeof event.account === 'string' && event.account !== '';
  if (endpoint === 'provider' && fromConnect) {
    throw new AppError(400, BillingErrors.WEBHOOK_WRONG_ENDPOINT, 'A Connect event was sent to the provider endpoint.');
  }
  if (endpoint === 'connect' && !fromConnect) {
    throw new AppError(400, BillingErrors.WEBHOOK_WRONG_ENDPOINT, 'A platform event was sent to the Connect endpoint.');
  }
}

export interface ProcessResult {
  duplicate: boolean;
  outcome: string;
}

/**
 * Applies an event exactly once: its id goes into `stripe_events` in the same
 * transaction as its effects (with connected account ids kept only as
 * hashes, `account` and inside the payload, as tenant_stripe_connect keeps
 * them). A redelivery finds the id and changes nothing;
 * a concurrent delivery waits on the primary key until the first commits,
 * then conflicts. If a handler fails, neither the id nor any effect commits
 * and Stripe's retry applies it later.
 */
export async function processEvent(
  deps: { db: Database; logger: Logger; now: Date; requestId?: string },
  endpoint: WebhookEndpoint,
  event: Stripe.Event,
  handlers: Readonly<Record<string, EventHandler>>,
): Promise<ProcessResult> {
  const handler = Object.hasOwn(handlers, event.type) ? handlers[event.type] : undefined;
  const purpose = { action: 'stripe.webhook', requestId: deps.requestId ?? null, details: { endpoint, eventId: event.id, type: event.type } };
  const result = await withPlatform(deps.db, purpose, async (tx) => {
    const inserted = await deps.db.rows<{ id: string }>(
      sql`insert into stripe_events (id, endpoint, type, account, payload, received_at)
          values (${event.id}, ${endpoint}, ${event.type}, ${event.account ? accountHash(event.account) : null},
                  ${redactAccountIds(JSON.stringify(event))}::jsonb, ${deps.now.toISOString()}::timestamptz)
          on conflict (id) do nothing returning id`,
      tx,
    );
    if (inserted.length === 0) return { duplicate: true, outcome: 'duplicate' };
    const done = handler ? await handler(tx, event) : { outcome: 'ignored' };
    await deps.db.rows(sql`update stripe_events set processed_at = ${deps.now.toISOString()}::timestamptz where id = ${event.id}`, tx);
    return { duplicate: false, outcome: done.outcome };
  });
  deps.logger.info('stripe webhook', { endpoint, eventId: event.id, type: event.type, ...result });
  return result;
}

/** Makes the transaction act for a tenant, so RLS admits its rows even where the owner is not a superuser. */
export async function actFor(db: Database, tx: Tx, orgId: string): Promise<void> {
  await db.rows(sql`select set_config('app.org_id', ${orgId}, true)`, tx);
}
