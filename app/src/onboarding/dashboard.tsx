import { useCallback, useEffect, useState } from 'react';
import type { OnboardingView } from '@streamflow/schema/onboarding';
import type { Me } from '../api.ts';
import { onboardingApi } from './api.ts';
import { QuickLead } from './quick-lead.tsx';
import { Wizard } from './wizard.tsx';
import './onboarding.css';

/**
 * The client dashboard's onboarding part: the owner's setup wizard (until
 * finished or skipped), the template's checklist ticked from real data, and
 * first-run tips for everyone else.
 */
export function ClientDashboard({ me }: { me: Me }) {
  const [view, setView] = useState<OnboardingView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [wizardOpen, setWizardOpen] = useState(false);
  const [tipsHidden, setTipsHidden] = useState(() => localStorage.getItem(`streamflow.tips.${me.id}`) === 'hidden');

  const refresh = useCallback(async () => {
    try {
      const v = await onboardingApi.view();
      setView(v);
      return v;
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      return null;
    }
  }, []);

  useEffect(() => {
    void refresh().then((v) => {
      if (v?.isOwner && (v.wizard.status === 'pending' || v.wizard.status === 'in_progress')) setWizardOpen(true);
    });
  }, [refresh]);

  if (error) return <p role="alert" className="error">{error}</p>;
  if (!view) return <p aria-busy="true">Loading your workspace…</p>;

  const remaining = view.checklist.filter((c) => !c.done).length;
  return (
    <div className="dashboard">
      <section className="card" aria-labelledby="dash-title">
        <div className="dash-head">
          {view.tenant.logoUrl && <img src={view.tenant.logoUrl} alt="" className="logo-small" />}
          <div>
            <h1 id="dash-title">{view.tenant.name}</h1>
            <p className="muted">{view.tenant.templateName} · {view.tenant.plan} plan</p>
          </div>
          {view.isOwner && !wizardOpen && view.wizard.status !== 'completed' && (
            <button type="button" className="secondary" onClick={() => setWizardOpen(true)}>
              Resume setup
            </button>
          )}
        </div>
      </section>

      {wizardOpen && <Wizard view={view} onChange={setView} onClose={() => setWizardOpen(false)} />}

      {!view.isOwner && view.tips.length > 0 && !tipsHidden && (
        <section className="card tips" aria-labelledby="tips-title">
          <h2 id="tips-title">Tips for getting started</h2>
          <ul>{view.tips.map((t) => <li key={t}>{t}</li>)}</ul>
          <button
            type="button"
            className="secondary"
            onClick={() => {
              localStorage.setItem(`streamflow.tips.${me.id}`, 'hidden');
              setTipsHidden(true);
            }}
          >
            Got it
          </button>
        </section>
      )}

      <section className="card" aria-labelledby="checklist-title">
        <h2 id="checklist-title">Getting started</h2>
        <p className="muted" aria-live="polite">
          {remaining === 0 ? 'All done: nice work!' : `${view.checklist.length - remaining} of ${view.checklist.length} done`}
        </p>
        <ul className="checklist">
          {view.checklist.map((c) => (
            <li key={c.key} className={c.done ? 'done' : ''} data-key={c.key}>
              <span aria-hidden="true">{c.done ? '✓' : '○'}</span> {c.label}
              <span className="visually-hidden">{c.done ? ' (done)' : ' (to do)'}</span>
            </li>
          ))}
        </ul>
      </section>

      <QuickLead onCreated={() => void refresh()} />
    </div>
  );
}
