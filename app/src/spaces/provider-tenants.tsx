import { Building2 } from 'lucide-react';
import { Badge, EmptyState, PageHeader, Skeleton, type Tone } from '../ui/page.tsx';
import { LoadError, useServerData } from './online-only.tsx';

interface TenantRow {
  id: string;
  name: string;
  slug: string;
  plan: string;
  subscribedPlan: string;
  subscriptionStatus: string;
  currentPeriodEnd: string | null;
  aiTokenBalance: number;
  paymentIssue: boolean;
  members: number;
}

const SUB_TONE: Record<string, Tone> = { active: 'success', trialing: 'accent', past_due: 'danger', unpaid: 'danger', incomplete: 'warning' };
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Provider space: every tenant with its plan and subscription state (online only — the space wraps it —, audited on the server). */
export function ProviderTenants() {
  const { data, error } = useServerData<{ tenants: TenantRow[] }>('/api/provider/tenants');
  const tenants = data?.tenants;
  return (
    <>
      <PageHeader title="Tenants" count={tenants ? `${tenants.length.toLocaleString()} tenant${tenants.length === 1 ? '' : 's'}` : undefined} />
      <LoadError error={error} />
      {!tenants ? (!error && <Skeleton rows={5} label="Loading tenants" />) : tenants.length === 0 ? (
        <EmptyState icon={<Building2 size={28} />} title="No tenants yet">Tenants appear here when a business signs up or you provision one.</EmptyState>
      ) : (
        <div className="sf-table-wrap">
          <table className="sf-table">
            <thead>
              <tr><th scope="col">Tenant</th><th scope="col">Plan</th><th scope="col">Subscription</th><th scope="col" className="staff-secondary">Renews</th><th scope="col" className="sf-num staff-secondary">Members</th><th scope="col" className="sf-num staff-secondary">AI tokens</th></tr>
            </thead>
            <tbody>
              {tenants.map((t) => (
                <tr key={t.id}>
                  <th scope="row">{t.name}</th>
                  <td>{cap(t.plan)}{t.plan !== t.subscribedPlan && <span className="sf-muted"> (pays for {cap(t.subscribedPlan)})</span>}</td>
                  <td>
                    <Badge tone={SUB_TONE[t.subscriptionStatus] ?? 'neutral'}>{t.subscriptionStatus.replaceAll('_', ' ')}</Badge>
                    {t.paymentIssue && <> <Badge tone="danger">payment failed</Badge></>}
                  </td>
                  <td className="staff-secondary">{t.currentPeriodEnd ? new Date(t.currentPeriodEnd).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' }) : ''}</td>
                  <td className="sf-num staff-secondary">{t.members.toLocaleString()}</td>
                  <td className="sf-num staff-secondary">{t.aiTokenBalance.toLocaleString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
