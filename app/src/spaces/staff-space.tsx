import type { ReactNode } from 'react';
import { Activity, Banknote, Building, Cog, Receipt, ScrollText, TrendingUp } from 'lucide-react';
import type { Me } from '../api.ts';
import { JobsPanel } from '../dev/jobs.tsx';
import { AppShell } from '../shell/app-shell.tsx';
import { EmptyState } from '../ui/page.tsx';
import { AccountingInvoices, AccountingOverview, AccountingPayments } from './accounting.tsx';
import { AuditLog } from './audit-log.tsx';
import { DiagnosticsPage } from './diagnostics.tsx';
import { OnlineOnly } from './online-only.tsx';
import { ProviderTenants } from './provider-tenants.tsx';

type StaffSpaceName = 'provider' | 'dev' | 'accounting';

/** Each staff space's own pages and nav (PRODUCT.md 9). They read server routes: online only. */
const SPACES: Record<StaffSpaceName, { label: string; pages: { key: string; title: string; icon: ReactNode; render: () => ReactNode }[] }> = {
  provider: {
    label: 'Provider space',
    pages: [
      { key: 'dashboard', title: 'Tenants', icon: <Building size={18} />, render: () => <OnlineOnly title="Tenants"><ProviderTenants /></OnlineOnly> },
      { key: 'audit', title: 'Audit log', icon: <ScrollText size={18} />, render: () => <AuditLog /> },
    ],
  },
  dev: {
    label: 'Developer space',
    pages: [
      { key: 'dashboard', title: 'Diagnostics', icon: <Activity size={18} />, render: () => <DiagnosticsPage /> },
      { key: 'jobs', title: 'Jobs', icon: <Cog size={18} />, render: () => <OnlineOnly title="Jobs"><JobsPanel /></OnlineOnly> },
      { key: 'audit', title: 'Audit log', icon: <ScrollText size={18} />, render: () => <AuditLog /> },
    ],
  },
  accounting: {
    label: 'Accounting space',
    pages: [
      { key: 'dashboard', title: 'Revenue', icon: <TrendingUp size={18} />, render: () => <AccountingOverview /> },
      { key: 'invoices', title: 'Invoices', icon: <Receipt size={18} />, render: () => <AccountingInvoices /> },
      { key: 'payments', title: 'Payments', icon: <Banknote size={18} />, render: () => <AccountingPayments /> },
    ],
  },
};

/** A platform staff member's space: `/{space}/{page}`, inside the app shell. */
export function StaffSpace({ me, path, onSignOut }: { me: Me & { space: StaffSpaceName }; path: string; onSignOut: () => void }) {
  const space = SPACES[me.space];
  const base = `/${me.space}`;
  const key = path.slice(base.length + 1).split('/')[0] || 'dashboard';
  const page = space.pages.find((p) => p.key === key);
  const items = space.pages.map((p) => ({ href: `${base}/${p.key}`, title: p.title, icon: p.icon, current: p.key === key }));
  return (
    <AppShell me={me} navLabel={space.label} items={items} onSignOut={onSignOut}>
      {page ? page.render() : <EmptyState title="Page not found">There is no page at {path}. Pick one from the menu.</EmptyState>}
    </AppShell>
  );
}

export const isStaffSpace = (s: Me['space']): s is StaffSpaceName => s !== 'client';
