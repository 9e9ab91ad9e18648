import { useState, type FormEvent } from 'react';
import { WEEKDAYS, type BusinessHours, type ModuleKey, type OnboardingView, type Weekday } from '@streamflow/schema/onboarding';
import { Button } from '../ui/button.tsx';
import { Checkbox, NativeSelect, TextField } from '../ui/field.tsx';
import { Badge } from '../ui/page.tsx';
import { onboardingApi } from './api.ts';
import { errorSentence } from '../ui/messages.ts';

/** Props every wizard step gets: the current view and how to finish (with the server's new view). */
export interface StepProps {
  view: OnboardingView;
  done: (next?: OnboardingView) => Promise<void>;
  fail: (message: string) => void;
}

const DAY_NAMES: Record<Weekday, string> = { mon: 'Monday', tue: 'Tuesday', wed: 'Wednesday', thu: 'Thursday', fri: 'Friday', sat: 'Saturday', sun: 'Sunday' };
const MODULE_NAMES: Record<ModuleKey, string> = {
  crm: 'Contacts, companies and leads', pipeline: 'Sales pipeline', tasks: 'Tasks', work_orders: 'Work orders and scheduling',
  time_tracking: 'Time tracking', quotes: 'Quotes', invoicing: 'Invoicing', client_payments: 'Online payments', import: 'CSV import', reports: 'Reports',
};

export function LogoStep({ view, done, fail }: StepProps) {
  const [busy, setBusy] = useState(false);
  const kb = Math.round(view.logo.maxBytes / 1024);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const file = new FormData(e.currentTarget).get('logo');
    if (!(file instanceof File) || file.size === 0) return done();
    if (file.size > view.logo.maxBytes) return fail(`The logo must be at most ${kb} KB.`);
    setBusy(true);
    try {
      await onboardingApi.logo(file);
      await done();
    } catch (err) {
      fail(errorSentence(err, `The logo was not saved. Use a PNG, JPEG, WebP or GIF of at most ${kb} KB.`));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} className="onb-step">
      {view.tenant.logoUrl && <img src={view.tenant.logoUrl} alt="Current logo" className="onb-logo-preview" />}
      <div className="sf-field">
        <label htmlFor="onb-logo" className="sf-label">Logo (PNG, JPEG, WebP or GIF, up to {kb} KB)</label>
        <input id="onb-logo" name="logo" type="file" className="onb-file" accept={view.logo.types.join(',')} />
        <span className="sf-field-hint">It appears on your invoices and your team’s screens.</span>
      </div>
      <div className="onb-step-actions"><Button type="submit" variant="primary" isPending={busy}>{busy ? 'Uploading…' : 'Save and continue'}</Button></div>
    </form>
  );
}

export function HoursStep({ view, done, fail }: StepProps) {
  const initial: BusinessHours = view.businessHours ?? {
    timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
    days: Object.fromEntries(WEEKDAYS.map((d) => [d, d === 'sat' || d === 'sun' ? null : { open: '08:00', close: '17:00' }])) as BusinessHours['days'],
  };
  const [timezone, setTimezone] = useState(initial.timezone);
  const [days, setDays] = useState(() =>
    Object.fromEntries(WEEKDAYS.map((d) => [d, { on: initial.days[d] !== null, open: initial.days[d]?.open ?? '08:00', close: initial.days[d]?.close ?? '17:00' }])) as Record<Weekday, { on: boolean; open: string; close: string }>,
  );
  const set = (d: Weekday, patch: Partial<{ on: boolean; open: string; close: string }>) => setDays((all) => ({ ...all, [d]: { ...all[d], ...patch } }));
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const out = Object.fromEntries(WEEKDAYS.map((d) => [d, days[d].on ? { open: days[d].open, close: days[d].close } : null])) as BusinessHours['days'];
    try {
      await done(await onboardingApi.businessHours({ timezone, days: out }));
    } catch (err) {
      fail(errorSentence(err, 'The hours were not saved. Check that each day closes after it opens and the time zone is a real one (like Europe/London).'));
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} className="onb-step">
      <TextField label="Time zone" name="timezone" value={timezone} onChange={setTimezone} isRequired description="Like Europe/London or America/Chicago." />
      <fieldset className="onb-fieldset">
        <legend className="sf-label">Opening hours</legend>
        {WEEKDAYS.map((d) => (
          <div key={d} className="onb-hours-row">
            <Checkbox isSelected={days[d].on} onChange={(on) => set(d, { on })}>{DAY_NAMES[d]}</Checkbox>
            <input type="time" className="sf-input" aria-label={`${DAY_NAMES[d]} opens`} value={days[d].open} disabled={!days[d].on} onChange={(e) => set(d, { open: e.target.value })} />
            <input type="time" className="sf-input" aria-label={`${DAY_NAMES[d]} closes`} value={days[d].close} disabled={!days[d].on} onChange={(e) => set(d, { close: e.target.value })} />
          </div>
        ))}
      </fieldset>
      <div className="onb-step-actions"><Button type="submit" variant="primary">Save and continue</Button></div>
    </form>
  );
}

const INVITE_STATUS: Record<string, string> = { pending: 'invited', accepted: 'joined', expired: 'expired', revoked: 'withdrawn' };

export function TeamStep({ view, done, fail }: StepProps) {
  const defaultRole = view.roles.find((r) => r.key === 'worker')?.key ?? view.roles[0]?.key ?? '';
  const [rows, setRows] = useState([{ email: '', role: defaultRole }]);
  const roleName = (key: string | null) => view.roles.find((r) => r.key === key)?.name ?? 'no role';
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const invites = rows.map((r) => ({ email: r.email.trim(), role: r.role })).filter((i) => i.email !== '');
    try {
      await done(invites.length > 0 ? (await onboardingApi.invite(invites)).view : undefined);
    } catch (err) {
      fail(errorSentence(err, 'The invitations were not sent. Check each email address and try again.'));
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} className="onb-step">
      {view.invitations.length > 0 && (
        <ul aria-label="Invited" className="onb-invited">
          {view.invitations.map((i) => (
            <li key={i.email}><span>{i.email}</span> <span className="sf-muted">{roleName(i.role)}</span> <Badge tone={i.status === 'accepted' ? 'success' : 'neutral'}>{INVITE_STATUS[i.status] ?? i.status}</Badge></li>
          ))}
        </ul>
      )}
      {rows.map((r, i) => (
        <div key={i} className="onb-invite-row">
          <TextField label="Email" type="email" autoComplete="off" value={r.email} onChange={(email) => setRows(rows.map((x, j) => (j === i ? { ...x, email } : x)))} />
          <NativeSelect label="Role" value={r.role} onChange={(role) => setRows(rows.map((x, j) => (j === i ? { ...x, role } : x)))} options={view.roles.map((x) => ({ id: x.key, label: x.name }))} />
        </div>
      ))}
      <div className="onb-step-actions">
        <Button variant="ghost" onPress={() => setRows([...rows, { email: '', role: defaultRole }])}>Add another</Button>
        <Button type="submit" variant="primary">Send invitations and continue</Button>
      </div>
    </form>
  );
}

export function IntegrationsStep({ view, done }: StepProps) {
  const p = view.integrations.payments;
  return (
    <div className="onb-step">
      <h3 className="onb-subtitle">Payments {p.connected && <Badge tone="success">connected</Badge>}</h3>
      {p.connected && <p>Payments are connected. Customers can pay your invoices online.</p>}
      {!p.connected && p.available && (
        <p>Connect a Stripe account to take card and bank payments on your invoices; you can do it now or later from Settings.</p>
      )}
      {!p.available && (
        <p className="sf-muted">Online payments will be available here: customers pay invoices by card or bank transfer, and payouts go straight to your account.</p>
      )}
      <div className="onb-step-actions"><Button variant="primary" onPress={() => void done()}>Continue</Button></div>
    </div>
  );
}

export function ModulesStep({ view, done, fail }: StepProps) {
  const [on, setOn] = useState(() => Object.fromEntries(view.modules.map((m) => [m.key, m.enabled || m.core])) as Record<ModuleKey, boolean>);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const modules = Object.fromEntries(view.modules.filter((m) => !m.core).map((m) => [m.key, on[m.key]]));
    try {
      await done(await onboardingApi.modules(modules));
    } catch (err) {
      fail(errorSentence(err, 'Your choice of features was not saved. Try again.'));
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} className="onb-step">
      <fieldset className="onb-fieldset onb-modules">
        <legend className="sf-label">Features for your team</legend>
        {view.modules.map((m) => (
          <Checkbox key={m.key} isSelected={on[m.key]} isDisabled={m.core} onChange={(v) => setOn({ ...on, [m.key]: v })}>
            {MODULE_NAMES[m.key]}{m.core && <span className="sf-muted"> (always on)</span>}
          </Checkbox>
        ))}
      </fieldset>
      <div className="onb-step-actions"><Button type="submit" variant="primary">Finish setup</Button></div>
    </form>
  );
}
