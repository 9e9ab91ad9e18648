import { useState, type ReactNode } from 'react';
import { INVOICE_STATUSES, PAYMENT_STATUSES } from '@streamflow/schema';
import { LoadError, OnlineOnly, useServerData } from './online-only.tsx';

interface Revenue {
  currency: string;
  invoiced: string;
  outstanding: string;
  received: string;
  refunded: string;
  invoices: number;
}
interface ServedTenant {
  id: string;
  name: string;
  slug: string;
  revenue: Revenue[];
}

const amount = (v: string, currency: string) => Number(v).toLocaleString(undefined, { style: 'currency', currency, currencyDisplay: 'code' });

/** Accounting overview: the tenants this accountant serves, with revenue per currency. */
export function AccountingOverview() {
  const { data, error } = useServerData<{ tenants: ServedTenant[] }>('/api/accounting/tenants');
  return (
    <OnlineOnly title="Revenue by tenant">
      <section className="card" aria-labelledby="acct-title">
        <h1 id="acct-title">Revenue by tenant</h1>
        <LoadError error={error} />
        {data && data.tenants.length === 0 && <p>You do not serve any tenant yet. A platform operator links you to the tenants you keep the books for.</p>}
        <table className="list">
          <thead><tr><th scope="col">Tenant</th><th scope="col">Invoices</th><th scope="col">Invoiced</th><th scope="col">Received</th><th scope="col">Refunded</th><th scope="col">Outstanding</th></tr></thead>
          <tbody>
            {(data?.tenants ?? []).flatMap((t) =>
              (t.revenue.length ? t.revenue : [{ currency: 'USD', invoiced: '0', outstanding: '0', received: '0', refunded: '0', invoices: 0 }]).map((r) => (
                <tr key={`${t.id}-${r.currency}`}>
                  <th scope="row">{t.name}</th>
                  <td>{r.invoices}</td>
                  <td>{amount(r.invoiced, r.currency)}</td>
                  <td>{amount(r.received, r.currency)}</td>
                  <td>{amount(r.refunded, r.currency)}</td>
                  <td>{amount(r.outstanding, r.currency)}</td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      </section>
    </OnlineOnly>
  );
}

interface Page<T> {
  next: string | null;
  rows: T[];
}

/** A cursor-paged list of one accounting route, filterable by tenant and status. */
function useAccountingList<T>(route: 'invoices' | 'payments', tenant: string, status: string) {
  const [cursors, setCursors] = useState<string[]>([]);
  const params = new URLSearchParams({ limit: '50' });
  if (tenant) params.set('tenant', tenant);
  if (status) params.set('status', status);
  const cursor = cursors.at(-1);
  if (cursor) params.set('before', cursor);
  const { data, error } = useServerData<Record<string, unknown> & { next: string | null }>(`/api/accounting/${route}?${params.toString()}`);
  const page: Page<T> = { next: data?.next ?? null, rows: (data?.[route] as T[] | undefined) ?? [] };
  return { page, error, older: () => page.next && setCursors([...cursors, page.next]), newer: cursors.length ? () => setCursors(cursors.slice(0, -1)) : null, reset: () => setCursors([]) };
}

function TenantStatusFilter(props: { tenants: ServedTenant[]; tenant: string; setTenant: (v: string) => void; statuses: readonly string[]; status: string; setStatus: (v: string) => void }) {
  return (
    <div className="row" role="group" aria-label="Filters">
      <label>
        Tenant{' '}
        <select value={props.tenant} onChange={(e) => props.setTenant(e.target.value)}>
          <option value="">all I serve</option>
          {props.tenants.map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
        </select>
      </label>
      <label>
        Status{' '}
        <select value={props.status} onChange={(e) => props.setStatus(e.target.value)}>
          <option value="">any</option>
          {props.statuses.map((s) => <option key={s} value={s}>{s}</option>)}
        </select>
      </label>
    </div>
  );
}

interface InvoiceRow { id: string; tenant: string; number: string; status: string; currency: string; total: string; amount_paid: string; issued_at: string | null; due_at: string | null; company: string | null }
interface PaymentRow { id: string; tenant: string; invoice_number: string | null; amount: string; currency: string; method: string; status: string; received_at: string | null }

/** One cursor-paged accounting list: filters, table and paging, with the route's own columns. */
function AccountingList<T extends { id: string }>(props: {
  route: 'invoices' | 'payments';
  title: string;
  statuses: readonly string[];
  head: string[];
  row: (r: T) => ReactNode;
}) {
  const tenants = useServerData<{ tenants: ServedTenant[] }>('/api/accounting/tenants').data?.tenants ?? [];
  const [tenant, setTenant] = useState('');
  const [status, setStatus] = useState('');
  const list = useAccountingList<T>(props.route, tenant, status);
  const id = `acct-${props.route}`;
  return (
    <OnlineOnly title={props.title}>
      <section className="card" aria-labelledby={id}>
        <h1 id={id}>{props.title}</h1>
        <TenantStatusFilter tenants={tenants} tenant={tenant} setTenant={(v) => { setTenant(v); list.reset(); }} statuses={props.statuses} status={status} setStatus={(v) => { setStatus(v); list.reset(); }} />
        <LoadError error={list.error} />
        <table className="list">
          <thead><tr>{props.head.map((h) => <th key={h} scope="col">{h}</th>)}</tr></thead>
          <tbody>{list.page.rows.map((r) => <tr key={r.id}>{props.row(r)}</tr>)}</tbody>
        </table>
        <div className="row">
          {list.newer && <button type="button" className="secondary" onClick={list.newer}>Newer</button>}
          {list.page.next && <button type="button" className="secondary" onClick={() => list.older()}>Older</button>}
        </div>
      </section>
    </OnlineOnly>
  );
}

export function AccountingInvoices() {
  return (
    <AccountingList<InvoiceRow>
      route="invoices"
      title="Invoices"
      statuses={INVOICE_STATUSES}
      head={['Number', 'Tenant', 'Customer', 'Status', 'Total', 'Paid', 'Due']}
      row={(i) => (
        <>
          <th scope="row">{i.number}</th>
          <td>{i.tenant}</td>
          <td>{i.company ?? ''}</td>
          <td>{i.status}</td>
          <td>{amount(i.total, i.currency)}</td>
          <td>{amount(i.amount_paid, i.currency)}</td>
          <td>{i.due_at ? i.due_at.slice(0, 10) : ''}</td>
        </>
      )}
    />
  );
}

export function AccountingPayments() {
  return (
    <AccountingList<PaymentRow>
      route="payments"
      title="Payments"
      statuses={PAYMENT_STATUSES}
      head={['Received', 'Tenant', 'Invoice', 'Method', 'Status', 'Amount']}
      row={(p) => (
        <>
          <td>{p.received_at ? p.received_at.slice(0, 10) : ''}</td>
          <td>{p.tenant}</td>
          <th scope="row">{p.invoice_number ?? ''}</th>
          <td>{p.method.replace('_', ' ')}</td>
          <td>{p.status}</td>
          <td>{amount(p.amount, p.currency)}</td>
        </>
      )}
    />
  );
}
