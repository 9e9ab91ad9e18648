import { useEffect } from 'react';
import { Badge, Card, PageHeader, Skeleton } from '../ui/page.tsx';
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

const n = (v: number) => v.toLocaleString();

/** The dev space's diagnostics: database, queue, sync and error rates of the instance that answers, refreshed every 5 s. */
export function DiagnosticsPage() {
  const { data, error, reload } = useServerData<Diagnostics>('/api/dev/diagnostics');
  useEffect(() => {
    const t = setInterval(reload, 5_000);
    return () => clearInterval(t);
  }, [reload]);
  const queued = data?.jobs.counts.filter((c) => c.status === 'queued').reduce((s, c) => s + c.count, 0) ?? 0;
  const dead = data?.jobs.counts.filter((c) => c.status === 'dead').reduce((s, c) => s + c.count, 0) ?? 0;
  return (
    <OnlineOnly title="Diagnostics">
      <PageHeader title="Diagnostics" description="The instance that answers, refreshed every 5 seconds." />
      <LoadError error={error} />
      {!data ? (!error && <Skeleton rows={6} label="Loading diagnostics" />) : (
        <>
          <div className="sf-grid">
            <Card id="diag-db" title="Database" actions={<Badge tone={data.db.ok ? 'success' : 'danger'}>{data.db.ok ? 'reachable' : 'down'}</Badge>}>
              <p className="staff-stat">{n(data.db.roundTripMs)} ms</p>
              <p className="staff-note">Round trip · {data.db.kind} {data.db.version} · {n(data.db.migrations)} migrations applied</p>
            </Card>
            <Card id="diag-jobs" title="Job queue" actions={dead > 0 ? <Badge tone="danger">{n(dead)} dead</Badge> : undefined}>
              <p className="staff-stat">{n(queued)} queued</p>
              <p className="staff-note">The oldest due job has waited {n(Math.round(data.jobs.oldestDueSeconds))} s</p>
            </Card>
            <Card id="diag-sync" title="Sync">
              <p className="staff-stat">Watermark {data.sync.watermark}</p>
              <p className="staff-note">
                {n(data.sync.liveRequests)} live requests held · change log {n(data.sync.changeLogRows)} rows in {n(data.sync.changeLogCommits)} commits
                {data.sync.oldestEntryAt ? `, oldest ${new Date(data.sync.oldestEntryAt).toLocaleString()}` : ''}
              </p>
            </Card>
            <Card id="diag-http" title="Requests" actions={<Badge tone={data.http.errorRate5xx > 0.01 ? 'danger' : 'success'}>{(data.http.errorRate5xx * 100).toFixed(2)}% 5xx</Badge>}>
              <p className="staff-stat">{n(data.http.total)}</p>
              <p className="staff-note">
                Since start ({n(Math.round(data.uptimeSeconds / 60))} min) · {Object.entries(data.http.byStatus).sort().map(([s, c]) => `${s}: ${n(c)}`).join(' · ')}
              </p>
            </Card>
          </div>
          {data.writes.length > 0 && (
            <Card id="diag-writes" title="Write outcomes">
              <div className="sf-table-wrap">
                <table className="sf-table sf-table-compact" aria-label="Write outcomes">
                  <thead><tr><th scope="col">Table</th><th scope="col">Outcome</th><th scope="col" className="sf-num">Mutations</th></tr></thead>
                  <tbody>{data.writes.map((w) => <tr key={`${w.table}-${w.outcome}`}><th scope="row">{w.table.replaceAll('_', ' ')}</th><td>{w.outcome}</td><td className="sf-num">{n(w.count)}</td></tr>)}</tbody>
                </table>
              </div>
            </Card>
          )}
        </>
      )}
    </OnlineOnly>
  );
}
