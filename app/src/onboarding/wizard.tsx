import { useState } from 'react';
import { Check } from 'lucide-react';
import { WIZARD_STEPS, type OnboardingView, type WizardStep } from '@streamflow/schema/onboarding';
import { Button } from '../ui/button.tsx';
import { Card } from '../ui/page.tsx';
import { onboardingApi } from './api.ts';
import { errorSentence } from '../ui/messages.ts';
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
    try {
      const saved = await onboardingApi.wizard({
        ...(completed ? { completedStep: step } : {}),
        ...(last ? { status: 'completed' as const } : { step: nextStep }),
      });
      onChange(saved);
      if (last) onClose();
      else setIndex(index + 1);
    } catch (err) {
      setError(errorSentence(err, 'Your progress could not be saved. Try again.'));
    }
  };
  const skipAll = async () => {
    try {
      onChange(await onboardingApi.wizard({ step, status: 'skipped' }));
      onClose();
    } catch (err) {
      setError(errorSentence(err, 'Setup could not be skipped just now. Try again.'));
    }
  };

  return (
    <Card
      id="wizard"
      className="onb-wizard"
      title={title}
      actions={<span className="sf-muted onb-step-count" aria-live="polite">Step {index + 1} of {WIZARD_STEPS.length}</span>}
    >
      <ol className="onb-steps" aria-label="Setup steps">
        {WIZARD_STEPS.map((s, i) => {
          const done = view.wizard.completedSteps.includes(s);
          return (
            <li key={s} aria-current={i === index ? 'step' : undefined} className={done ? 'done' : ''}>
              <span className="onb-step-dot" aria-hidden="true">{done ? <Check size={12} strokeWidth={3} /> : i + 1}</span>
              <span className="onb-step-label">{STEPS[s].title}</span>
            </li>
          );
        })}
      </ol>
      <Component view={view} done={() => go(true)} fail={setError} />
      {error && <div role="alert" className="error-message">{error}</div>}
      <footer className="onb-wizard-foot">
        {index > 0 && <Button variant="secondary" onPress={() => setIndex(index - 1)}>Back</Button>}
        <Button variant="secondary" onPress={() => void go(false)}>Skip this step</Button>
        <Button variant="ghost" onPress={() => void skipAll()}>Skip setup for now</Button>
      </footer>
    </Card>
  );
}
