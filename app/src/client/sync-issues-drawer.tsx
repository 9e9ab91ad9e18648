import { useLiveQuery, usePGlite } from '@electric-sql/pglite-react';
import { useState } from 'react';
import { discardChange, resolveConflict, type FieldDecision } from '../sync/sync-issues.ts';
import type { MutationResult } from '../sync/uploader.ts';

interface IssueRow {
  mutation_id: string;
  table_name: string;
  row_id: string;
  op: string;
  status: 'conflict' | 'rejected';
  values: Record<string, unknown>;
  result: MutationResult | null;
}

const show = (v: unknown) => (v === null || v === undefined ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** One conflicted change: each field with yours, theirs and the original; keep mine or take theirs, then resubmit. */
function ConflictCard({ issue }: { issue: IssueRow }) {
  const pg = usePGlite();
  const conflicts = issue.result?.conflicts ?? [];
  const [choice, setChoice] = useState<Record<string, 'mine' | 'theirs'>>({});
  const [busy, setBusy] = useState(false);
  const resolve = async () => {
    setBusy(true);
    try {
      const decisions: Record<string, FieldDecision> = Object.fromEntries(conflicts.map((c) => [c.field, { keep: choice[c.field] ?? 'mine' }]));
      if (issue.op === 'update') await resolveConflict(pg, issue.mutation_id, decisions);
      else await discardChange(pg, issue.mutation_id);
    } finally {
      setBusy(false);
    }
  };
  return (
    <li className="card issue" aria-label={`Conflict on ${issue.table_name}`}>
      <p>
        <strong>Conflict</strong> on a {issue.table_name.replace(/_/g, ' ').replace(/s$/, '')}: someone changed it on the server after you.
      </p>
      {issue.op !== 'update' ? (
        <p>{issue.result?.message ?? 'The record changed on the server.'}</p>
      ) : (
        <table className="list">
          <thead>
            <tr><th scope="col">Field</th><th scope="col">Yours</th><th scope="col">Theirs</th><th scope="col">Original</th><th scope="col">Keep</th></tr>
          </thead>
          <tbody>
            {conflicts.map((c) => (
              <tr key={c.field}>
                <th scope="row">{c.field}</th>
                <td>{show(c.mine)}</td>
                <td>{show(c.theirs)}</td>
                <td>{show(c.base)}</td>
                <td>
                  <label><input type="radio" name={`${issue.mutation_id}-${c.field}`} checked={(choice[c.field] ?? 'mine') === 'mine'} onChange={() => setChoice({ ...choice, [c.field]: 'mine' })} /> mine</label>{' '}
                  <label><input type="radio" name={`${issue.mutation_id}-${c.field}`} checked={choice[c.field] === 'theirs'} onChange={() => setChoice({ ...choice, [c.field]: 'theirs' })} /> theirs</label>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <button type="button" disabled={busy} onClick={() => void resolve()}>{issue.op === 'update' ? 'Resolve and resubmit' : 'Take theirs'}</button>
    </li>
  );
}

/** A rejected change: the server's reason, and discard. */
function RejectedCard({ issue }: { issue: IssueRow }) {
  const pg = usePGlite();
  return (
    <li className="card issue" aria-label={`Rejected change on ${issue.table_name}`}>
      <p>
        <strong>Rejected</strong> ({issue.result?.code ?? 'unknown'}): {issue.result?.message ?? 'The server refused this change.'}
      </p>
      <p className="muted">Your change: {show(issue.values)}</p>
      <button type="button" onClick={() => void discardChange(pg, issue.mutation_id)}>Discard my change</button>
    </li>
  );
}

/** The sync-issues drawer: every conflict and rejection waiting for the user, live from the outbox. */
export function SyncIssuesDrawer({ onClose }: { onClose: () => void }) {
  const res = useLiveQuery<IssueRow>(
    `SELECT mutation_id, table_name, row_id::text AS row_id, op, status, "values", result FROM outbox WHERE status IN ('conflict', 'rejected') ORDER BY seq`,
    [],
  );
  const issues = res?.rows ?? [];
  return (
    <aside className="drawer" role="dialog" aria-modal="false" aria-labelledby="sync-issues-title">
      <h2 id="sync-issues-title">Sync issues</h2>
      <button type="button" className="close" onClick={onClose}>Close</button>
      {issues.length === 0 ? (
        <p>Nothing to resolve: every change is on the server or on its way.</p>
      ) : (
        <ul className="issues">
          {issues.map((i) => (i.status === 'conflict' ? <ConflictCard key={i.mutation_id} issue={i} /> : <RejectedCard key={i.mutation_id} issue={i} />))}
        </ul>
      )}
    </aside>
  );
}
