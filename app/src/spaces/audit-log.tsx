import { useState } from 'react';
import { ScrollText } from 'lucide-react';
import { Button } from '../ui/button.tsx';
import { NativeSelect, TextField } from '../ui/field.tsx';
import { Badge, EmptyState, PageHeader, Skeleton, Toolbar, type Tone } from '../ui/page.tsx';
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

const OUTCOME_TONE: Record<string, Tone> = { allowed: 'success', succeeded: 'success', denied: 'danger', failed: 'danger' };
const OUTCOMES = [{ id: '', label: 'Any outcome' }, ...['allowed', 'denied', 'succeeded', 'failed'].map((o) => ({ id: o, label: o.charAt(0).toUpperCase() + o.slice(1) }))];

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
  const filtered = Boolean(action || outcome || tenant);
  return (
    <OnlineOnly title="Audit log">
      <PageHeader title="Audit log" description="Every sign-in, permission check and change across tenants, newest first." />
      <form role="search" aria-label="Filter the audit log" onSubmit={(e) => e.preventDefault()}>
        <Toolbar>
          <TextField label="Action starts with" value={action} onChange={(v) => { setAction(v); setBefore([]); }} placeholder="roles." />
          <NativeSelect label="Outcome" value={outcome} onChange={(v) => { setOutcome(v); setBefore([]); }} options={OUTCOMES} />
          <TextField label="Tenant id" value={tenant} onChange={(v) => { setTenant(v.trim()); setBefore([]); }} />
        </Toolbar>
      </form>
      <LoadError error={error} />
      {!data ? (!error && <Skeleton rows={8} label="Loading the audit log" />) : data.entries.length === 0 ? (
        <EmptyState icon={<ScrollText size={28} />} title={filtered ? 'No entries match' : 'Nothing recorded yet'}>
          {filtered ? 'Try a shorter action prefix or another outcome.' : 'Entries appear here as people sign in and change things.'}
        </EmptyState>
      ) : (
        <div className="sf-table-wrap">
          <table className="sf-table sf-table-compact">
            <thead><tr><th scope="col">When</th><th scope="col">Action</th><th scope="col">Outcome</th><th scope="col" className="staff-secondary">Space</th><th scope="col" className="staff-secondary">Tenant</th><th scope="col" className="staff-secondary">Target</th></tr></thead>
            <tbody>
              {data.entries.map((e) => (
                <tr key={e.id}>
                  <td>{new Date(e.at).toLocaleString(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', second: '2-digit' })}</td>
                  <th scope="row" className="staff-mono">{e.action}</th>
                  <td><Badge tone={OUTCOME_TONE[e.outcome] ?? 'neutral'}>{e.outcome}</Badge></td>
                  <td className="staff-secondary">{e.space ?? ''}</td>
                  <td className="staff-mono staff-secondary">{e.org_id ?? ''}</td>
                  <td className="staff-secondary">{e.target_table ? <>{e.target_table.replaceAll('_', ' ')} <span className="staff-mono">{e.target_id ?? ''}</span></> : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {(before.length > 0 || data?.next) && (
        <div className="staff-pager">
          {before.length > 0 && <Button variant="secondary" onPress={() => setBefore(before.slice(0, -1))}>Newer</Button>}
          {data?.next && <Button variant="secondary" onPress={() => setBefore([...before, data.next ?? ''])}>Older</Button>}
        </div>
      )}
    </OnlineOnly>
  );
}
