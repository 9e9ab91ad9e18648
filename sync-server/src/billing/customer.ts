import { sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { Database } from '../db/types.ts';
import { callStripe } from './stripe-client.ts';

/**
 * The tenant's customer on the platform's Stripe account, made once. The
 * idempotency key is derived from the tenant id, so two concurrent first
 * checkouts (or a retry after a lost response) get the same customer from
 * Stripe, and the conditional update keeps whichever id was stored first.
 */
export async function ensureCustomer(db: Database, stripe: Stripe, org: { id: string; name: string; email?: string }): Promise<string> {
  const [row] = await db.rows<{ stripe_customer_id: string | null }>(sql`select stripe_customer_id from organization where id = ${org.id}`);
  if (row?.stripe_customer_id) return row.stripe_customer_id;
  const customer = await callStripe(() =>
    stripe.customers.create(
      { name: org.name, ...(org.email ? { email: org.email } : {}), metadata: { org_id: org.id } },
      { idempotencyKey: `streamflow-customer:${org.id}` },
    ),
  );
  const [stored] = await db.rows<{ stripe_customer_id: string }>(
    sql`update organization set stripe_customer_id = coalesce(stripe_customer_id, ${customer.id}) where id = ${org.id} returning stripe_customer_id`,
  );
  return stored?.stripe_customer_id ?? customer.id;
}
