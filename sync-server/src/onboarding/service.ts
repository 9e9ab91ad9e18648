import { eq, sql } from 'drizzle-orm';
import {
  CORE_MODULES,
  MODULE_KEYS,
  organization,
  type BusinessHours,
  type ChecklistKind,
  type ModuleKey,
  type OnboardingView,
  type TemplateSettings,
  type WizardStep,
} from '@streamflow/schema';
import type { TenantPrincipal } from '../auth/principal.ts';
import type { Deps } from '../context.ts';
import { withTenant } from '../db/tenant.ts';
import type { Database, Tx } from '../db/types.ts';
import { loadTemplates } from '../provisioning/template-loader.ts';
import { LOGO_TYPES } from './logo.ts';

export type OrgSettings = Partial<TemplateSettings> & {
  onboarding?: { status?: OnboardingView['wizard']['status']; step?: WizardStep | null; completedSteps?: WizardStep[] };
  businessHours?: BusinessHours;
  /** `#rrggbb`: the tenant's brand colour (PUT /api/onboarding/brand). */
  brandColor?: string | null;
  [key: string]: unknown;
};

/** Owners (or anyone with settings.manage) run the wizard; everyone else gets first-run tips. */
export const isOwnerLike = (p: TenantPrincipal) => p.roles.includes('owner') || p.perms.has('settings.manage');

/**
 * Read-modify-write of a tenant's settings under a row lock, so two wizard
 * tabs never lose each other's changes. The tenant comes from the principal.
 */
export async function updateSettings(db: Database, orgId: string, now: Date, fn: (s: OrgSettings, tx: Tx) => OrgSettings | Promise<OrgSettings>): Promise<OrgSettings> {
  return db.orm.transaction(async (tx) => {
    const [row] = await tx.select({ settings: organization.settings }).from(organization).where(eq(organization.id, orgId)).for('update');
    const next = await fn((row?.settings ?? {}) as OrgSettings, tx);
    await tx.update(organization).set({ settings: next, updatedAt: now }).where(eq(organization.id, orgId));
    return next;
  });
}

/** Ticks each checklist item from the tenant's real data (sample records do not count). */
export async function checklistDone(db: Database, orgId: string, settings: OrgSettings): Promise<Record<ChecklistKind, boolean>> {
  const [r] = await withTenant(db, { orgId }, (tx) =>
    db.rows<Record<string, boolean>>(
      sql`select
        exists (select 1 from leads where custom->>'sample' is null) as first_lead,
        exists (select 1 from work_orders where number not like 'WO-S%') as first_work_order,
        exists (select 1 from opportunities) as first_opportunity,
        exists (select 1 from tenant_stripe_connect where charges_enabled) as connect_payments,
        exists (select 1 from tenant_logos) as upload_logo,
        (select count(*) from member where organization_id = ${orgId}) > 1 as more_members`,
      tx,
    ),
  );
  // Invitations (better-auth's table, invitees' emails) are out of the tenant role's reach (ADR 011): read as the owner.
  const invited = !r?.more_members && (await db.rows(sql`select 1 from invitation where organization_id = ${orgId} limit 1`)).length > 0;
  return {
    first_lead: Boolean(r?.first_lead),
    invite_team: Boolean(r?.more_members) || invited,
    first_work_order: Boolean(r?.first_work_order),
    connect_payments: Boolean(r?.connect_payments),
    first_opportunity: Boolean(r?.first_opportunity),
    business_hours: Boolean(settings.businessHours),
    upload_logo: Boolean(r?.upload_logo),
  };
}

/** Everything the wizard, the dashboard checklist and the first-run tips need, in one read. */
export async function onboardingView(deps: Deps, p: TenantPrincipal): Promise<OnboardingView> {
  const [org] = await deps.db.orm
    .select({ id: organization.id, name: organization.name, industry: organization.industry, plan: organization.plan, logo: organization.logo, settings: organization.settings })
    .from(organization)
    .where(eq(organization.id, p.orgId));
  if (!org) throw new Error(`tenant ${p.orgId} not found`);
  const settings = org.settings as OrgSettings;
  const template = loadTemplates().get(org.industry);
  const owner = isOwnerLike(p);
  const done = await checklistDone(deps.db, p.orgId, settings);
  const extra = await withTenant(deps.db, { orgId: p.orgId }, async (tx) => ({
    roles: await deps.db.rows<{ key: string; name: string }>(sql`select key, name from roles order by key`, tx),
    connected: (await deps.db.rows<{ ok: boolean }>(sql`select charges_enabled as ok from tenant_stripe_connect`, tx))[0]?.ok ?? false,
  }));
  const invitations = await deps.db.rows<{ email: string; role: string | null; status: string }>(
    sql`select email, role, status from invitation where organization_id = ${p.orgId} order by created_at`,
  );
  const enabled = settings.modules ?? ({} as Partial<Record<ModuleKey, boolean>>);
  const tips = owner ? [] : [...new Set(p.roles.flatMap((r) => settings.tips?.[r] ?? []))];
  return {
    tenant: { id: org.id, name: org.name, industry: org.industry, plan: org.plan, logoUrl: org.logo, templateName: template?.name ?? org.industry },
    isOwner: owner,
    wizard: {
      status: settings.onboarding?.status ?? 'pending',
      step: settings.onboarding?.step ?? null,
      completedSteps: settings.onboarding?.completedSteps ?? [],
    },
    businessHours: settings.businessHours ?? null,
    brandColor: settings.brandColor ?? null,
    modules: MODULE_KEYS.map((key) => ({ key, enabled: Boolean(enabled[key]), core: CORE_MODULES.includes(key) })),
    roles: extra.roles.filter((r) => r.key !== 'owner'),
    invitations,
    integrations: {
      payments: { available: Boolean(deps.env.PROVIDER_STRIPE_SECRET_KEY), connected: extra.connected, connectStartPath: '/api/client-billing/connect/start' },
    },
    checklist: (settings.checklist ?? template?.checklist ?? []).map((c) => ({ key: c.key, label: c.label, done: done[c.key] })),
    tips,
    logo: { maxBytes: deps.env.LOGO_MAX_BYTES, types: LOGO_TYPES },
  };
}
