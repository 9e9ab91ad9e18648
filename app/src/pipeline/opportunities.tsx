import { useLiveQuery, usePGlite } from '@electric-sql/pglite-react';
import { useState, type FormEvent } from 'react';
import type { Me } from '../api.ts';
import { ActivityTimeline } from '../activities/activities.tsx';
import { fieldErrors, Link, NotFound, RecordForm, SyncBadge, syncStateSql, TextField, type RecordSync } from '../ui/record-kit.tsx';

interface OpportunityRow {
  id: string;
  name: string;
  stage: string;
  amount: string | null;
  currency: string;
  company_id: string | null;
  company: string | null;
  lead_id: string | null;
  expected_close_date: string | null;
  sync: RecordSync;
}

const OPP_SELECT = `SELECT o.id, o.name, o.stage, o.amount::text AS amount, o.currency, o.company_id, c.name AS company, o.lead_id,
          o.expected_close_date::text AS expected_close_date, ${syncStateSql('opportunities', 'o.id')} AS sync
     FROM opportunities o LEFT JOIN companies c ON c.id = o.company_id`;

export type Stage = { key: string; label: string; outcome?: 'won' | 'lost' };

/** The tenant's stages (from its template, via /api/me), plus any stage a row uses that the template no longer has. */
export function stagesOf(me: Me, used: readonly string[]): Stage[] {
  const stages: Stage[] = [...(me.pipeline ?? [])];
  for (const key of used) if (!stages.some((s) => s.key === key)) stages.push({ key, label: key.replace(/_/g, ' ') });
  return stages;
}

const money = (n: number) => n.toLocaleString(undefined, { minimumFractionDigits: 0, maximumFractionDigits: 2 });

/**
 * The stage of an opportunity, changed locally: a won or lost stage closes it
 * (and re-opening clears that). Label it where it is used.
 */
function StageSelect({ id, stage, stages, disabled }: { id: string; stage: string; stages: Stage[]; disabled?: boolean }) {
  const pg = usePGlite();
  const move = (to: Stage) =>
    pg.query(`UPDATE opportunities SET stage = $2, closed_at = CASE WHEN $3 THEN coalesce(closed_at, now()) ELSE NULL END WHERE id = $1`, [
      id,
      to.key,
      to.outcome !== undefined,
    ]);
  return (
    <select
      value={stage}
      disabled={disabled}
      onChange={(e) => {
        const to = stages.find((s) => s.key === e.target.value);
        if (to) void move(to);
      }}
    >
      {stages.map((s) => <option key={s.key} value={s.key}>{s.label}</option>)}
    </select>
  );
}

/** The pipeline board: a column per stage of the tenant's template, each card movable, totals per stage. */
export function OpportunitiesPage({ me, base }: { me: Me; base: string }) {
  const pg = usePGlite();
  const res = useLiveQuery<OpportunityRow>(`${OPP_SELECT} ORDER BY o.expected_close_date NULLS LAST, lower(o.name), o.id`, []);
  const companies = useLiveQuery<{ id: string; name: string }>(`SELECT id, name FROM companies ORDER BY lower(name) LIMIT 500`, []);
  const rows = res?.rows ?? [];
  const stages = stagesOf(me, [...new Set(rows.map((o) => o.stage))]);
  const canMove = me.perms.includes('opportunities.update');
  const [draft, setDraft] = useState({ name: '', amount: '', company_id: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const create = async (e: FormEvent) => {
    e.preventDefault();
    const first = stages[0];
    if (!first) return;
    const values = { name: draft.name.trim(), amount: draft.amount.trim(), stage: first.key, company_id: draft.company_id || null };
    const errs = fieldErrors('opportunities', 'insert', values);
    setErrors(errs);
    if (Object.keys(errs).length) return;
    await pg.query(`INSERT INTO opportunities (name, amount, stage, company_id) VALUES ($1, NULLIF($2, '')::numeric, $3, $4)`, [values.name, values.amount, values.stage, values.company_id]);
    setDraft({ name: '', amount: '', company_id: '' });
  };
  return (
    <section className="card" aria-labelledby="pipeline-title">
      <h1 id="pipeline-title">Pipeline</h1>
      {me.perms.includes('opportunities.create') && stages.length > 0 && (
        <form className="row" onSubmit={(e) => void create(e)} aria-label="New opportunity" noValidate>
          <TextField label="Opportunity" name="name" value={draft.name} error={errors.name} required onChange={(v) => setDraft({ ...draft, name: v })} />
          <TextField label="Amount" name="amount" value={draft.amount} error={errors.amount} onChange={(v) => setDraft({ ...draft, amount: v })} />
          <label>
            Company{' '}
            <select value={draft.company_id} onChange={(e) => setDraft({ ...draft, company_id: e.target.value })}>
              <option value="">None</option>
              {(companies?.rows ?? []).map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
            </select>
          </label>
          <button type="submit">Add opportunity</button>
        </form>
      )}
      {stages.length === 0 && <p className="muted">Your pipeline has no stages yet.</p>}
      <div className="board">
        {stages.map((stage) => {
          const cards = rows.filter((o) => o.stage === stage.key);
          const total = cards.reduce((n, o) => n + Number(o.amount ?? 0), 0);
          return (
            <section key={stage.key} className="column" aria-label={`Stage ${stage.label}`}>
              <h2>
                {stage.label} <span className="muted">({cards.length} · {money(total)})</span>
              </h2>
              <ul>
                {cards.map((o) => (
                  <li key={o.id} className="card">
                    <Link to={`${base}/opportunities/${o.id}`}><strong>{o.name}</strong></Link> <SyncBadge sync={o.sync} />
                    <div className="muted">
                      {o.company ?? ''} {o.amount ? `· ${money(Number(o.amount))} ${o.currency}` : ''}
                    </div>
                    {canMove && (
                      <label className="move">
                        <span className="visually-hidden">Move {o.name} to</span>
                        <StageSelect id={o.id} stage={o.stage} stages={stages} />
                      </label>
                    )}
                  </li>
                ))}
              </ul>
            </section>
          );
        })}
      </div>
    </section>
  );
}

const OPP_FIELDS = [
  { name: 'name', label: 'Name' },
  { name: 'amount', label: 'Amount' },
  { name: 'expected_close_date', label: 'Expected close', type: 'date' },
];

/** One opportunity: fields and stage, editable offline; its company and the lead it came from. */
export function OpportunityDetail({ me, base, id }: { me: Me; base: string; id: string }) {
  const res = useLiveQuery<OpportunityRow>(`${OPP_SELECT} WHERE o.id = $1`, [id]);
  const o = res?.rows[0];
  if (!res) return <p aria-busy="true">Loading…</p>;
  if (!o) return <NotFound what="Opportunity" back={{ to: `${base}/opportunities`, label: 'The pipeline' }} />;
  const stages = stagesOf(me, [o.stage]);
  const canEdit = me.perms.includes('opportunities.update');
  return (
    <div className="detail">
      <section className="card" aria-labelledby="opp-title">
        <p><Link to={`${base}/opportunities`}>← The pipeline</Link></p>
        <h1 id="opp-title">{o.name} <SyncBadge sync={o.sync} /></h1>
        {o.company_id && <p>For <Link to={`${base}/companies/${o.company_id}`}>{o.company ?? 'a company'}</Link></p>}
        {o.lead_id && <p>Converted from <Link to={`${base}/leads/${o.lead_id}`}>a lead</Link></p>}
        <label className="row">
          Stage <StageSelect id={o.id} stage={o.stage} stages={stages} disabled={!canEdit} />
        </label>
        <RecordForm table="opportunities" id={id} fields={OPP_FIELDS} row={{ ...o, sync: null }} disabled={!canEdit} />
      </section>
      {me.perms.includes('activities.read') && <ActivityTimeline me={me} relatedTable="opportunities" relatedId={id} />}
    </div>
  );
}
