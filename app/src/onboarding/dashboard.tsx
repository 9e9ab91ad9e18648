import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { Check, Circle } from 'lucide-react';
import type { OnboardingView } from '@streamflow/schema/onboarding';
import type { Me } from '../api.ts';
import { Button } from '../ui/button.tsx';
import { Card, PageHeader } from '../ui/page.tsx';
import { onboardingApi } from './api.ts';
import { QuickLead } from './quick-lead.tsx';
import { Wizard } from './wizard.tsx';
import { errorSentence } from '../ui/messages.ts';
import './onboarding.css';

/**
 * The client dashboard's onboarding part: the owner's setup wizard (until
 * finished or skipped) and the template's checklist ticked from real data;
 * first-run tips for everyone else. `children` are the dashboard's tiles.
 */
export function ClientDashboard({ me, children }: { me: Me; children: ReactNode }) {
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
      setError(errorSentence(err, 'Your workspace details could not be loaded. Reload the page to try again.'));
      return null;
    }
  }, []);

  useEffect(() => {
    void refresh().then((v) => {
      if (v?.isOwner && (v.wizard.status === 'pending' || v.wizard.status === 'in_progress')) setWizardOpen(true);
    });
  }, [refresh]);

  if (!view) {
    return (
      <>
        <PageHeader title="Dashboard" />
        {error && <div role="alert" className="error-message">{error}</div>}
        {children}
      </>
    );
  }

  const remaining = view.checklist.filter((c) => !c.done).length;
  const canAddLead = me.perms.includes('leads.create');
  return (
    <>
      <PageHeader
        title={
          <span className="onb-title">
            {view.tenant.logoUrl && <img src={view.tenant.logoUrl} alt="" className="onb-logo" />}
            {view.tenant.name}
          </span>
        }
        description={`${view.tenant.templateName} · ${view.tenant.plan} plan`}
        actions={view.isOwner && !wizardOpen && view.wizard.status !== 'completed' ? <Button variant="primary" onPress={() => setWizardOpen(true)}>Resume setup</Button> : undefined}
      />

      {wizardOpen && <Wizard view={view} onChange={setView} onClose={() => setWizardOpen(false)} />}

      {!view.isOwner && view.tips.length > 0 && !tipsHidden && (
        <Card
          id="tips"
          title="Tips for getting started"
          actions={
            <Button variant="ghost" size="sm" onPress={() => { localStorage.setItem(`streamflow.tips.${me.id}`, 'hidden'); setTipsHidden(true); }}>
              Got it
            </Button>
          }
        >
          <ul className="onb-tips">{view.tips.map((t) => <li key={t}>{t}</li>)}</ul>
        </Card>
      )}

      {children}

      {view.isOwner && (
        <div className="sf-grid">
          <Card id="checklist" title="Getting started">
            <p className="sf-muted onb-progress" aria-live="polite">
              {remaining === 0 ? 'All done: nice work!' : `${view.checklist.length - remaining} of ${view.checklist.length} done`}
            </p>
            <ul className="checklist">
              {view.checklist.map((c) => (
                <li key={c.key} className={c.done ? 'done' : ''} data-key={c.key}>
                  <span className="onb-check" aria-hidden="true">{c.done ? <Check size={14} strokeWidth={3} /> : <Circle size={14} />}</span>
                  <span>{c.label}</span>
                  <span className="sf-visually-hidden">{c.done ? ' (done)' : ' (to do)'}</span>
                </li>
              ))}
            </ul>
          </Card>
          {canAddLead && <QuickLead onCreated={() => void refresh()} />}
        </div>
      )}
      {!view.isOwner && canAddLead && <QuickLead onCreated={() => void refresh()} />}
    </>
  );
}
