/**
 * Gauges and counters of the shape engine, rendered in the Prometheus text
 * format (append `render()` to GET /metrics). No tenant data: shape names only.
 */
export function createShapeMetrics(newestCommitted: () => bigint = () => 0n) {
  const live = new Map<string, number>();
  const refetches = new Map<string, number>();
  const served = new Map<string, number>();
  let newestLsn = 0n;
  let servedLsn = 0n;
  let changeLogRows = 0;
  let changeLogCommits = 0;

  const bump = (m: Map<string, number>, k: string, by: number) => m.set(k, (m.get(k) ?? 0) + by);

  return {
    liveStarted: (shape: string) => bump(live, shape, 1),
    liveEnded: (shape: string) => bump(live, shape, -1),
    mustRefetch: (reason: string) => bump(refetches, reason, 1),
    responded: (kind: string) => bump(served, kind, 1),
    /** The newest committed lsn seen when answering, and the highest watermark a response carried. */
    watermarks(newest: bigint, sent: bigint): void {
      if (newest > newestLsn) newestLsn = newest;
      if (sent > servedLsn) servedLsn = sent;
    },
    changeLog(rows: number, commits: number): void {
      changeLogRows = rows;
      changeLogCommits = commits;
    },
    liveClients: (shape: string) => live.get(shape) ?? 0,
    render(): string {
      const out: string[] = [];
      const family = (name: string, type: string, help: string, values: [string, number][]) => {
        out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
        for (const [labels, v] of values) out.push(`${name}${labels} ${v}`);
      };
      family('streamflow_shape_live_clients', 'gauge', 'Live long-polls held, per shape.', [...live].map(([s, v]) => [`{shape="${s}"}`, v]));
      family('streamflow_shape_must_refetch_total', 'counter', 'must-refetch (409) answers, per reason.', [...refetches].map(([r, v]) => [`{reason="${r}"}`, v]));
      family('streamflow_shape_responses_total', 'counter', 'Shape responses, per kind.', [...served].map(([k, v]) => [`{kind="${k}"}`, v]));
      const newest = newestCommitted() > newestLsn ? newestCommitted() : newestLsn;
      const lag = newest > servedLsn ? Number(newest - servedLsn) : 0;
      family('streamflow_shape_log_lag_lsn', 'gauge', 'Commits not yet covered by any response: newest committed lsn minus the highest watermark served.', [['', lag]]);
      family('streamflow_shape_change_log_rows', 'gauge', 'Entries in the change log (sampled by the retention job).', [['', changeLogRows]]);
      family('streamflow_shape_change_log_commits', 'gauge', 'Commits in the change log (sampled by the retention job).', [['', changeLogCommits]]);
      return `${out.join('\n')}\n`;
    },
  };
}

export type ShapeMetrics = ReturnType<typeof createShapeMetrics>;
