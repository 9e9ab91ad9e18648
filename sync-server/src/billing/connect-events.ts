import { sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import { recordAudit } from '../audit/record.ts';
import type { Database } from '../db/types.ts';
import { clientPaymentHandlers, orgOfAccount } from './client-payments.ts';
import { accountHash, connectStatusOf } from './connect-account.ts';
import { actFor, type EventHandler } from './webhook-core.ts';

/** The Connect endpoint's handlers: events of tenants' connected accounts (`event.account` set). */
export function connectHandlers(db: Database): Record<string, EventHandler> {
  return {
    ...clientPaymentHandlers(db),
    'account.updated': async (tx, event) => {
      const account = event.data.object as Stripe.Account;
      const accountId = event.account ?? account.id;
      const orgId = await orgOfAccount(db, tx, accountId);
      if (!orgId) return { outcome: 'unknown_account' };
      await actFor(db, tx, orgId);
      // Each account.updated carries the whole account: one Stripe made later, already
      // applied, wins over this one delivered late. The row lock orders concurrent deliveries,
      // so the second one's check sees the first one's committed event.
      await db.rows(sql`select org_id from tenant_stripe_connect where org_id = ${orgId} for update`, tx);
      const [newer] = await db.rows<{ id: string }>(
        sql`select id from stripe_events
            where type = 'account.updated' and account = ${accountHash(accountId)} and id <> ${event.id}
              and (payload->>'created')::bigint > ${event.created}
            limit 1`,
        tx,
      );
      if (newer) return { outcome: 'stale', orgId };
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
