import { useEffect, useState } from 'react';
import { api } from '../api.ts';
import { OnlineOnly } from '../client/billing.tsx';
import { useOnline } from '../sync/status.ts';

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

/** Provider space: every tenant with its plan and subscription state (online only, audited on the server). */
export function ProviderTenants() {
  const online = useOnline();
  const [tenants, setTenants] = useState<TenantRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!online) return;
    api<{ tenants: TenantRow[] }>('/api/provider/tenants').then(
      (r) => setTenants(r.tenants),
      (err: unknown) => setError(err instanceof Error ? err.message : String(err)),
    );
  }, [online]);
  if (!online) return <OnlineOnly what="Tenants" />;
  return (
    <section className="card" aria-labelledby="tenants-title">
      <h1 id="tenants-title">Tenants</h1>
      {error && <p role="alert" className="error">{error}</p>}
      {!tenants ? (
        <p aria-busy="true">Loading…</p>
      ) : (
        <table className="list">
          <thead>
            <tr><th scope="col">Tenant</th><th scope="col">Plan</th><th scope="col">Subscription</th><th scope="col">Renews</th><th scope="col">Members</th><th scope="col">AI tokens</th></tr>
          </thead>
          <tbody>
            {tenants.map((t) => (
              <tr key={t.id}>
                <th scope="row">{t.name}</th>
                <td>{t.plan}{t.plan !== t.subscribedPlan ? ` (subscribed: ${t.subscribedPlan})` : ''}</td>
                <td>{t.subscriptionStatus.replace('_', ' ')}{t.paymentIssue ? ' · payment failed' : ''}</td>
                <td>{t.currentPeriodEnd?.slice(0, 10) ?? ''}</td>
                <td>{t.members}</td>
                <td>{t.aiTokenBalance.toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
