import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { recordAudit } from '../audit/record.ts';
import { requirePerm, requireTenant, tenantPrincipalOf } from '../auth/guards.ts';
import type { AppEnv } from '../context.ts';
import { withTenant } from '../db/tenant.ts';
import { readJson } from '../json-body.ts';
import { accountHash, connectStatusOf, loadConnect } from './connect-account.ts';
import { billingPageUrl, requireSecretBox, requireStripe, type BillingDeps } from './deps.ts';
import { requireModule } from './entitlements.ts';
import { createInvoiceCheckout } from './invoice-checkout.ts';
import { toMinorUnits } from './money.ts';
import { callStripe } from './stripe-client.ts';

const checkoutInput = z.object({ invoiceId: z.uuid(), amount: z.string().regex(/^\d{1,12}(\.\d{1,2})?$/).optional() }).strict();

/**
 * Client billing with Stripe Connect Express (billing.manage in the client
 * space, plan module client_payments): onboarding, its status, and Checkout
 * for a tenant invoice paid to the tenant's account.
 */
export function clientBillingRoutes(deps: BillingDeps) {
  const app = new Hono<AppEnv>();
  const { db, env } = deps;
  const manage = [requireTenant(deps), requirePerm(deps, 'billing.manage'), requireModule(deps, 'client_payments')] as const;

  app.post('/api/client-billing/connect/start', ...manage, async (c) => {
    const p = tenantPrincipalOf(c);
    const stripe = requireStripe(deps);
    const box = requireSecretBox(env);
    let current = await withTenant(db, { orgId: p.orgId }, (tx) => loadConnect(db, tx, box, p.orgId));
    let created = false;
    if (!current || current.status === 'deauthorized') {
      // Once per tenant (and once per reconnection after a deauthorization): a retry or a concurrent start gets the same account.
      const generation = current ? `:after:${current.updatedAt.getTime()}` : '';
      const account = await callStripe(() =>
        stripe.accounts.create(
          { type: 'express', email: p.email, metadata: { org_id: p.orgId }, capabilities: { card_payments: { requested: true }, transfers: { requested: true } } },
          { idempotencyKey: `streamflow-connect-account:${p.orgId}${generation}` },
        ),
      );
      const stored = await withTenant(db, { orgId: p.orgId, userId: p.userId }, async (tx) => {
        const rows = await db.rows<{ org_id: string }>(
          sql`insert into tenant_stripe_connect (org_id, account_id_enc, account_id_hash, connect_status, details_submitted, charges_enabled, payouts_enabled)
              values (${p.orgId}, ${box.seal(account.id)}, ${accountHash(account.id)}, 'pending', ${account.details_submitted === true}, ${account.charges_enabled === true}, ${account.payouts_enabled === true})
              on conflict (org_id) do update set account_id_enc = excluded.account_id_enc, account_id_hash = excluded.account_id_hash,
                connect_status = 'pending', details_submitted = excluded.details_submitted, charges_enabled = excluded.charges_enabled,
                payouts_enabled = excluded.payouts_enabled, updated_at = now()
              where tenant_stripe_connect.connect_status = 'deauthorized'
              returning org_id`,
          tx,
        );
        if (rows.length) await recordAudit(db, { action: 'billing.connect_started', outcome: 'succeeded', actorUserId: p.userId, orgId: p.orgId, space: p.space, requestId: c.get('requestId'), targetTable: 'tenant_stripe_connect', targetId: p.orgId }, tx);
        return loadConnect(db, tx, box, p.orgId);
      });
      created = stored?.accountId === account.id;
      current = stored;
    }
    if (!current) throw new Error('connect/start: no account after insert');
    const accountId = current.accountId;
    const link = await callStripe(() =>
      stripe.accountLinks.create({
        account: accountId,
        type: 'account_onboarding',
        refresh_url: billingPageUrl(env, p.orgId, 'connect=refresh'),
        return_url: billingPageUrl(env, p.orgId, 'connect=return'),
      }),
    );
    return c.json({ url: link.url, expiresAt: new Date(link.expires_at * 1000).toISOString(), created, status: current.status });
  });

  app.get('/api/client-billing/connect/status', requireTenant(deps), requirePerm(deps, 'billing.manage'), async (c) => {
    const p = tenantPrincipalOf(c);
    const box = requireSecretBox(env);
    let row = await withTenant(db, { orgId: p.orgId }, (tx) => loadConnect(db, tx, box, p.orgId));
    if (!row) return c.json({ status: 'not_started', detailsSubmitted: false, chargesEnabled: false, payoutsEnabled: false });
    if (deps.stripeProvider && row.status !== 'deauthorized') {
      // Fresh from Stripe when it answers; the stored state (kept current by account.updated) otherwise.
      const stripe = deps.stripeProvider;
      const accountId = row.accountId;
      const account = await stripe.accounts.retrieve(accountId).catch((err: unknown) => {
        c.get('log')?.warn('connect status: stripe unavailable, answering stored state', { error: String(err) });
        return null;
      });
      if (account) {
        const status = connectStatusOf(account);
        row = { ...row, status, detailsSubmitted: account.details_submitted === true, chargesEnabled: account.charges_enabled === true, payoutsEnabled: account.payouts_enabled === true };
        await withTenant(db, { orgId: p.orgId }, (tx) =>
          db.rows(sql`update tenant_stripe_connect set connect_status = ${status}, details_submitted = ${row!.detailsSubmitted},
                        charges_enabled = ${row!.chargesEnabled}, payouts_enabled = ${row!.payoutsEnabled}, updated_at = now()
                      where org_id = ${p.orgId} and connect_status <> 'deauthorized'`, tx),
        );
      }
    }
    return c.json({ status: row.status, detailsSubmitted: row.detailsSubmitted, chargesEnabled: row.chargesEnabled, payoutsEnabled: row.payoutsEnabled });
  });

  app.post('/api/client-billing/checkout', requireTenant(deps), requirePerm(deps, 'payments.create'), requireModule(deps, 'client_payments'), async (c) => {
    const p = tenantPrincipalOf(c);
    const input = checkoutInput.parse(await readJson(c));
    const [inv] = await withTenant(db, { orgId: p.orgId }, (tx) =>
      db.rows<{ currency: string; total: string; amount_paid: string }>(sql`select currency, total::text as total, amount_paid::text as amount_paid from invoices where id = ${input.invoiceId}`, tx),
    );
    // The key names the invoice and the amount: asking again for the same payment reuses the session.
    const amountMinor = inv ? (input.amount !== undefined ? toMinorUnits(input.amount, inv.currency) : toMinorUnits(inv.total, inv.currency) - toMinorUnits(inv.amount_paid, inv.currency)) : 0;
    const checkout = await createInvoiceCheckout(deps, { orgId: p.orgId, invoiceId: input.invoiceId, amount: input.amount, idempotencyKey: `streamflow-invoice:${input.invoiceId}:${amountMinor}` });
    const reused = await withTenant(db, { orgId: p.orgId, userId: p.userId }, async (tx) => {
      const rows = await db.rows<{ previous: string | null }>(
        sql`update invoices i set payment_url = ${checkout.url}, stripe_checkout_session_id = ${checkout.sessionId}
            from (select stripe_checkout_session_id as previous from invoices where id = ${input.invoiceId}) old
            where i.id = ${input.invoiceId} returning old.previous`,
        tx,
      );
      return rows[0]?.previous === checkout.sessionId;
    });
    return c.json({ url: checkout.url, sessionId: checkout.sessionId, amount: checkout.amountMinor, currency: checkout.currency, reused });
  });
  return app;
}
