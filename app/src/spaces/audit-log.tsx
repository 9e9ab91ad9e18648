import { useState } from 'react';
import { LoadError, OnlineOnly, useServerData } from './online-only.tsx';

interface AuditEntry {
  id: string;
  at: string;
  actor_user_id: string | null;
  org_id: string | null;
  space: string | null;
  action: string;
  target_table: string | null;
  target_id: string | null;
  outcome: string;
  details: Record<string, unknown>;
}

/** The audit viewer (provider and dev staff: every tenant; filter by action prefix, outcome, tenant). */
export function AuditLog() {
  const [action, setAction] = useState('');
  const [outcome, setOutcome] = useState('');
  const [tenant, setTenant] = useState('');
  const [before, setBefore] = useState<string[]>([]);
  const params = new URLSearchParams({ limit: '50' });
  if (action) params.set('action', action);
  if (outcome) params.set('outcome', outcome);
  if (tenant) params.set('tenant', tenant);
  const cursor = before.at(-1);
  if (cursor) params.set('before', cursor);
  const { data, error } = useServerData<{ entries: AuditEntry[]; next: string | null }>(`/api/admin/audit?${params.toString()}`);
  return (
    <OnlineOnly title="Audit log">
      <section className="card" aria-labelledby="audit-title">
        <h1 id="audit-title">Audit log</h1>
        <form className="row" role="search" aria-label="Filter the audit log" onSubmit={(e) => e.preventDefault()}>
          <label>Action starts with <input value={action} onChange={(e) => { setAction(e.target.value); setBefore([]); }} placeholder="e.g. roles." /></label>
          <label>
            Outcome{' '}
            <select value={outcome} onChange={(e) => { setOutcome(e.target.value); setBefore([]); }}>
              <option value="">any</option>
              <option value="allowed">allowed</option>
              <option value="denied">denied</option>
              <option value="succeeded">succeeded</option>
              <option value="failed">failed</option>
            </select>
          </label>
          <label>Tenant id <input value={tenant} onChange={(e) => { setTenant(e.target.value.trim()); setBefore([]); }} /></label>
        </form>
        <LoadError error={error} />
        <table className="list">
          <thead><tr><th scope="col">When</th><th scope="col">Action</th><th scope="col">Outcome</th><th scope="col">Space</th><th scope="col">Tenant</th><th scope="col">Target</th></tr></thead>
          <tbody>
            {(data?.entries ?? []).map((e) => (
              <tr key={e.id}>
                <td>{new Date(e.at).toLocaleString()}</td>
                <th scope="row">{e.action}</th>
                <td><span className={`badge outcome-${e.outcome}`}>{e.outcome}</span></td>
                <td>{e.space ?? ''}</td>
                <td className="mono">{e.org_id ?? ''}</td>
                <td>{e.target_table ? `${e.target_table} ${e.target_id ?? ''}` : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="row">
          {before.length > 0 && <button type="button" className="secondary" onClick={() => setBefore(before.slice(0, -1))}>Newer</button>}
          {data?.next && <button type="button" className="secondary" onClick={() => setBefore([...before, data.next ?? ''])}>Older</button>}
        </div>
      </section>
    </OnlineOnly>
  );
}
