import type { Me } from '../api.ts';
import { LocalDbProvider } from '../local-db/provider.tsx';
import { ClientDashboard } from '../onboarding/dashboard.tsx';
import { navigate } from '../router.ts';
import { BillingSettings } from './billing.tsx';
import { ClockPage } from './clock.tsx';
import { InvoicesPage } from './invoices.tsx';
import { LeadsPage } from './leads.tsx';
import { WorkOrderDetail, WorkOrdersPage } from './work-orders.tsx';
import { SyncBar } from './sync-bar.tsx';

const PAGES = [
  { key: 'dashboard', title: 'Dashboard' },
  { key: 'leads', title: 'Leads', perm: 'leads.read' },
  { key: 'work-orders', title: 'Work orders', perm: 'work_orders.read' },
  { key: 'clock', title: 'Clock', perm: 'time_entries.create' },
  { key: 'invoices', title: 'Invoices', perm: 'invoices.read' },
  { key: 'settings', title: 'Billing', perm: 'billing.manage' },
] as const;

/** The client space of a tenant: its pages on the member's local database. */
export function ClientSpace({ me, path }: { me: Me & { tenantId: string }; path: string }) {
  const base = `/tenant/${me.tenantId}/client`;
  const [page = 'dashboard', param] = path.startsWith(`${base}/`) ? path.slice(base.length + 1).split('/') : [];
  const visible = PAGES.filter((p) => !('perm' in p) || me.perms.includes(p.perm));
  const current = PAGES.find((p) => p.key === page);
  return (
    <LocalDbProvider me={me}>
      <nav aria-label="Client space" className="nav">
        {visible.map((p) => (
          <a
            key={p.key}
            href={`${base}/${p.key}`}
            aria-current={p.key === page ? 'page' : undefined}
            onClick={(e) => {
              e.preventDefault();
              navigate(`${base}/${p.key}`);
            }}
          >
            {p.title}
          </a>
        ))}
      </nav>
      <SyncBar />
      {!current ? (
        <section className="card"><h1>Not found</h1><p>There is no page at {path}.</p></section>
      ) : 'perm' in current && !me.perms.includes(current.perm) ? (
        <section className="card" role="alert"><h1>Not allowed</h1><p>Your role may not open {current.title.toLowerCase()}.</p></section>
      ) : current.key === 'leads' ? (
        <LeadsPage />
      ) : current.key === 'work-orders' ? (
        param ? <WorkOrderDetail me={me} id={param} /> : <WorkOrdersPage me={me} base={base} />
      ) : current.key === 'clock' ? (
        <ClockPage me={me} />
      ) : current.key === 'invoices' ? (
        <InvoicesPage me={me} />
      ) : current.key === 'settings' ? (
        <BillingSettings me={me} />
      ) : (
        <ClientDashboard me={me} />
      )}
    </LocalDbProvider>
  );
}
