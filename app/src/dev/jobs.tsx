import { useCallback, useEffect, useState } from 'react';
import { api } from '../api.ts';

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
      setError(err instanceof Error ? err.message : String(err));
    }
  }, [status]);

  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), 5_000);
    return () => clearInterval(timer);
  }, [load]);

  const retry = async (id: string) => {
    await api(`/api/dev/jobs/${id}/retry`, { method: 'POST', body: '{}' });
    await load();
  };

  return (
    <section className="card" aria-labelledby="jobs-title">
      <h1 id="jobs-title">Background jobs</h1>
      {error && <p role="alert" className="error">{error}</p>}
      {data && (
        <>
          <p>Oldest due job waiting: {data.stats.oldestDueSeconds.toFixed(0)} s</p>
          <table>
            <caption>Jobs by kind and status</caption>
            <thead>
              <tr><th scope="col">Kind</th><th scope="col">Status</th><th scope="col">Count</th></tr>
            </thead>
            <tbody>
              {data.stats.counts.map((c) => (
                <tr key={`${c.kind}-${c.status}`}><td>{c.kind}</td><td>{c.status}</td><td>{c.count}</td></tr>
              ))}
            </tbody>
          </table>
          <label>
            Show{' '}
            <select value={status} onChange={(e) => setStatus(e.target.value as (typeof STATUSES)[number])}>
              {STATUSES.map((s) => <option key={s} value={s}>{s || 'all'}</option>)}
            </select>
          </label>
          <table>
            <caption>Latest jobs</caption>
            <thead>
              <tr><th scope="col">Kind</th><th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">Next run</th><th scope="col">Last error</th><th scope="col"><span className="visually-hidden">Actions</span></th></tr>
            </thead>
            <tbody>
              {data.jobs.map((j) => (
                <tr key={j.id}>
                  <td>{j.kind}</td>
                  <td>{j.status}</td>
                  <td>{j.attempts}/{j.maxAttempts}</td>
                  <td>{new Date(j.runAt).toLocaleString()}</td>
                  <td>{j.lastError ?? ''}</td>
                  <td>{j.status === 'dead' && <button type="button" onClick={() => void retry(j.id)}>Retry</button>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
