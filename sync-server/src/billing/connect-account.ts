import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { SecretBox } from '../crypto/secret-box.ts';
import type { Database, Executor } from '../db/types.ts';

/** SHA-256 (hex) of a connected account id: the lookup key stored beside its ciphertext. */
export function accountHash(accountId: string): string {
  return createHash('sha256').update(accountId).digest('hex');
}

const ACCOUNT_ID = /\bacct_[A-Za-z0-9]+/g;

/**
 * `text` with every connected account id replaced by a marker naming its hash
 * (`acct_sha256_<hex>`), so what we keep of Stripe's payloads never holds
 * the id that tenant_stripe_connect keeps only encrypted.
 */
export function redactAccountIds(text: string): string {
  return text.replace(ACCOUNT_ID, (id) => `acct_sha256_${accountHash(id)}`);
}

export type ConnectStatus = 'pending' | 'active' | 'restricted' | 'deauthorized';

/** Maps a Stripe account's flags to our connect_status. */
export function connectStatusOf(account: Pick<Stripe.Account, 'details_submitted' | 'charges_enabled' | 'payouts_enabled'>): Exclude<ConnectStatus, 'deauthorized'> {
  if (account.charges_enabled && account.payouts_enabled) return 'active';
  if (account.details_submitted) return 'restricted';
  return 'pending';
}

export interface ConnectRow {
  accountId: string;
  status: ConnectStatus;
  detailsSubmitted: boolean;
  chargesEnabled: boolean;
  payoutsEnabled: boolean;
  updatedAt: Date;
}

interface RawRow extends Record<string, unknown> {
  account_id_enc: string;
  connect_status: ConnectStatus;
  details_submitted: boolean;
  charges_enabled: boolean;
  payouts_enabled: boolean;
  updated_at: string | Date;
}

/** The tenant's connected account with its id decrypted, or null before connect/start. Run inside withTenant. */
export async function loadConnect(db: Database, ex: Executor, box: SecretBox, orgId: string): Promise<ConnectRow | null> {
  const [row] = await db.rows<RawRow>(
    sql`select account_id_enc, connect_status, details_submitted, charges_enabled, payouts_enabled, updated_at
        from tenant_stripe_connect where org_id = ${orgId}`,
    ex,
  );
  if (!row) return null;
  return {
    accountId: box.open(row.account_id_enc),
    status: row.connect_status,
    detailsSubmitted: row.details_submitted,
    chargesEnabled: row.charges_enabled,
    payoutsEnabled: row.payouts_enabled,
    updatedAt: new Date(row.updated_at),
  };
}
