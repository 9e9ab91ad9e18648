import type { ReactNode } from 'react';
import type { ModuleKey } from '@streamflow/schema';
import type { Me } from '../api.ts';
import { LocalDbProvider } from '../local-db/provider.tsx';
import { SpaceNav } from '../shell/space-nav.tsx';
import { BillingSettings } from './billing.tsx';
import { ClockPage } from './clock.tsx';
import { CompaniesPage, CompanyDetail } from './companies.tsx';
import { ContactDetail, ContactsPage } from './contacts.tsx';
import { Dashboard } from './dashboard.tsx';
import { InvoicesPage } from './invoices.tsx';
import { LeadsPage } from './leads.tsx';
import { OpportunitiesPage, OpportunityDetail } from './opportunities.tsx';
import { SyncBar } from './sync-bar.tsx';
import { TasksPage } from './tasks.tsx';
import { TeamAdmin } from './team-admin.tsx';
import { WorkOrderDetail, WorkOrdersPage } from './work-orders.tsx';

type Props = { me: Me & { tenantId: string }; base: string; id?: string };

/** The client space's pages: the key in the URL, who may open it (any of `perms`), and what it shows. */
const PAGES: { key: string; title: string; perms?: string[]; module?: ModuleKey; render: (p: Props) => ReactNode }[] = [
  { key: 'dashboard', title: 'Dashboard', render: ({ me, base }) => <Dashboard me={me} base={base} /> },
  { key: 'leads', title: 'Leads', perms: ['leads.read'], render: (p) => <LeadsPage {...p} /> },
  { key: 'companies', title: 'Companies', perms: ['companies.read'], render: ({ me, base, id }) => (id ? <CompanyDetail me={me} base={base} id={id} /> : <CompaniesPage me={me} base={base} />) },
  { key: 'contacts', title: 'Contacts', perms: ['contacts.read'], render: ({ me, base, id }) => (id ? <ContactDetail me={me} base={base} id={id} /> : <ContactsPage me={me} base={base} />) },
  { key: 'opportunities', title: 'Pipeline', perms: ['opportunities.read'], module: 'pipeline', render: ({ me, base, id }) => (id ? <OpportunityDetail me={me} base={base} id={id} /> : <OpportunitiesPage me={me} base={base} />) },
  { key: 'tasks', title: 'Tasks', perms: ['tasks.read'], module: 'tasks', render: ({ me, base }) => <TasksPage me={me} base={base} /> },
  { key: 'work-orders', title: 'Work orders', perms: ['work_orders.read'], module: 'work_orders', render: ({ me, base, id }) => (id ? <WorkOrderDetail me={me} id={id} /> : <WorkOrdersPage me={me} base={base} />) },
  { key: 'clock', title: 'Clock', perms: ['time_entries.create'], module: 'time_tracking', render: ({ me }) => <ClockPage me={me} /> },
  { key: 'invoices', title: 'Invoices', perms: ['invoices.read'], module: 'invoicing', render: ({ me }) => <InvoicesPage me={me} /> },
  { key: 'team', title: 'Team', perms: ['roles.manage', 'members.manage'], render: ({ me }) => <TeamAdmin me={me} /> },
  { key: 'settings', title: 'Billing', perms: ['billing.manage'], render: ({ me }) => <BillingSettings me={me} /> },
];

/** The member's role allows the page, and the plan has its module on (the server refuses it otherwise). */
const allowed = (me: Me, page: (typeof PAGES)[number]) =>
  (!page.perms || page.perms.some((p) => me.perms.includes(p))) && (!page.module || me.modules?.[page.module] !== false);

/** The client space of a tenant: its pages on the member's local database. */
export function ClientSpace({ me, path }: { me: Me & { tenantId: string }; path: string }) {
  const base = `/tenant/${me.tenantId}/client`;
  const [page = 'dashboard', id] = path.startsWith(`${base}/`) ? path.slice(base.length + 1).split('/') : [];
  const current = PAGES.find((p) => p.key === page);
  return (
    <LocalDbProvider me={me}>
      <SpaceNav label="Client space" items={PAGES.filter((p) => allowed(me, p)).map((p) => ({ href: `${base}/${p.key}`, title: p.title, current: p.key === page }))} />
      <SyncBar />
      <div id="main" tabIndex={-1} className="page">
        {!current ? (
          <section className="card"><h1>Not found</h1><p>There is no page at {path}.</p></section>
        ) : !allowed(me, current) ? (
          <section className="card" role="alert">
            <h1>Not allowed</h1>
            <p>{current.module && me.modules?.[current.module] === false ? `Your plan does not include ${current.title.toLowerCase()}.` : `Your role may not open ${current.title.toLowerCase()}.`}</p>
          </section>
        ) : (
          current.render({ me, base, id: id || undefined })
        )}
      </div>
    </LocalDbProvider>
  );
}
