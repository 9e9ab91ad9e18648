import { useCallback, useEffect, useState } from 'react';
import { api } from '../api.ts';
import { loadErrorSentence } from '../spaces/online-only.tsx';
import { Button } from '../ui/button.tsx';
import { NativeSelect } from '../ui/field.tsx';
import { Badge, Card, EmptyState, PageHeader, Skeleton, Toolbar, type Tone } from '../ui/page.tsx';

interface JobRow {
  id: string;
  kind: string;
  orgId: string | null;
  status: string;
  attempts: number;
  maxAttempts: number;
  runAt: string;
  lastError: string | null;
  updatedAt: string;
}
interface JobsResponse {
  stats: { counts: { kind: string; status: string; count: number }[]; oldestDueSeconds: number };
  jobs: JobRow[];
}

const STATUSES = ['', 'queued', 'running', 'succeeded', 'dead'] as const;
const TONE: Record<string, Tone> = { queued: 'neutral', running: 'accent', succeeded: 'success', dead: 'danger' };

/** The job queue in the dev space: depth per kind and status, lag, recent jobs, and retrying dead ones. */
export function JobsPanel() {
  const [status, setStatus] = useState<(typeof STATUSES)[number]>('dead');
  const [data, setData] = useState<JobsResponse | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setData(await api<JobsResponse>(`/api/dev/jobs${status ? `?status=${status}` : ''}`));
      setError(null);
    } catch (err) {
      setError(loadErrorSentence(err));
    }
  }, [status]);

  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), 5_000);
    return () => clearInterval(timer);
  }, [load]);

  const retry = async (id: string) => {
    try {
      await api(`/api/dev/jobs/${id}/retry`, { method: 'POST', body: '{}' });
    } catch (err) {
      setError(loadErrorSentence(err));
    }
    await load();
  };

  return (
    <>
      <PageHeader title="Background jobs" description={data ? `The oldest due job has waited ${data.stats.oldestDueSeconds.toFixed(0)} s. Refreshed every 5 seconds.` : undefined} />
      {error && <div role="alert" className="error-message">{error}</div>}
      {!data ? (!error && <Skeleton rows={6} label="Loading jobs" />) : (
        <>
          <Card id="job-counts" title="Jobs by kind and status">
            <div className="sf-table-wrap">
              <table className="sf-table sf-table-compact">
                <thead><tr><th scope="col">Kind</th><th scope="col">Status</th><th scope="col" className="sf-num">Count</th></tr></thead>
                <tbody>
                  {data.stats.counts.map((c) => (
                    <tr key={`${c.kind}-${c.status}`}><th scope="row" className="staff-mono">{c.kind}</th><td><Badge tone={TONE[c.status] ?? 'neutral'}>{c.status}</Badge></td><td className="sf-num">{c.count.toLocaleString()}</td></tr>
                  ))}
                </tbody>
              </table>
            </div>
          </Card>
          <Card id="job-latest" title="Latest jobs">
            <Toolbar>
              <NativeSelect label="Show" value={status} onChange={(v) => setStatus(v as (typeof STATUSES)[number])} options={STATUSES.map((s) => ({ id: s, label: s ? s.charAt(0).toUpperCase() + s.slice(1) : 'All' }))} />
            </Toolbar>
            {data.jobs.length === 0 ? (
              <EmptyState title={status === 'dead' ? 'No dead jobs' : 'No jobs to show'}>{status === 'dead' ? 'Every job succeeded or is still trying.' : 'Pick another status.'}</EmptyState>
            ) : (
              <div className="sf-table-wrap">
                <table className="sf-table sf-table-compact">
                  <thead>
                    <tr><th scope="col">Kind</th><th scope="col">Status</th><th scope="col" className="sf-num">Attempts</th><th scope="col" className="staff-secondary">Next run</th><th scope="col" className="staff-secondary">Last error</th><th scope="col"><span className="sf-visually-hidden">Actions</span></th></tr>
                  </thead>
                  <tbody>
                    {data.jobs.map((j) => (
                      <tr key={j.id}>
                        <th scope="row" className="staff-mono">{j.kind}</th>
                        <td><Badge tone={TONE[j.status] ?? 'neutral'}>{j.status}</Badge></td>
                        <td className="sf-num">{j.attempts}/{j.maxAttempts}</td>
                        <td className="staff-secondary">{new Date(j.runAt).toLocaleString()}</td>
                        <td className="staff-secondary staff-error-cell">{j.lastError ?? ''}</td>
                        <td>{j.status === 'dead' && <Button size="sm" variant="secondary" aria-label={`Retry ${j.kind} job`} onPress={() => void retry(j.id)}>Retry</Button>}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </Card>
        </>
      )}
    </>
  );
}
