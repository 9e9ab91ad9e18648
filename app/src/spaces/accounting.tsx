import { useState, type ReactNode } from 'react';
import { Landmark, SearchX } from 'lucide-react';
import { INVOICE_STATUSES, PAYMENT_STATUSES } from '@streamflow/schema';
import { Button } from '../ui/button.tsx';
import { NativeSelect } from '../ui/field.tsx';
import { Badge, EmptyState, PageHeader, Skeleton, Toolbar, type Tone } from '../ui/page.tsx';
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
const day = (iso: string | null) => (iso ? new Date(iso).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' }) : '');
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1).replaceAll('_', ' ');
const STATUS_TONE: Record<string, Tone> = { paid: 'success', succeeded: 'success', open: 'accent', draft: 'neutral', void: 'neutral', failed: 'danger', refunded: 'warning', uncollectible: 'danger', pending: 'neutral' };

/** Accounting overview: the tenants this accountant serves, with revenue per currency. */
export function AccountingOverview() {
  const { data, error } = useServerData<{ tenants: ServedTenant[] }>('/api/accounting/tenants');
  return (
    <OnlineOnly title="Revenue by tenant">
      <PageHeader title="Revenue by tenant" count={data ? `${data.tenants.length.toLocaleString()} tenant${data.tenants.length === 1 ? '' : 's'}` : undefined} />
      <LoadError error={error} />
      {!data ? (!error && <Skeleton rows={5} label="Loading revenue" />) : data.tenants.length === 0 ? (
        <EmptyState icon={<Landmark size={28} />} title="You do not serve any tenant yet">A platform operator links you to the tenants you keep the books for.</EmptyState>
      ) : (
        <div className="sf-table-wrap">
          <table className="sf-table">
            <thead><tr><th scope="col">Tenant</th><th scope="col" className="sf-num staff-secondary">Invoices</th><th scope="col" className="sf-num">Invoiced</th><th scope="col" className="sf-num staff-secondary">Received</th><th scope="col" className="sf-num staff-secondary">Refunded</th><th scope="col" className="sf-num">Outstanding</th></tr></thead>
            <tbody>
              {data.tenants.flatMap((t) =>
                (t.revenue.length ? t.revenue : [{ currency: 'USD', invoiced: '0', outstanding: '0', received: '0', refunded: '0', invoices: 0 }]).map((r) => (
                  <tr key={`${t.id}-${r.currency}`}>
                    <th scope="row">{t.name}</th>
                    <td className="sf-num staff-secondary">{r.invoices.toLocaleString()}</td>
                    <td className="sf-num">{amount(r.invoiced, r.currency)}</td>
                    <td className="sf-num staff-secondary">{amount(r.received, r.currency)}</td>
                    <td className="sf-num staff-secondary">{amount(r.refunded, r.currency)}</td>
                    <td className="sf-num">{amount(r.outstanding, r.currency)}</td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
        </div>
      )}
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
  return { page, error, loaded: data !== null, older: () => page.next && setCursors([...cursors, page.next]), newer: cursors.length ? () => setCursors(cursors.slice(0, -1)) : null, reset: () => setCursors([]) };
}

function TenantStatusFilter(props: { tenants: ServedTenant[]; tenant: string; setTenant: (v: string) => void; statuses: readonly string[]; status: string; setStatus: (v: string) => void }) {
  return (
    <Toolbar>
      <NativeSelect label="Tenant" value={props.tenant} onChange={props.setTenant} options={[{ id: '', label: 'All I serve' }, ...props.tenants.map((t) => ({ id: t.id, label: t.name }))]} />
      <NativeSelect label="Status" value={props.status} onChange={props.setStatus} options={[{ id: '', label: 'Any status' }, ...props.statuses.map((s) => ({ id: s, label: cap(s) }))]} />
    </Toolbar>
  );
}

interface InvoiceRow { id: string; tenant: string; number: string; status: string; currency: string; total: string; amount_paid: string; issued_at: string | null; due_at: string | null; company: string | null }
interface PaymentRow { id: string; tenant: string; invoice_number: string | null; amount: string; currency: string; method: string; status: string; received_at: string | null }

/** One cursor-paged accounting list: filters, table and paging, with the route's own columns. */
function AccountingList<T extends { id: string }>(props: {
  route: 'invoices' | 'payments';
  title: string;
  statuses: readonly string[];
  head: { label: string; className?: string }[];
  row: (r: T) => ReactNode;
}) {
  const tenants = useServerData<{ tenants: ServedTenant[] }>('/api/accounting/tenants').data?.tenants ?? [];
  const [tenant, setTenant] = useState('');
  const [status, setStatus] = useState('');
  const list = useAccountingList<T>(props.route, tenant, status);
  const filtered = Boolean(tenant || status);
  return (
    <OnlineOnly title={props.title}>
      <PageHeader title={props.title} />
      <TenantStatusFilter tenants={tenants} tenant={tenant} setTenant={(v) => { setTenant(v); list.reset(); }} statuses={props.statuses} status={status} setStatus={(v) => { setStatus(v); list.reset(); }} />
      <LoadError error={list.error} />
      {!list.loaded ? (!list.error && <Skeleton rows={6} label={`Loading ${props.route}`} />) : list.page.rows.length === 0 ? (
        <EmptyState
          icon={<SearchX size={28} />}
          title={filtered ? `No ${props.route} match` : `No ${props.route} yet`}
          action={filtered ? <Button variant="secondary" onPress={() => { setTenant(''); setStatus(''); list.reset(); }}>Clear the filters</Button> : undefined}
        >
          {filtered ? 'Try another tenant or status.' : `The ${props.route} of the tenants you serve appear here.`}
        </EmptyState>
      ) : (
        <div className="sf-table-wrap">
          <table className="sf-table">
            <thead><tr>{props.head.map((h) => <th key={h.label} scope="col" className={h.className}>{h.label}</th>)}</tr></thead>
            <tbody>{list.page.rows.map((r) => <tr key={r.id}>{props.row(r)}</tr>)}</tbody>
          </table>
        </div>
      )}
      {(list.newer || list.page.next) && (
        <div className="staff-pager">
          {list.newer && <Button variant="secondary" onPress={list.newer}>Newer</Button>}
          {list.page.next && <Button variant="secondary" onPress={() => list.older()}>Older</Button>}
        </div>
      )}
    </OnlineOnly>
  );
}

export function AccountingInvoices() {
  return (
    <AccountingList<InvoiceRow>
      route="invoices"
      title="Invoices"
      statuses={INVOICE_STATUSES}
      head={[{ label: 'Number' }, { label: 'Tenant' }, { label: 'Customer', className: 'staff-secondary' }, { label: 'Status' }, { label: 'Total', className: 'sf-num' }, { label: 'Paid', className: 'sf-num staff-secondary' }, { label: 'Due', className: 'staff-secondary' }]}
      row={(i) => (
        <>
          <th scope="row">{i.number}</th>
          <td>{i.tenant}</td>
          <td className="staff-secondary">{i.company ?? ''}</td>
          <td><Badge tone={STATUS_TONE[i.status] ?? 'neutral'}>{i.status.replaceAll('_', ' ')}</Badge></td>
          <td className="sf-num">{amount(i.total, i.currency)}</td>
          <td className="sf-num staff-secondary">{amount(i.amount_paid, i.currency)}</td>
          <td className="staff-secondary">{day(i.due_at)}</td>
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
      head={[{ label: 'Received', className: 'staff-secondary' }, { label: 'Tenant' }, { label: 'Invoice' }, { label: 'Method', className: 'staff-secondary' }, { label: 'Status' }, { label: 'Amount', className: 'sf-num' }]}
      row={(p) => (
        <>
          <td className="staff-secondary">{day(p.received_at)}</td>
          <td>{p.tenant}</td>
          <th scope="row">{p.invoice_number ?? ''}</th>
          <td className="staff-secondary">{p.method.replaceAll('_', ' ')}</td>
          <td><Badge tone={STATUS_TONE[p.status] ?? 'neutral'}>{p.status.replaceAll('_', ' ')}</Badge></td>
          <td className="sf-num">{amount(p.amount, p.currency)}</td>
        </>
      )}
    />
  );
}
