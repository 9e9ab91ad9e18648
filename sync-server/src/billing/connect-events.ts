import { sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import { recordAudit } from '../audit/record.ts';
import type { Database } from '../db/types.ts';
import { clientPaymentHandlers, orgOfAccount } from './client-payments.ts';
import { connectStatusOf } from './connect-account.ts';
import { actFor, type EventHandler } from './webhook-core.ts';

/** The Connect endpoint's handlers: events of tenants' connected accounts (`event.account` set). */
export function connectHandlers(db: Database): Record<string, EventHandler> {
  return {
    ...clientPaymentHandlers(db),
    'account.updated': async (tx, event) => {
      const account = event.data.object as Stripe.Account;
      const orgId = await orgOfAccount(db, tx, event.account ?? account.id);
      if (!orgId) return { outcome: 'unknown_account' };
      await actFor(db, tx, orgId);
      const status = connectStatusOf(account);
      // A deauthorized account stays so until the tenant connects again.
      await db.rows(
        sql`update tenant_stripe_connect set details_submitted = ${account.details_submitted === true},
              charges_enabled = ${account.charges_enabled === true}, payouts_enabled = ${account.payouts_enabled === true},
              connect_status = case when connect_status = 'deauthorized' then connect_status else ${status} end, updated_at = now()
            where org_id = ${orgId}`,
        tx,
      );
      return { outcome: `account_${status}`, orgId };
    },
    'account.application.deauthorized': async (tx, event) => {
      const orgId = event.account ? await orgOfAccount(db, tx, event.account) : null;
      if (!orgId) return { outcome: 'unknown_account' };
      await actFor(db, tx, orgId);
      await db.rows(
        sql`update tenant_stripe_connect set connect_status = 'deauthorized', charges_enabled = false, payouts_enabled = false, updated_at = now()
            where org_id = ${orgId}`,
        tx,
      );
      await recordAudit(db, { action: 'billing.connect_deauthorized', outcome: 'succeeded', orgId, space: 'platform', targetTable: 'tenant_stripe_connect', targetId: orgId, details: { eventId: event.id } }, tx);
      return { outcome: 'deauthorized', orgId };
    },
  };
}
