import { useLiveQuery, usePGlite } from '@electric-sql/pglite-react';
import { useEffect, useState, type FormEvent } from 'react';
import { api, type Me } from '../api.ts';
import { useOnline } from '../sync/status.ts';
import { LATEST_PAYMENT_REQUESTS_SQL, requestPayment, type PaymentRequestRow } from './payment-requests.ts';

interface InvoiceRow {
  id: string;
  number: string;
  status: string;
  currency: string;
  total: string;
  amount_paid: string;
  balance: string;
  due_date: string | null;
  payment_url: string | null;
  company: string | null;
}

const FAILURES: Record<string, string> = {
  INVOICE_NOT_PAYABLE: 'the invoice can no longer be paid',
  AMOUNT_INVALID: 'the amount is more than the balance due',
  CONNECT_NOT_STARTED: 'card payments are not set up (Billing settings)',
  CONNECT_NOT_READY: 'the Stripe account cannot take payments yet',
  MODULE_NOT_ENTITLED: 'your plan does not include card payments',
  STRIPE_UNAVAILABLE: 'Stripe could not be reached; try again',
  STRIPE_REJECTED: 'Stripe refused the request',
  INVOICE_NOT_FOUND: 'the invoice no longer exists',
  PAYMENT_LINK_FAILED: 'the server could not make the link; try again',
};

/** What the device shows for a payment request, and whether another may be made. */
function requestState(r: PaymentRequestRow): { text: string; link: string | null; again: boolean } {
  if (r.local_state === 'pending') return { text: `Payment request for ${r.amount} saved; it uploads when online`, link: null, again: false };
  if (r.local_state === 'rejected' || r.local_state === 'conflict') return { text: 'Payment request refused (see sync issues)', link: null, again: true };
  if (r.status === 'link_ready') return { text: `Link for ${r.amount}`, link: r.checkout_url, again: false };
  if (r.status === 'paid') return { text: `Paid ${r.amount} by card`, link: null, again: true };
  if (r.status === 'failed') return { text: `No link: ${FAILURES[r.failure_code ?? ''] ?? r.failure_code ?? 'unknown error'}`, link: null, again: true };
  return { text: `Making the payment link for ${r.amount}…`, link: null, again: false };
}

/**
 * Invoices, read from the local database. "Collect payment" works offline
 * (a local payment request; the link arrives when synced); "Get paid" asks
 * the server for a Checkout link at once (online).
 */
export function InvoicesPage({ me }: { me: Me }) {
  const online = useOnline();
  const pg = usePGlite();
  const [error, setError] = useState<string | null>(null);
  const [cardPayments, setCardPayments] = useState<boolean | null>(null);
  const res = useLiveQuery<InvoiceRow>(
    `SELECT i.id, i.number, i.status, i.currency, i.total::text AS total, i.amount_paid::text AS amount_paid,
            (i.total - i.amount_paid)::text AS balance,
            to_char(i.due_at, 'YYYY-MM-DD') AS due_date, i.payment_url, c.name AS company
       FROM invoices i LEFT JOIN companies c ON c.id = i.company_id
      ORDER BY i.number DESC`,
    [],
  );
  const canRead = me.perms.includes('payments.read');
  const requests = useLiveQuery<PaymentRequestRow>(canRead ? LATEST_PAYMENT_REQUESTS_SQL : 'SELECT NULL::text AS id WHERE false', []);
  const latest = new Map((requests?.rows ?? []).map((r) => [r.invoice_id, r]));

  // The plan decides whether card payments exist; offline, the last answer (or "maybe") stands.
  useEffect(() => {
    if (!online) return;
    api<{ entitlements: { modules: Record<string, boolean> } | null }>('/api/billing/entitlements').then(
      (r) => setCardPayments(r.entitlements?.modules.client_payments !== false),
      () => {},
    );
  }, [online]);

  const getPaid = async (id: string) => {
    setError(null);
    try {
      const { url } = await api<{ url: string }>('/api/client-billing/checkout', { method: 'POST', body: JSON.stringify({ invoiceId: id }) });
      window.open(url, '_blank', 'noopener');
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  const collect = async (e: FormEvent<HTMLFormElement>, inv: InvoiceRow) => {
    e.preventDefault();
    setError(null);
    const amount = String(new FormData(e.currentTarget).get('amount') ?? '').trim();
    const n = Number(amount);
    if (!/^\d+(\.\d{1,2})?$/.test(amount) || !(n > 0) || n > Number(inv.balance)) {
      setError(`Enter an amount above 0 and at most ${inv.balance} ${inv.currency}.`);
      return;
    }
    try {
      await requestPayment(pg, inv.id, amount);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };

  const canCollect = me.perms.includes('payments.create') && cardPayments !== false;
  return (
    <section className="card" aria-labelledby="inv-title">
      <h1 id="inv-title">Invoices</h1>
      {cardPayments === false && <p className="muted">Your plan does not include card payments.</p>}
      {error && <p role="alert" className="error">{error}</p>}
      <table className="list">
        <thead>
          <tr><th scope="col">Number</th><th scope="col">Customer</th><th scope="col">Status</th><th scope="col">Total</th><th scope="col">Paid</th><th scope="col">Due</th><th scope="col">Payment</th></tr>
        </thead>
        <tbody>
          {(res?.rows ?? []).map((i) => {
            const req = latest.get(i.id);
            const state = req ? requestState(req) : null;
            const payable = canCollect && ['open', 'draft'].includes(i.status) && Number(i.balance) > 0;
            return (
              <tr key={i.id}>
                <th scope="row">{i.number}</th>
                <td>{i.company ?? ''}</td>
                <td>{i.status}</td>
                <td>{i.total} {i.currency}</td>
                <td>{i.amount_paid}</td>
                <td>{i.due_date ?? ''}</td>
                <td>
                  {state && (
                    <p className="muted" data-payment-request={req?.id}>
                      {state.link ? <a href={state.link} target="_blank" rel="noopener noreferrer">Payment link</a> : null} {state.text}
                      {req?.local_state === 'pending' && <span className="badge badge-pending">pending</span>}
                    </p>
                  )}
                  {!state?.link && i.payment_url && <a href={i.payment_url} target="_blank" rel="noopener noreferrer">Payment link</a>}
                  {payable && (state === null || state.again) && (
                    <form className="row" onSubmit={(e) => void collect(e, i)}>
                      <input name="amount" inputMode="decimal" defaultValue={i.balance} aria-label={`Amount to collect for ${i.number}`} size={8} />
                      <button type="submit">Collect payment</button>
                      {!i.payment_url && (
                        <button type="button" disabled={!online} title={online ? undefined : 'Needs a connection'} onClick={() => void getPaid(i.id)}>Get paid</button>
                      )}
                    </form>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
