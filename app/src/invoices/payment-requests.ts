import type { PGliteInterface } from '@electric-sql/pglite';

/** A "collect payment" request as the device sees it: its own pending row, or the server's with the link. */
export interface PaymentRequestRow {
  id: string;
  invoice_id: string;
  amount: string;
  status: string | null;
  checkout_url: string | null;
  failure_code: string | null;
  local_state: 'pending' | 'conflict' | 'rejected' | null;
}

/**
 * "Collect payment": records a payment request for `invoiceId` in the local
 * database, online or not. Only the invoice and the amount are written; the
 * outbox uploads the row through /api/write, the server makes at most one
 * Checkout Session for it (keyed by the row id) and the link comes back
 * through the payment_requests shape. No card data or Stripe secret is ever
 * on the device. Returns the new row's id.
 */
export async function requestPayment(pg: Pick<PGliteInterface, 'query'>, invoiceId: string, amount: string): Promise<string> {
  const id = crypto.randomUUID();
  await pg.query('INSERT INTO payment_requests (id, invoice_id, amount) VALUES ($1, $2, $3)', [id, invoiceId, amount]);
  return id;
}

/** The newest request of each invoice: a device's own not-yet-synced rows first (the server has not dated them). */
export const LATEST_PAYMENT_REQUESTS_SQL = `
  SELECT DISTINCT ON (invoice_id) id, invoice_id, amount::text AS amount, status, checkout_url, failure_code, local_state
    FROM payment_requests
   ORDER BY invoice_id, created_at DESC NULLS FIRST, id`;
