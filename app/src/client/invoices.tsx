import { useLiveQuery } from '@electric-sql/pglite-react';
import { useState } from 'react';
import { api, type Me } from '../api.ts';
import { useOnline } from '../sync/status.ts';

interface InvoiceRow {
  id: string;
  number: string;
  status: string;
  currency: string;
  total: string;
  amount_paid: string;
  due_date: string | null;
  payment_url: string | null;
  company: string | null;
}

/** Invoices, read from the local database; "Get paid" asks the server for a Checkout link (online). */
export function InvoicesPage({ me }: { me: Me }) {
  const online = useOnline();
  const [error, setError] = useState<string | null>(null);
  const res = useLiveQuery<InvoiceRow>(
    `SELECT i.id, i.number, i.status, i.currency, i.total::text AS total, i.amount_paid::text AS amount_paid,
            to_char(i.due_at, 'YYYY-MM-DD') AS due_date, i.payment_url, c.name AS company
       FROM invoices i LEFT JOIN companies c ON c.id = i.company_id
      ORDER BY i.number DESC`,
    [],
  );
  const getPaid = async (id: string) => {
    setError(null);
    try {
      const { url } = await api<{ url: string }>('/api/client-billing/checkout', { method: 'POST', body: JSON.stringify({ invoiceId: id }) });
      window.open(url, '_blank', 'noopener');
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  const canCollect = me.perms.includes('payments.create');
  return (
    <section className="card" aria-labelledby="inv-title">
      <h1 id="inv-title">Invoices</h1>
      {error && <p role="alert" className="error">{error}</p>}
      <table className="list">
        <thead>
          <tr><th scope="col">Number</th><th scope="col">Customer</th><th scope="col">Status</th><th scope="col">Total</th><th scope="col">Paid</th><th scope="col">Due</th><th scope="col">Payment</th></tr>
        </thead>
        <tbody>
          {(res?.rows ?? []).map((i) => (
            <tr key={i.id}>
              <th scope="row">{i.number}</th>
              <td>{i.company ?? ''}</td>
              <td>{i.status}</td>
              <td>{i.total} {i.currency}</td>
              <td>{i.amount_paid}</td>
              <td>{i.due_date ?? ''}</td>
              <td>
                {i.payment_url ? (
                  <a href={i.payment_url} target="_blank" rel="noopener noreferrer">Payment link</a>
                ) : canCollect && ['open', 'draft'].includes(i.status) ? (
                  <button type="button" disabled={!online} title={online ? undefined : 'Needs a connection'} onClick={() => void getPaid(i.id)}>Get paid</button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
