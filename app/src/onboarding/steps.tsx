import { useState, type FormEvent } from 'react';
import { WEEKDAYS, type BusinessHours, type ModuleKey, type OnboardingView, type Weekday } from '@streamflow/schema/onboarding';
import { onboardingApi } from './api.ts';

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
const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function LogoStep({ view, done, fail }: StepProps) {
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const file = new FormData(e.currentTarget).get('logo');
    if (!(file instanceof File) || file.size === 0) return done();
    if (file.size > view.logo.maxBytes) return fail(`The logo must be at most ${Math.round(view.logo.maxBytes / 1024)} KB.`);
    setBusy(true);
    try {
      await onboardingApi.logo(file);
      await done();
    } catch (err) {
      fail(message(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} className="step">
      {view.tenant.logoUrl && <img src={view.tenant.logoUrl} alt="Current logo" className="logo-preview" />}
      <label>
        Logo (PNG, JPEG, WebP or GIF, up to {Math.round(view.logo.maxBytes / 1024)} KB)
        <input name="logo" type="file" accept={view.logo.types.join(',')} />
      </label>
      <button type="submit" disabled={busy}>{busy ? 'Uploading…' : 'Save and continue'}</button>
    </form>
  );
}

export function HoursStep({ view, done, fail }: StepProps) {
  const initial: BusinessHours = view.businessHours ?? {
    timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
    days: Object.fromEntries(WEEKDAYS.map((d) => [d, d === 'sat' || d === 'sun' ? null : { open: '08:00', close: '17:00' }])) as BusinessHours['days'],
  };
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const days = Object.fromEntries(
      WEEKDAYS.map((d) => [d, f.get(`${d}-on`) ? { open: String(f.get(`${d}-open`)), close: String(f.get(`${d}-close`)) } : null]),
    ) as BusinessHours['days'];
    try {
      await done(await onboardingApi.businessHours({ timezone: String(f.get('timezone')), days }));
    } catch (err) {
      fail(message(err));
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} className="step">
      <label>
        Time zone
        <input name="timezone" defaultValue={initial.timezone} required />
      </label>
      <fieldset className="hours">
        <legend>Opening hours</legend>
        {WEEKDAYS.map((d) => (
          <div key={d} className="hours-row">
            <label className="inline">
              <input type="checkbox" name={`${d}-on`} defaultChecked={initial.days[d] !== null} /> {DAY_NAMES[d]}
            </label>
            <input type="time" name={`${d}-open`} aria-label={`${DAY_NAMES[d]} opens`} defaultValue={initial.days[d]?.open ?? '08:00'} />
            <input type="time" name={`${d}-close`} aria-label={`${DAY_NAMES[d]} closes`} defaultValue={initial.days[d]?.close ?? '17:00'} />
          </div>
        ))}
      </fieldset>
      <button type="submit">Save and continue</button>
    </form>
  );
}

export function TeamStep({ view, done, fail }: StepProps) {
  const [rows, setRows] = useState([0]);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const invites = rows
      .map((i) => ({ email: String(f.get(`email-${i}`) ?? '').trim(), role: String(f.get(`role-${i}`)) }))
      .filter((i) => i.email !== '');
    try {
      await done(invites.length > 0 ? (await onboardingApi.invite(invites)).view : undefined);
    } catch (err) {
      fail(message(err));
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} className="step">
      {view.invitations.length > 0 && (
        <ul aria-label="Invited">
          {view.invitations.map((i) => <li key={i.email}>{i.email} ({i.role}, {i.status})</li>)}
        </ul>
      )}
      {rows.map((i) => (
        <div key={i} className="invite-row">
          <label>
            Email
            <input name={`email-${i}`} type="email" autoComplete="off" />
          </label>
          <label>
            Role
            <select name={`role-${i}`} defaultValue={view.roles.find((r) => r.key === 'worker')?.key ?? view.roles[0]?.key}>
              {view.roles.map((r) => <option key={r.key} value={r.key}>{r.name}</option>)}
            </select>
          </label>
        </div>
      ))}
      <button type="button" className="secondary" onClick={() => setRows([...rows, rows.length])}>Add another</button>
      <button type="submit">Send invitations and continue</button>
    </form>
  );
}

export function IntegrationsStep({ view, done }: StepProps) {
  const p = view.integrations.payments;
  return (
    <div className="step">
      <h3>Payments</h3>
      {p.connected && <p>Payments are connected. Customers can pay your invoices online.</p>}
      {!p.connected && p.available && (
        <p>Connect a Stripe account to take card and bank payments on your invoices; you can do it now or later from Settings.</p>
      )}
      {!p.available && (
        <p>Online payments will be available here: customers pay invoices by card or bank transfer, and payouts go straight to your account.</p>
      )}
      <button type="button" onClick={() => void done()}>Continue</button>
    </div>
  );
}

export function ModulesStep({ view, done, fail }: StepProps) {
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const modules = Object.fromEntries(view.modules.filter((m) => !m.core).map((m) => [m.key, f.get(m.key) === 'on']));
    try {
      await done(await onboardingApi.modules(modules));
    } catch (err) {
      fail(message(err));
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} className="step">
      <fieldset>
        <legend>Features for your team</legend>
        {view.modules.map((m) => (
          <label key={m.key} className="inline">
            <input type="checkbox" name={m.key} defaultChecked={m.enabled || m.core} disabled={m.core} /> {MODULE_NAMES[m.key]}
            {m.core && ' (always on)'}
          </label>
        ))}
      </fieldset>
      <button type="submit">Finish setup</button>
    </form>
  );
}
