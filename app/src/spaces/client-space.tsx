import type { ReactNode } from 'react';
import {
  Building2,
  Clock,
  Contact,
  CreditCard,
  LayoutDashboard,
  Receipt,
  SquareCheck,
  SquareKanban,
  UserPlus,
  Users,
  Wrench,
} from 'lucide-react';
import { EmptyState } from '../ui/page.tsx';
import type { ModuleKey } from '@streamflow/schema';
import type { Me } from '../api.ts';
import { LocalDbProvider } from '../local-db/provider.tsx';
import { AppShell } from '../shell/app-shell.tsx';
import { BillingSettings } from '../settings/billing.tsx';
import { ClockPage } from '../jobs/clock.tsx';
import { CompaniesPage, CompanyDetail } from '../companies/companies.tsx';
import { ContactDetail, ContactsPage } from '../contacts/contacts.tsx';
import { Dashboard } from '../dashboard/dashboard.tsx';
import { InvoicesPage } from '../invoices/invoices.tsx';
import { LeadsPage } from '../leads/leads.tsx';
import { OpportunitiesPage, OpportunityDetail } from '../pipeline/opportunities.tsx';
import { OfflineBanner, SyncStatus } from '../sync/sync-status.tsx';
import { TasksPage } from '../tasks/tasks.tsx';
import { TeamAdmin } from '../team/team-admin.tsx';
import { WorkOrderDetail, WorkOrdersPage } from '../jobs/work-orders.tsx';

type Props = { me: Me & { tenantId: string }; base: string; id?: string };

/** The client space's pages: the key in the URL, who may open it (any of `perms`), and what it shows. */
const PAGES: {
  key: string;
  title: string;
  icon: ReactNode;
  perms?: string[];
  module?: ModuleKey;
  render: (p: Props) => ReactNode;
}[] = [
  {
    key: 'dashboard',
    title: 'Dashboard',
    icon: <LayoutDashboard size={18} />,
    render: ({ me, base }) => <Dashboard me={me} base={base} />,
  },
  {
    key: 'leads',
    title: 'Leads',
    icon: <UserPlus size={18} />,
    perms: ['leads.read'],
    render: (p) => <LeadsPage {...p} />,
  },
  {
    key: 'companies',
    title: 'Companies',
    icon: <Building2 size={18} />,
    perms: ['companies.read'],
    render: ({ me, base, id }) =>
      id ? <CompanyDetail me={me} base={base} id={id} /> : <CompaniesPage me={me} base={base} />,
  },
  {
    key: 'contacts',
    title: 'Contacts',
    icon: <Contact size={18} />,
    perms: ['contacts.read'],
    render: ({ me, base, id }) =>
      id ? <ContactDetail me={me} base={base} id={id} /> : <ContactsPage me={me} base={base} />,
  },
  {
    key: 'opportunities',
    title: 'Pipeline',
    icon: <SquareKanban size={18} />,
    perms: ['opportunities.read'],
    module: 'pipeline',
    render: ({ me, base, id }) =>
      id ? (
        <OpportunityDetail me={me} base={base} id={id} />
      ) : (
        <OpportunitiesPage me={me} base={base} />
      ),
  },
  {
    key: 'tasks',
    title: 'Tasks',
    icon: <SquareCheck size={18} />,
    perms: ['tasks.read'],
    module: 'tasks',
    render: ({ me, base }) => <TasksPage me={me} base={base} />,
  },
  {
    key: 'work-orders',
    title: 'Work orders',
    icon: <Wrench size={18} />,
    perms: ['work_orders.read'],
    module: 'work_orders',
    render: ({ me, base, id }) =>
      id ? <WorkOrderDetail me={me} id={id} /> : <WorkOrdersPage me={me} base={base} />,
  },
  {
    key: 'clock',
    title: 'Clock',
    icon: <Clock size={18} />,
    perms: ['time_entries.create'],
    module: 'time_tracking',
    render: ({ me }) => <ClockPage me={me} />,
  },
  {
    key: 'invoices',
    title: 'Invoices',
    icon: <Receipt size={18} />,
    perms: ['invoices.read'],
    module: 'invoicing',
    render: ({ me }) => <InvoicesPage me={me} />,
  },
  {
    key: 'team',
    title: 'Team',
    icon: <Users size={18} />,
    perms: ['roles.manage', 'members.manage'],
    render: ({ me }) => <TeamAdmin me={me} />,
  },
  {
    key: 'settings',
    title: 'Billing',
    icon: <CreditCard size={18} />,
    perms: ['billing.manage'],
    render: ({ me }) => <BillingSettings me={me} />,
  },
];

/** The member's role allows the page, and the plan has its module on (the server refuses it otherwise). */
const allowed = (me: Me, page: (typeof PAGES)[number]) =>
  (!page.perms || page.perms.some((p) => me.perms.includes(p))) &&
  (!page.module || me.modules?.[page.module] !== false);

/** The client space of a tenant: its pages on the member's local database, inside the app shell. */
export function ClientSpace({
  me,
  path,
  onSignOut,
}: {
  me: Me & { tenantId: string };
  path: string;
  onSignOut: () => void;
}) {
  const base = `/tenant/${me.tenantId}/client`;
  const [page = 'dashboard', id] = path.startsWith(`${base}/`)
    ? path.slice(base.length + 1).split('/')
    : [];
  const current = PAGES.find((p) => p.key === page);
  const items = PAGES.filter((p) => allowed(me, p)).map((p) => ({
    href: `${base}/${p.key}`,
    title: p.title,
    icon: p.icon,
    current: p.key === page,
  }));
  return (
    <LocalDbProvider
      me={me}
      frame={(content, ready) => (
        <AppShell
          me={me}
          navLabel="Client space"
          items={items}
          status={ready ? <SyncStatus /> : null}
          onSignOut={onSignOut}
        >
          {ready && <OfflineBanner />}
          {content}
        </AppShell>
      )}
    >
      {!current ? (
        <EmptyState title="Page not found">
          There is no page at {path}. Pick one from the menu.
        </EmptyState>
      ) : !allowed(me, current) ? (
        <div role="alert">
          <EmptyState title={current.module && me.modules?.[current.module] === false ? 'Not in your plan' : 'Not allowed'}>
            {current.module && me.modules?.[current.module] === false
              ? `Your plan does not include ${current.title.toLowerCase()}. The owner can change the plan under Billing.`
              : `Your role does not include ${current.title.toLowerCase()}. Ask the owner if you need it.`}
          </EmptyState>
        </div>
      ) : (
        current.render({ me, base, id: id || undefined })
      )}
    </LocalDbProvider>
  );
}
