import { useLiveQuery, usePGlite } from '@electric-sql/pglite-react';
import { useEffect, useState } from 'react';
import { FileText, SearchX } from 'lucide-react';
import { api, type Me } from '../api.ts';
import { useOnline } from '../sync/status.ts';
import { Button } from '../ui/button.tsx';
import { Dialog } from '../ui/dialog.tsx';
import { NativeSelect, TextField } from '../ui/field.tsx';
import { Badge, EmptyState, PageHeader, Skeleton, Toolbar, type Tone } from '../ui/page.tsx';
import { currencySymbol, day, money } from '../ui/format.ts';
import { ERROR_MESSAGES, errorSentence, sentenceOf } from '../ui/messages.ts';
import { LATEST_PAYMENT_REQUESTS_SQL, requestPayment, type PaymentRequestRow } from './payment-requests.ts';
import './invoices.css';

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

const STATUS_TONE: Record<string, Tone> = { draft: 'neutral', open: 'accent', paid: 'success', void: 'neutral', uncollectible: 'danger', overdue: 'danger' };

/** What the device shows for a payment request, and whether another may be made. */
function requestState(r: PaymentRequestRow, currency: string): { text: string; link: string | null; again: boolean } {
  const amount = money(r.amount, currency);
  if (r.local_state === 'pending') return { text: `Request for ${amount} saved; it uploads when online.`, link: null, again: false };
  if (r.local_state === 'rejected' || r.local_state === 'conflict') return { text: 'The payment request was refused (see sync issues).', link: null, again: true };
  if (r.status === 'link_ready') return { text: `Link for ${amount}`, link: r.checkout_url, again: false };
  if (r.status === 'paid') return { text: `Paid ${amount} by card.`, link: null, again: true };
  if (r.status === 'failed') return { text: sentenceOf(ERROR_MESSAGES[r.failure_code ?? ''] ?? ERROR_MESSAGES.PAYMENT_LINK_FAILED!), link: null, again: true };
  return { text: `Making the payment link for ${amount}…`, link: null, again: false };
}

const getPaidError = (err: unknown) => errorSentence(err, 'The payment link could not be made. Try again.');

/**
 * Invoices, read from the local database. "Collect payment" works offline
 * (a local payment request; the link arrives when synced); "Get a link now"
 * asks the server for a Checkout link at once (online).
 */
export function InvoicesPage({ me }: { me: Me }) {
  const online = useOnline();
  const pg = usePGlite();
  const [cardPayments, setCardPayments] = useState<boolean | null>(null);
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState('all');
  const [collecting, setCollecting] = useState<InvoiceRow | null>(null);
  const [amount, setAmount] = useState('');
  const [amountError, setAmountError] = useState<string | null>(null);
  const [linkError, setLinkError] = useState<string | null>(null);
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

  const open = (inv: InvoiceRow) => {
    setCollecting(inv);
    setAmount(inv.balance);
    setAmountError(null);
    setLinkError(null);
  };
  const getPaid = async (inv: InvoiceRow) => {
    setLinkError(null);
    try {
      const { url } = await api<{ url: string }>('/api/client-billing/checkout', { method: 'POST', body: JSON.stringify({ invoiceId: inv.id }) });
      window.open(url, '_blank', 'noopener');
      setCollecting(null);
    } catch (err) {
      setLinkError(getPaidError(err));
    }
  };
  const collect = async (inv: InvoiceRow) => {
    const value = amount.trim();
    const n = Number(value);
    if (!/^\d+(\.\d{1,2})?$/.test(value) || !(n > 0) || n > Number(inv.balance)) {
      setAmountError(`Enter an amount above 0 and at most ${money(inv.balance, inv.currency)}.`);
      return;
    }
    try {
      await requestPayment(pg, inv.id, value);
      setCollecting(null);
    } catch {
      setAmountError('The request could not be saved on this device. Try again.');
    }
  };

  const rows = res?.rows ?? [];
  const q = search.trim().toLowerCase();
  const shown = rows.filter((i) => (status === 'all' || i.status === status) && (!q || `${i.number} ${i.company ?? ''}`.toLowerCase().includes(q)));
  const statuses = [...new Set(rows.map((r) => r.status))].sort();
  const canCollect = me.perms.includes('payments.create') && cardPayments !== false;
  return (
    <>
      <PageHeader
        title="Invoices"
        count={res ? `${rows.length.toLocaleString()} invoice${rows.length === 1 ? '' : 's'}` : undefined}
        description={cardPayments === false ? 'Your plan does not include card payments.' : undefined}
      />
      {rows.length > 0 && (
        <Toolbar>
          <TextField className="inv-search" label="Search" type="search" value={search} onChange={setSearch} placeholder="Number or customer" />
          <NativeSelect label="Status" value={status} onChange={setStatus} options={[{ id: 'all', label: 'All statuses' }, ...statuses.map((s) => ({ id: s, label: s.charAt(0).toUpperCase() + s.slice(1) }))]} />
        </Toolbar>
      )}
      {!res ? (
        <Skeleton rows={6} label="Loading invoices" />
      ) : rows.length === 0 ? (
        <EmptyState icon={<FileText size={28} />} title="No invoices yet">Invoices for finished work appear here, with their balance and payment links.</EmptyState>
      ) : shown.length === 0 ? (
        <EmptyState icon={<SearchX size={28} />} title="No invoices match" action={<Button variant="secondary" onPress={() => { setSearch(''); setStatus('all'); }}>Clear the filters</Button>}>
          Try another number, customer or status.
        </EmptyState>
      ) : (
        <div className="sf-table-wrap">
          <table className="sf-table">
            <thead>
              <tr>
                <th scope="col">Number</th>
                <th scope="col" className="inv-secondary">Customer</th>
                <th scope="col">Status</th>
                <th scope="col" className="sf-num">Total</th>
                <th scope="col" className="sf-num inv-secondary">Paid</th>
                <th scope="col" className="inv-secondary">Due</th>
                <th scope="col">Payment</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((i) => {
                const req = latest.get(i.id);
                const state = req ? requestState(req, i.currency) : null;
                const payable = canCollect && ['open', 'draft'].includes(i.status) && Number(i.balance) > 0;
                return (
                  <tr key={i.id}>
                    <th scope="row">{i.number}</th>
                    <td className="inv-secondary">{i.company ?? ''}</td>
                    <td><Badge tone={STATUS_TONE[i.status] ?? 'neutral'}>{i.status}</Badge></td>
                    <td className="sf-num">{money(i.total, i.currency)}</td>
                    <td className="sf-num inv-secondary">{money(i.amount_paid, i.currency)}</td>
                    <td className="inv-secondary">{i.due_date ? day(i.due_date) : <span className="sf-muted">—</span>}</td>
                    <td>
                      <div className="inv-payment">
                        {state && (
                          <span className="inv-payment-text" data-payment-request={req?.id}>
                            {state.link ? <a href={state.link} target="_blank" rel="noopener noreferrer">Payment link</a> : null} {state.text}{' '}
                            {req?.local_state === 'pending' && <Badge>pending</Badge>}
                          </span>
                        )}
                        {!state?.link && i.payment_url && <a href={i.payment_url} target="_blank" rel="noopener noreferrer">Payment link</a>}
                        {payable && (state === null || state.again) && (
                          <Button size="sm" variant="secondary" aria-label={`Collect payment for ${i.number}`} onPress={() => open(i)}>Collect payment</Button>
                        )}
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <Dialog
        kind="sheet"
        isOpen={collecting !== null}
        onClose={() => setCollecting(null)}
        title={collecting ? `Collect payment for ${collecting.number}` : 'Collect payment'}
        footer={
          collecting && (
            <>
              {!collecting.payment_url && (
                <Button variant="secondary" isDisabled={!online} onPress={() => void getPaid(collecting)}>{online ? 'Get a link now' : 'Get a link now (needs a connection)'}</Button>
              )}
              <Button variant="primary" onPress={() => void collect(collecting)}>Collect payment</Button>
            </>
          )
        }
      >
        {collecting && (
          <form className="sf-form" onSubmit={(e) => { e.preventDefault(); void collect(collecting); }}>
            <p className="sf-form-wide sf-muted">
              {collecting.company ? `${collecting.company} owes ` : 'Balance due: '}{money(collecting.balance, collecting.currency)}. A payment link for the amount is made when this device is online; the customer pays by card.
            </p>
            <TextField
              className="sf-form-wide"
              label="Amount"
              inputMode="decimal"
              prefix={currencySymbol(collecting.currency)}
              value={amount}
              onChange={setAmount}
              error={amountError}
              isRequired
              autoFocus
            />
            {linkError && <div role="alert" className="error-message sf-form-wide">{linkError}</div>}
          </form>
        )}
      </Dialog>
    </>
  );
}
