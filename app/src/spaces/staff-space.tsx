import type { ReactNode } from 'react';
import type { Me } from '../api.ts';
import { JobsPanel } from '../dev/jobs.tsx';
import { SpaceNav } from '../shell/space-nav.tsx';
import { AccountingInvoices, AccountingOverview, AccountingPayments } from './accounting.tsx';
import { AuditLog } from './audit-log.tsx';
import { DiagnosticsPage } from './diagnostics.tsx';
import { OnlineOnly } from './online-only.tsx';
import { ProviderTenants } from './provider-tenants.tsx';

type StaffSpaceName = 'provider' | 'dev' | 'accounting';

/** Each staff space's own pages and nav (PRODUCT.md 9). They read server routes: online only. */
const SPACES: Record<StaffSpaceName, { label: string; pages: { key: string; title: string; render: () => ReactNode }[] }> = {
  provider: {
    label: 'Provider space',
    pages: [
      { key: 'dashboard', title: 'Tenants', render: () => <OnlineOnly title="Tenants"><ProviderTenants /></OnlineOnly> },
      { key: 'audit', title: 'Audit log', render: () => <AuditLog /> },
    ],
  },
  dev: {
    label: 'Developer space',
    pages: [
      { key: 'dashboard', title: 'Diagnostics', render: () => <DiagnosticsPage /> },
      { key: 'jobs', title: 'Jobs', render: () => <OnlineOnly title="Jobs"><JobsPanel /></OnlineOnly> },
      { key: 'audit', title: 'Audit log', render: () => <AuditLog /> },
    ],
  },
  accounting: {
    label: 'Accounting space',
    pages: [
      { key: 'dashboard', title: 'Revenue', render: () => <AccountingOverview /> },
      { key: 'invoices', title: 'Invoices', render: () => <AccountingInvoices /> },
      { key: 'payments', title: 'Payments', render: () => <AccountingPayments /> },
    ],
  },
};

/** A platform staff member's space: `/{space}/{page}`. */
export function StaffSpace({ me, path }: { me: Me & { space: StaffSpaceName }; path: string }) {
  const space = SPACES[me.space];
  const base = `/${me.space}`;
  const key = path.slice(base.length + 1).split('/')[0] || 'dashboard';
  const page = space.pages.find((p) => p.key === key);
  return (
    <>
      <SpaceNav label={space.label} items={space.pages.map((p) => ({ href: `${base}/${p.key}`, title: p.title, current: p.key === key }))} />
      <div id="main" tabIndex={-1} className="page">
        {page ? page.render() : <section className="card"><h1>Not found</h1><p>There is no page at {path}.</p></section>}
      </div>
    </>
  );
}

export const isStaffSpace = (s: Me['space']): s is StaffSpaceName => s !== 'client';
