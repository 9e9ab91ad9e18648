import { usePGlite } from '@electric-sql/pglite-react';
import { useEffect, useId, useState, type FormEvent } from 'react';
import type { Me } from '../api.ts';
import { ConvertError, convertLead, knownStages, stageOptions, type StageOption } from './lead-convert.ts';
import type { LeadRecord } from './lead-queries.ts';
import { Link } from '../ui/record-kit.tsx';

/** "Convert to opportunity": stage, name, and whether to add a company and a contact; all local. */
export function LeadConvertPanel({ me, base, lead }: { me: Me; base: string; lead: LeadRecord }) {
  const pg = usePGlite();
  const id = useId();
  const [stages, setStages] = useState<StageOption[] | null>(null);
  const [stage, setStage] = useState('');
  const [name, setName] = useState('');
  const [withCompany, setWithCompany] = useState(Boolean(lead.company_name));
  const [withContact, setWithContact] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const mayCompany = me.perms.includes('companies.create');
  const mayContact = me.perms.includes('contacts.create');

  const pipeline = me.pipeline;
  useEffect(() => {
    const use = (known: string[]) => {
      const options = stageOptions(pipeline, known);
      setStages(options);
      setStage((cur) => cur || options[0]?.key || '');
    };
    if (stageOptions(pipeline, []).length > 0) use([]);
    else knownStages(pg).then(use, () => use([]));
  }, [pg, pipeline]);

  if (lead.converted_opportunity_id) {
    return (
      <section className="leads-convert" aria-labelledby={`${id}-t`}>
        <h2 id={`${id}-t`}>Converted</h2>
        <p role="status">
          This lead became an opportunity.{' '}
          <Link to={`${base}/opportunities/${lead.converted_opportunity_id}`}>Open the opportunity</Link>
        </p>
      </section>
    );
  }
  if (!me.perms.includes('opportunities.create') || !me.perms.includes('leads.update')) return null;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await convertLead(pg, lead.id, me.id, { opportunityName: name, stage, withCompany: withCompany && mayCompany, withContact: withContact && mayContact });
    } catch (err) {
      setError(err instanceof ConvertError ? err.message : `The conversion failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="leads-convert" aria-labelledby={`${id}-t`}>
      <h2 id={`${id}-t`}>Convert to opportunity</h2>
      <form onSubmit={(e) => void submit(e)} aria-label="Convert to opportunity" className="leads-convert-form">
        <div className="leads-field">
          <label htmlFor={`${id}-name`}>Opportunity name</label>
          <input id={`${id}-name`} value={name} placeholder={lead.company_name || lead.name} onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="leads-field">
          <label htmlFor={`${id}-stage`}>Pipeline stage</label>
          {stages && stages.length > 0 ? (
            <select id={`${id}-stage`} value={stage} onChange={(e) => setStage(e.target.value)}>
              {stages.map((s) => <option key={s.key} value={s.key}>{s.label}</option>)}
            </select>
          ) : (
            <input id={`${id}-stage`} value={stage} onChange={(e) => setStage(e.target.value)} required aria-describedby={`${id}-stage-hint`} />
          )}
          {stages && stages.length === 0 && (
            <span id={`${id}-stage-hint`} className="muted">Your pipeline's stages are not known on this device yet: type the first stage of your pipeline.</span>
          )}
        </div>
        {mayCompany && (
          <label className="leads-check">
            <input type="checkbox" checked={withCompany} disabled={!lead.company_name} onChange={(e) => setWithCompany(e.target.checked)} />
            {lead.company_name ? `Also add the company “${lead.company_name}” (or link the existing one)` : 'Also add a company (the lead has no company name)'}
          </label>
        )}
        {mayContact && (
          <label className="leads-check">
            <input type="checkbox" checked={withContact} onChange={(e) => setWithContact(e.target.checked)} />
            Also add {lead.name} as a contact
          </label>
        )}
        <button type="submit" disabled={busy || !stage.trim()}>Convert</button>
        {error && <p className="error" role="alert">{error}</p>}
      </form>
    </section>
  );
}
