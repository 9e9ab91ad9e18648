import { useEffect } from 'react';
import { LoadError, OnlineOnly, useServerData } from './online-only.tsx';

interface Diagnostics {
  at: string;
  uptimeSeconds: number;
  db: { kind: string; ok: boolean; roundTripMs: number; version: string; migrations: number };
  jobs: { counts: { kind: string; status: string; count: number }[]; oldestDueSeconds: number };
  sync: { watermark: string; changeLogRows: number; changeLogCommits: number; oldestEntryAt: string | null; liveRequests: number };
  http: { total: number; byStatus: Record<string, number>; errorRate5xx: number };
  writes: { table: string; outcome: string; count: number }[];
}

/** The dev space's diagnostics: database, queue, sync and error rates of the instance that answers, refreshed every 5 s. */
export function DiagnosticsPage() {
  const { data, error, reload } = useServerData<Diagnostics>('/api/dev/diagnostics');
  useEffect(() => {
    const t = setInterval(reload, 5_000);
    return () => clearInterval(t);
  }, [reload]);
  const queued = data?.jobs.counts.filter((c) => c.status === 'queued').reduce((n, c) => n + c.count, 0) ?? 0;
  const dead = data?.jobs.counts.filter((c) => c.status === 'dead').reduce((n, c) => n + c.count, 0) ?? 0;
  return (
    <OnlineOnly title="Diagnostics">
      <section className="card" aria-labelledby="diag-title">
        <h1 id="diag-title">Diagnostics</h1>
        <LoadError error={error} />
        {data && (
          <div className="tiles">
            <section className="card" aria-label="Database">
              <h2>Database</h2>
              <p><strong>{data.db.ok ? 'reachable' : 'down'}</strong> · {data.db.kind} {data.db.version}</p>
              <p>Round trip {data.db.roundTripMs} ms · {data.db.migrations} migrations applied</p>
            </section>
            <section className="card" aria-label="Job queue">
              <h2>Job queue</h2>
              <p>{queued} queued · {dead} dead · oldest due waited {Math.round(data.jobs.oldestDueSeconds)} s</p>
            </section>
            <section className="card" aria-label="Sync">
              <h2>Sync</h2>
              <p>Watermark {data.sync.watermark} · {data.sync.liveRequests} live requests held</p>
              <p>Change log: {data.sync.changeLogRows} rows in {data.sync.changeLogCommits} commits{data.sync.oldestEntryAt ? `, oldest ${new Date(data.sync.oldestEntryAt).toLocaleString()}` : ''}</p>
            </section>
            <section className="card" aria-label="Requests">
              <h2>Requests</h2>
              <p>{data.http.total} since start ({Math.round(data.uptimeSeconds / 60)} min) · 5xx rate {(data.http.errorRate5xx * 100).toFixed(2)}%</p>
              <p>{Object.entries(data.http.byStatus).sort().map(([s, n]) => `${s}: ${n}`).join(' · ')}</p>
            </section>
          </div>
        )}
        {data && data.writes.length > 0 && (
          <table className="list compact" aria-label="Write outcomes">
            <thead><tr><th scope="col">Table</th><th scope="col">Outcome</th><th scope="col">Mutations</th></tr></thead>
            <tbody>{data.writes.map((w) => <tr key={`${w.table}-${w.outcome}`}><th scope="row">{w.table}</th><td>{w.outcome}</td><td>{w.count}</td></tr>)}</tbody>
          </table>
        )}
      </section>
    </OnlineOnly>
  );
}
