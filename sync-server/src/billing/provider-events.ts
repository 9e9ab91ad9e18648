import { sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import { entitlementsFor, isPlan, resolveEntitlements, TOKEN_PACKS, type Plan, type SubscriptionStatus } from '@streamflow/schema';
import { recordAudit } from '../audit/record.ts';
import type { Database, Tx } from '../db/types.ts';
import type { Env } from '../env.ts';
import { clientPaymentHandlers } from './client-payments.ts';
import { planOfPrice } from './prices.ts';
import { actFor, type EventHandler, type HandlerOutcome } from './webhook-core.ts';

interface OrgBilling extends Record<string, unknown> {
  id: string;
  plan: string;
  entitlements: unknown;
  stripe_customer_id: string | null;
  stripe_subscription_id: string | null;
  subscription_status: string;
  subscription_state_at: string | Date | null;
}

const idOf = (v: string | { id: string } | null | undefined): string | null => (typeof v === 'string' ? v : (v?.id ?? null));
const epoch = (v: string | Date | null) => (v === null ? null : new Date(v).getTime());
const TERMINAL: ReadonlySet<string> = new Set(['canceled', 'incomplete_expired']);

/** The tenant of a provider object: by our Stripe customer, else by the org id we put in metadata. Locks the row. */
async function lockOrg(db: Database, tx: Tx, customer: string | null, metadataOrg: string | undefined): Promise<OrgBilling | null> {
  const cols = sql`id, plan, entitlements, stripe_customer_id, stripe_subscription_id, subscription_status, subscription_state_at`;
  if (customer) {
    const [row] = await db.rows<OrgBilling>(sql`select ${cols} from organization where stripe_customer_id = ${customer} for update`, tx);
    if (row) return row;
  }
  if (!metadataOrg) return null;
  const [row] = await db.rows<OrgBilling>(sql`select ${cols} from organization where id = ${metadataOrg} for update`, tx);
  return row ?? null;
}

function periodEnd(sub: Stripe.Subscription): Date | null {
  // API 2025-03-31+: the period lives on each item; older versions had it on the subscription.
  const fromItem = sub.items?.data?.[0]?.current_period_end;
  const legacy = (sub as unknown as { current_period_end?: number }).current_period_end;
  const end = fromItem ?? legacy;
  return typeof end === 'number' ? new Date(end * 1000) : null;
}

/**
 * customer.subscription.created|updated|deleted: the subscription's state
 * becomes the tenant's plan, status and entitlements, unless the tenant
 * already holds a state Stripe made later (the event's `created`), so an
 * event delivered late never rolls a tenant back. On equal times a terminal
 * state wins. An ending of a subscription that is not the tenant's current
 * one changes nothing.
 */
function subscriptionHandler(db: Database, env: Env): EventHandler {
  return async (tx, event) => {
    const sub = event.data.object as Stripe.Subscription;
    const org = await lockOrg(db, tx, idOf(sub.customer), sub.metadata?.org_id);
    if (!org) return { outcome: 'unknown_customer' };
    const status = (event.type === 'customer.subscription.deleted' ? 'canceled' : sub.status) as SubscriptionStatus;
    const at = event.created * 1000;
    const held = epoch(org.subscription_state_at);
    if (held !== null && (at < held || (at === held && TERMINAL.has(org.subscription_status) && !TERMINAL.has(status)))) {
      return { outcome: 'stale', orgId: org.id };
    }
    if (TERMINAL.has(status) && org.stripe_subscription_id && org.stripe_subscription_id !== sub.id) {
      return { outcome: 'other_subscription', orgId: org.id };
    }
    const priced = planOfPrice(env, sub.items?.data?.[0]?.price?.id);
    const plan: Plan = priced ?? (isPlan(sub.metadata?.plan) ? sub.metadata.plan : isPlan(org.plan) ? org.plan : 'starter');
    const before = resolveEntitlements(org.entitlements, org.plan);
    const after = entitlementsFor(plan, status, before.paymentIssue);
    await db.rows(
      sql`update organization set plan = ${plan}, stripe_subscription_id = ${sub.id}, subscription_status = ${status},
            subscription_current_period_end = ${periodEnd(sub)?.toISOString() ?? null}::timestamptz,
            subscription_state_at = ${new Date(at).toISOString()}::timestamptz,
            stripe_customer_id = coalesce(stripe_customer_id, ${idOf(sub.customer)}),
            entitlements = ${JSON.stringify(after)}::jsonb, updated_at = now()
          where id = ${org.id}`,
      tx,
    );
    await actFor(db, tx, org.id);
    await recordAudit(db, {
      action: 'billing.subscription_changed',
      outcome: 'succeeded',
      orgId: org.id,
      space: 'platform',
      targetTable: 'organization',
      targetId: org.id,
      details: { eventId: event.id, subscription: sub.id, status, plan: after.plan, from: { plan: before.plan, status: org.subscription_status } },
    }, tx);
    return { outcome: `subscription_${status}`, orgId: org.id };
  };
}

/**
 * invoice.payment_succeeded|failed: flags a payment issue on the
 * entitlements (the app shows it). A later invoice event already applied
 * wins over an earlier one delivered late.
 */
function invoiceHandler(db: Database, failed: boolean): EventHandler {
  return async (tx, event) => {
    const invoice = event.data.object as Stripe.Invoice;
    const customer = idOf(invoice.customer);
    const org = await lockOrg(db, tx, customer, invoice.metadata?.org_id ?? undefined);
    if (!org) return { outcome: 'unknown_customer' };
    const [newer] = await db.rows<{ id: string }>(
      sql`select id from stripe_events
          where type in ('invoice.payment_succeeded', 'invoice.payment_failed') and id <> ${event.id}
            and payload->'data'->'object'->>'customer' = ${customer}
            and (payload->>'created')::bigint > ${event.created}
          limit 1`,
      tx,
    );
    if (newer) return { outcome: 'stale', orgId: org.id };
    const current = resolveEntitlements(org.entitlements, org.plan);
    const next = { ...current, paymentIssue: failed };
    await db.rows(sql`update organization set entitlements = ${JSON.stringify(next)}::jsonb, updated_at = now() where id = ${org.id}`, tx);
    return { outcome: failed ? 'payment_issue' : 'paid', orgId: org.id };
  };
}

/** A token pack paid through provider Checkout: credits the balance once per session. */
async function creditTokenPack(db: Database, tx: Tx, event: Stripe.Event, session: Stripe.Checkout.Session): Promise<HandlerOutcome> {
  const orgId = session.metadata?.org_id ?? session.client_reference_id;
  const pack = session.metadata?.pack;
  if (!orgId || !pack || !Object.hasOwn(TOKEN_PACKS, pack)) return { outcome: 'unknown_pack' };
  if (session.payment_status !== 'paid') return { outcome: 'not_paid', orgId };
  const tokens = TOKEN_PACKS[pack as keyof typeof TOKEN_PACKS].tokens;
  const [org] = await db.rows<{ id: string }>(sql`select id from organization where id = ${orgId} for update`, tx);
  if (!org) return { outcome: 'unknown_tenant' };
  await actFor(db, tx, orgId);
  const credited = await db.rows<{ checkout_session_id: string }>(
    sql`insert into billing_token_credits (checkout_session_id, org_id, pack, tokens, event_id)
        values (${session.id}, ${orgId}, ${pack}, ${tokens}, ${event.id})
        on conflict (checkout_session_id) do nothing returning checkout_session_id`,
    tx,
  );
  if (credited.length === 0) return { outcome: 'already_credited', orgId };
  await db.rows(sql`update organization set ai_token_balance = ai_token_balance + ${tokens}, updated_at = now() where id = ${orgId}`, tx);
  await recordAudit(db, { action: 'billing.tokens_credited', outcome: 'succeeded', orgId, space: 'platform', targetTable: 'organization', targetId: orgId, details: { eventId: event.id, pack, tokens, session: session.id } }, tx);
  return { outcome: 'tokens_credited', orgId };
}

/** The provider endpoint's handlers (the platform's own Stripe account). */
export function providerHandlers(db: Database, env: Env): Record<string, EventHandler> {
  const subscription = subscriptionHandler(db, env);
  const clientPayments = clientPaymentHandlers(db);
  return {
    'checkout.session.completed': async (tx, event) => {
      const session = event.data.object as Stripe.Checkout.Session;
      const kind = session.metadata?.kind;
      if (kind === 'token_pack') return creditTokenPack(db, tx, event, session);
      if (kind === 'subscription') {
        const org = await lockOrg(db, tx, null, session.metadata?.org_id ?? session.client_reference_id ?? undefined);
        if (!org) return { outcome: 'unknown_tenant' };
        // The subscription events carry the state; here only the customer link is made sure of.
        await db.rows(sql`update organization set stripe_customer_id = coalesce(stripe_customer_id, ${idOf(session.customer)}) where id = ${org.id}`, tx);
        return { outcome: 'subscription_checkout', orgId: org.id };
      }
      // Tenant invoice payments are destination charges made on the platform account: their events arrive here.
      const handler = clientPayments['checkout.session.completed'];
      return handler ? handler(tx, event) : { outcome: 'ignored' };
    },
    'customer.subscription.created': subscription,
    'customer.subscription.updated': subscription,
    'customer.subscription.deleted': subscription,
    'invoice.payment_succeeded': invoiceHandler(db, false),
    'invoice.payment_failed': invoiceHandler(db, true),
    'payment_intent.succeeded': clientPayments['payment_intent.succeeded']!,
    'payment_intent.payment_failed': clientPayments['payment_intent.payment_failed']!,
    'charge.refunded': clientPayments['charge.refunded']!,
  };
}
