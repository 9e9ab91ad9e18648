import { useState } from 'react';
import { WIZARD_STEPS, type OnboardingView, type WizardStep } from '@streamflow/schema/onboarding';
import { onboardingApi } from './api.ts';
import { HoursStep, IntegrationsStep, LogoStep, ModulesStep, TeamStep, type StepProps } from './steps.tsx';

const STEPS: Record<WizardStep, { title: string; Component: (p: StepProps) => React.JSX.Element }> = {
  logo: { title: 'Add your logo', Component: LogoStep },
  business_hours: { title: 'Set your business hours', Component: HoursStep },
  team: { title: 'Invite your team', Component: TeamStep },
  integrations: { title: 'Connect your tools', Component: IntegrationsStep },
  modules: { title: 'Choose your features', Component: ModulesStep },
};

/**
 * The owner's setup wizard: five short steps, each skippable, the whole
 * thing skippable, and resumable (the server remembers the step).
 */
export function Wizard({ view, onChange, onClose }: { view: OnboardingView; onChange: (v: OnboardingView) => void; onClose: () => void }) {
  const start = view.wizard.step && view.wizard.status !== 'completed' ? WIZARD_STEPS.indexOf(view.wizard.step) : 0;
  const [index, setIndex] = useState(Math.max(0, start));
  const [error, setError] = useState<string | null>(null);
  const step = WIZARD_STEPS[index] ?? 'logo';
  const { title, Component } = STEPS[step];

  const go = async (completed: boolean) => {
    setError(null);
    const last = index === WIZARD_STEPS.length - 1;
    const nextStep = WIZARD_STEPS[index + 1];
    const saved = await onboardingApi.wizard({
      ...(completed ? { completedStep: step } : {}),
      ...(last ? { status: 'completed' as const } : { step: nextStep }),
    });
    onChange(saved);
    if (last) onClose();
    else setIndex(index + 1);
  };
  const skipAll = async () => {
    onChange(await onboardingApi.wizard({ step, status: 'skipped' }));
    onClose();
  };

  return (
    <section className="card wizard" aria-labelledby="wizard-title">
      <header className="wizard-head">
        <h2 id="wizard-title">{title}</h2>
        <span className="muted" aria-live="polite">
          Step {index + 1} of {WIZARD_STEPS.length}
        </span>
      </header>
      <ol className="wizard-progress" aria-label="Setup steps">
        {WIZARD_STEPS.map((s, i) => (
          <li key={s} aria-current={i === index ? 'step' : undefined} className={view.wizard.completedSteps.includes(s) ? 'done' : ''}>
            {STEPS[s].title}
          </li>
        ))}
      </ol>
      <Component view={view} done={() => go(true)} fail={setError} />
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <footer className="wizard-foot">
        {index > 0 && (
          <button type="button" className="secondary" onClick={() => setIndex(index - 1)}>
            Back
          </button>
        )}
        <button type="button" className="secondary" onClick={() => void go(false)}>
          Skip this step
        </button>
        <button type="button" className="link" onClick={() => void skipAll()}>
          Skip setup for now
        </button>
      </footer>
    </section>
  );
}
