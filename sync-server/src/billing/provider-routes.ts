import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { createMiddleware } from 'hono/factory';
import { z } from 'zod';
import { PLANS, TOKEN_PACK_KEYS } from '@streamflow/schema';
import { recordAudit } from '../audit/record.ts';
import { principalOf, requirePerm, requireSpace, requireTenant, tenantPrincipalOf } from '../auth/guards.ts';
import { withPlatform } from '../db/tenant.ts';
import type { AppEnv } from '../context.ts';
import { AppError } from '../errors.ts';
import { readJson } from '../json-body.ts';
import { ensureCustomer } from './customer.ts';
import { billingPageUrl, notConfigured, requireStripe, type BillingDeps } from './deps.ts';
import { readEntitlements } from './entitlements.ts';
import { BillingErrors } from './errors.ts';
import { packPrices, planPrices } from './prices.ts';
import { callStripe } from './stripe-client.ts';

const checkoutInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('subscription'), plan: z.enum(PLANS) }).strict(),
  z.object({ kind: z.literal('token_pack'), pack: z.enum(TOKEN_PACK_KEYS as [string, ...string[]]) }).strict(),
]);

const LIVE_SUBSCRIPTION = ['active', 'trialing', 'past_due', 'unpaid', 'incomplete', 'paused'];

/** The tenant's owner only (billing.manage can be granted to custom roles; paying the platform cannot). */
function requireOwner(deps: Pick<BillingDeps, 'db'>) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const p = tenantPrincipalOf(c);
    if (!p.roles.includes('owner')) {
      await recordAudit(deps.db, {
        action: `access.${c.req.method.toLowerCase()}`, outcome: 'denied', actorUserId: p.userId, orgId: p.orgId, space: p.space,
        targetTable: 'route', targetId: c.req.path, requestId: c.get('requestId'), details: { code: BillingErrors.OWNER_ONLY },
      });
      throw new AppError(403, BillingErrors.OWNER_ONLY, 'Only the owner manages the subscription.');
    }
    await next();
  });
}

/**
 * Provider billing (the platform's Stripe account): POST /api/billing/checkout
 * (a plan subscription or a token pack), POST /api/billing/portal, and
 * GET /api/billing/entitlements (what the app reads to show features).
 */
export function billingRoutes(deps: BillingDeps) {
  const app = new Hono<AppEnv>();
  const { db, env } = deps;
  const ownerOnly = [requireTenant(deps), requirePerm(deps, 'billing.manage'), requireOwner(deps)] as const;

  app.post('/api/billing/checkout', ...ownerOnly, async (c) => {
    const p = tenantPrincipalOf(c);
    const input = checkoutInput.parse(await readJson(c));
    const stripe = requireStripe(deps);
    const price = input.kind === 'subscription' ? planPrices(env)[input.plan] : packPrices(env)[input.pack as keyof ReturnType<typeof packPrices>];
    if (!price) throw notConfigured(input.kind === 'subscription' ? `PROVIDER_STRIPE_PRICE_${input.plan.toUpperCase()}` : `PROVIDER_STRIPE_PRICE_${input.pack.toUpperCase()}`);
    const [org] = await db.rows<{ name: string; subscription_status: string }>(sql`select name, subscription_status from organization where id = ${p.orgId}`);
    if (!org) throw new AppError(404, 'NOT_FOUND', 'No such tenant.');
    if (input.kind === 'subscription' && LIVE_SUBSCRIPTION.includes(org.subscription_status)) {
      throw new AppError(409, BillingErrors.ALREADY_SUBSCRIBED, 'This tenant already has a subscription; change plans in the billing portal.');
    }
    const customer = await ensureCustomer(db, stripe, { id: p.orgId, name: org.name, email: p.email });
    const metadata: Record<string, string> = input.kind === 'subscription'
      ? { org_id: p.orgId, kind: 'subscription', plan: input.plan }
      : { org_id: p.orgId, kind: 'token_pack', pack: input.pack };
    const session = await callStripe(() =>
      stripe.checkout.sessions.create({
        mode: input.kind === 'subscription' ? 'subscription' : 'payment',
        customer,
        client_reference_id: p.orgId,
        line_items: [{ price, quantity: 1 }],
        metadata,
        ...(input.kind === 'subscription' ? { subscription_data: { metadata: { org_id: p.orgId, plan: input.plan } } } : {}),
        success_url: billingPageUrl(env, p.orgId, 'checkout=success&session_id={CHECKOUT_SESSION_ID}'),
        cancel_url: billingPageUrl(env, p.orgId, 'checkout=cancelled'),
      }),
    );
    await recordAudit(db, { action: 'billing.checkout_created', outcome: 'succeeded', actorUserId: p.userId, orgId: p.orgId, space: p.space, requestId: c.get('requestId'), details: { ...metadata, session: session.id } });
    return c.json({ url: session.url, sessionId: session.id });
  });

  app.post('/api/billing/portal', ...ownerOnly, async (c) => {
    const p = tenantPrincipalOf(c);
    const stripe = requireStripe(deps);
    const [org] = await db.rows<{ stripe_customer_id: string | null }>(sql`select stripe_customer_id from organization where id = ${p.orgId}`);
    if (!org?.stripe_customer_id) throw new AppError(409, BillingErrors.NO_BILLING_CUSTOMER, 'Subscribe or buy a token pack first.');
    const customer = org.stripe_customer_id;
    const portal = await callStripe(() => stripe.billingPortal.sessions.create({ customer, return_url: billingPageUrl(env, p.orgId, 'portal=return') }));
    return c.json({ url: portal.url });
  });

  app.get('/api/billing/entitlements', requireTenant(deps), async (c) => {
    const p = tenantPrincipalOf(c);
    const entitlements = await readEntitlements(db, p.orgId);
    const [org] = await db.rows<{ ai_token_balance: number; subscription_status: string; subscription_current_period_end: string | Date | null }>(
      sql`select ai_token_balance, subscription_status, subscription_current_period_end from organization where id = ${p.orgId}`,
    );
    return c.json({
      entitlements,
      aiTokenBalance: org?.ai_token_balance ?? 0,
      subscriptionStatus: org?.subscription_status ?? 'none',
      currentPeriodEnd: org?.subscription_current_period_end ? new Date(org.subscription_current_period_end).toISOString() : null,
    });
  });
  /** Provider space: every tenant's plan and subscription state (an audited cross-tenant read). */
  app.get('/api/provider/tenants', requireSpace(deps, 'provider'), async (c) => {
    const p = principalOf(c);
    const rows = await withPlatform(db, { action: 'provider.tenants.list', actorUserId: p.userId, requestId: c.get('requestId') }, (tx) =>
      db.rows<{ id: string; name: string; slug: string; plan: string; subscription_status: string; current_period_end: string | null; ai_token_balance: number; effective_plan: string | null; payment_issue: boolean | null; members: number }>(
        sql`select o.id, o.name, o.slug, o.plan, o.subscription_status,
              to_char(o.subscription_current_period_end at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as current_period_end,
              o.ai_token_balance, o.entitlements->>'plan' as effective_plan, (o.entitlements->>'paymentIssue')::boolean as payment_issue,
              (select count(*)::int from member m where m.organization_id = o.id) as members
            from organization o order by o.name`,
        tx,
      ),
    );
    return c.json({
      tenants: rows.map((r) => ({
        id: r.id,
        name: r.name,
        slug: r.slug,
        plan: r.effective_plan ?? r.plan,
        subscribedPlan: r.plan,
        subscriptionStatus: r.subscription_status,
        currentPeriodEnd: r.current_period_end,
        aiTokenBalance: r.ai_token_balance,
        paymentIssue: r.payment_issue === true,
        members: r.members,
      })),
    });
  });
  return app;
}
