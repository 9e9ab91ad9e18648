import { useLiveQuery, usePGlite } from '@electric-sql/pglite-react';
import { useState } from 'react';
import { CircleCheck } from 'lucide-react';
import { Button } from '../ui/button.tsx';
import { Dialog } from '../ui/dialog.tsx';
import { Badge, EmptyState } from '../ui/page.tsx';
import { discardChange, resolveConflict, type FieldDecision } from './sync-issues.ts';
import { explainMutation, fieldLabel, issueSentence } from '../ui/messages.ts';
import type { MutationResult } from './uploader.ts';

interface IssueRow {
  mutation_id: string;
  table_name: string;
  row_id: string;
  op: string;
  status: 'conflict' | 'rejected';
  values: Record<string, unknown>;
  result: MutationResult | null;
}

/** A table name as a record kind: `work_orders` -> "work order". */
export const recordKind = (table: string) => table.replace(/_/g, ' ').replace(/ies$/, 'y').replace(/s$/, '');

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
    <li className="sf-issue" aria-label={`Conflict on ${issue.table_name}`}>
      <p className="sf-issue-title">
        <Badge tone="warning">Conflict</Badge> Someone changed this {recordKind(issue.table_name)} on the server after you.
      </p>
      {issue.op !== 'update' ? (
        <p>{issue.result?.message ?? 'The record changed on the server.'}</p>
      ) : (
        <table className="sf-table sf-table-compact">
          <thead>
            <tr><th scope="col">Field</th><th scope="col">Yours</th><th scope="col">Theirs</th><th scope="col">Original</th><th scope="col">Keep</th></tr>
          </thead>
          <tbody>
            {conflicts.map((c) => (
              <tr key={c.field}>
                <th scope="row">{fieldLabel(c.field)}</th>
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
      <div className="sf-issue-actions">
        <Button variant="primary" size="sm" isPending={busy} onPress={() => void resolve()}>{issue.op === 'update' ? 'Resolve and resubmit' : 'Take theirs'}</Button>
      </div>
    </li>
  );
}

/** A rejected change: the server's reason, and discard. */
function RejectedCard({ issue }: { issue: IssueRow }) {
  const pg = usePGlite();
  const why = explainMutation(issue.result);
  // The write API sends zod's issues with an INVALID rejection: each becomes a sentence on its field.
  const fieldProblems = (issue.result?.issues ?? []).map((i) => {
    const field = String(i.path?.[0] ?? '');
    return { field, sentence: issueSentence(i, fieldLabel(field)) };
  });
  return (
    <li className="sf-issue" aria-label={`Rejected change on ${issue.table_name}`}>
      <p className="sf-issue-title">
        <Badge tone="danger">Not saved</Badge> The server refused your change to this {recordKind(issue.table_name)}.
      </p>
      <p>{why.sentence} {why.action}</p>
      {fieldProblems.length > 0 && (
        <ul className="sf-issue-fields">
          {fieldProblems.map((f) => (
            <li key={f.field}>
              <strong>{fieldLabel(f.field)}</strong>: {f.sentence}
            </li>
          ))}
        </ul>
      )}
      <details className="sf-details">
        <summary>Details</summary>
        <p className="sf-mono">
          {why.code}
          {why.detail ? ` · ${why.detail}` : ''}
        </p>
        <dl className="sf-detail-list">
          {Object.entries(issue.values ?? {}).map(([k, v]) => (
            <div key={k} className="sf-detail"><dt>{fieldLabel(k)}</dt><dd>{show(v)}</dd></div>
          ))}
        </dl>
      </details>
      <div className="sf-issue-actions">
        <Button variant="danger" size="sm" onPress={() => void discardChange(pg, issue.mutation_id)}>Discard my change</Button>
      </div>
    </li>
  );
}

/** The sync-issues drawer: every conflict and rejection waiting for the user, live from the outbox. Esc closes it. */
export function SyncIssuesDrawer({ isOpen, onClose }: { isOpen: boolean; onClose: () => void }) {
  const res = useLiveQuery<IssueRow>(
    `SELECT mutation_id, table_name, row_id::text AS row_id, op, status, "values", result FROM outbox WHERE status IN ('conflict', 'rejected') ORDER BY seq`,
    [],
  );
  const issues = res?.rows ?? [];
  return (
    <Dialog title="Sync issues" kind="sheet" isOpen={isOpen} onClose={onClose}>
      {issues.length === 0 ? (
        <EmptyState icon={<CircleCheck size={28} />} title="Nothing to resolve">
          Every change is on the server or on its way.
        </EmptyState>
      ) : (
        <ul className="sf-issues">
          {issues.map((i) => (i.status === 'conflict' ? <ConflictCard key={i.mutation_id} issue={i} /> : <RejectedCard key={i.mutation_id} issue={i} />))}
        </ul>
      )}
    </Dialog>
  );
}
