import { useEffect, useState } from 'react';
import { api, type Me } from '../api.ts';
import { clearLocalData } from '../local-db/open.ts';
import { announceSessionChanged } from './session-channel.ts';
import { confirmLosingLocalChanges } from '../local-db/provider.tsx';

interface Org {
  id: string;
  name: string;
}

/**
 * The tenants this user belongs to (better-auth organizations). Switching
 * makes the new one active on the session, deletes the previous tenant's
 * local data from this browser, and opens the new tenant's dashboard.
 */
export function TenantSwitcher({ me }: { me: Me }) {
  const [orgs, setOrgs] = useState<Org[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<Org[]>('/api/auth/organization/list').then(setOrgs, () => setOrgs([]));
  }, [me.id]);
  if (orgs.length < 2 || !me.tenantId) return null;
  const switchTo = async (id: string) => {
    if (id === me.tenantId) return;
    if (!(await confirmLosingLocalChanges('Switching tenant'))) return;
    setError(null);
    try {
      await api('/api/auth/organization/set-active', { method: 'POST', body: JSON.stringify({ organizationId: id }) });
      announceSessionChanged();
      await clearLocalData(me.id, me.tenantId ?? '');
      window.location.assign(`/tenant/${id}/client/dashboard`);
    } catch (err) {
      setError(err instanceof Error ? err.message : 'Could not switch.');
    }
  };
  return (
    <label className="tenant-switcher">
      Tenant{' '}
      <select value={me.tenantId} onChange={(e) => void switchTo(e.target.value)}>
        {orgs.map((o) => (
          <option key={o.id} value={o.id}>{o.name}</option>
        ))}
      </select>
      {error && <span role="alert" className="error"> {error}</span>}
    </label>
  );
}
