import type { BusinessHours, ModuleKey, OnboardingView, WizardStep } from '@streamflow/schema/onboarding';
import { api } from '../api.ts';
import { config } from '../config.ts';

/** Typed calls of the onboarding API (sync-server/src/onboarding/routes.ts). */
export const onboardingApi = {
  view: () => api<OnboardingView>('/api/onboarding'),
  wizard: (body: { step?: WizardStep; completedStep?: WizardStep; status?: 'in_progress' | 'skipped' | 'completed' }) =>
    api<OnboardingView>('/api/onboarding/wizard', { method: 'PUT', body: JSON.stringify(body) }),
  businessHours: (hours: BusinessHours) => api<OnboardingView>('/api/onboarding/business-hours', { method: 'PUT', body: JSON.stringify(hours) }),
  modules: (modules: Partial<Record<ModuleKey, boolean>>) => api<OnboardingView>('/api/onboarding/modules', { method: 'PUT', body: JSON.stringify({ modules }) }),
  invite: (invites: { email: string; role: string }[]) =>
    api<{ invited: string[]; view: OnboardingView }>('/api/onboarding/invites', { method: 'POST', body: JSON.stringify({ invites }) }),
  /** Uploads the logo file as the raw request body; the server checks size and type. */
  async logo(file: File): Promise<{ logoUrl: string }> {
    const res = await fetch(`${config.apiBase}/api/onboarding/logo`, {
      method: 'PUT',
      credentials: 'include',
      headers: { 'content-type': file.type || 'application/octet-stream' },
      body: file,
    });
    const body = (await res.json()) as { logoUrl?: string; error?: { message: string } };
    if (!res.ok || !body.logoUrl) throw new Error(body.error?.message ?? `Upload failed (${res.status}).`);
    return { logoUrl: body.logoUrl };
  },
};

/**
 * Creates a lead through the write path (PROTOCOL.md 2). The local-first
 * app will route this through its outbox; until then the form posts one
 * mutation with its own idempotency key.
 */
export async function createLead(values: { name: string; email?: string; phone?: string }): Promise<void> {
  const id = crypto.randomUUID();
  const clientId = localStorage.getItem('streamflow.clientId') ?? crypto.randomUUID();
  localStorage.setItem('streamflow.clientId', clientId);
  const clean = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== ''));
  const res = await api<{ results: { status: string; message?: string }[] }>('/api/write', {
    method: 'POST',
    headers: { 'idempotency-key': crypto.randomUUID() },
    body: JSON.stringify({
      clientId,
      mutations: [{ id: crypto.randomUUID(), table: 'leads', op: 'insert', pk: { id }, values: { id, source: 'onboarding', ...clean }, hlc: `${String(Date.now()).padStart(15, '0')}:0000:${clientId}` }],
    }),
  });
  const result = res.results[0];
  if (result?.status !== 'applied' && result?.status !== 'duplicate') throw new Error(result?.message ?? 'The lead was not saved.');
}
