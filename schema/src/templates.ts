import { z } from 'zod';
import { elevationPolicySchema } from './elevation.ts';
import { isPermission, PERMISSIONS } from './permissions.ts';

/**
 * Industry templates (PRODUCT.md 3): declarative files that say what a new
 * tenant of an industry starts with. The zod schema here is the one
 * definition of the format; sync-server loads and validates the files once at
 * start-up, the app uses the types. No I/O in this file.
 */

/** Feature modules a tenant can switch on or off. `crm` is the core and cannot be disabled. */
export const MODULE_KEYS = [
  'crm',
  'pipeline',
  'tasks',
  'work_orders',
  'time_tracking',
  'quotes',
  'invoicing',
  'client_payments',
  'import',
  'reports',
] as const;
export type ModuleKey = (typeof MODULE_KEYS)[number];
export const CORE_MODULES: readonly ModuleKey[] = ['crm'];

/** Tables whose rows carry a `custom` jsonb column, so template fields can be stored. */
export const CUSTOM_FIELD_TABLES = ['companies', 'contacts', 'leads'] as const;
export type CustomFieldTable = (typeof CUSTOM_FIELD_TABLES)[number];

/** Checklist items the server knows how to tick from real data. */
export const CHECKLIST_KINDS = [
  'first_lead',
  'invite_team',
  'first_work_order',
  'connect_payments',
  'first_opportunity',
  'business_hours',
  'upload_logo',
] as const;
export type ChecklistKind = (typeof CHECKLIST_KINDS)[number];

export const FIELD_TYPES = ['text', 'textarea', 'number', 'date', 'boolean', 'select', 'email', 'phone'] as const;

const key = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'a lower_snake_case key');
const label = z.string().trim().min(1).max(80);

export const customFieldSchema = z
  .object({
    key,
    label,
    type: z.enum(FIELD_TYPES),
    required: z.boolean().default(false),
    options: z.array(z.object({ value: key, label })).min(1).optional(),
    help: z.string().max(200).optional(),
  })
  .strict()
  .refine((f) => (f.type === 'select') === (f.options !== undefined), {
    message: 'select fields need options, and only select fields may have them',
    path: ['options'],
  });

export const formSchema = z
  .object({
    key,
    title: label,
    table: z.enum(CUSTOM_FIELD_TABLES),
    /** Base columns by property name (`name`, `email`) or template fields as `custom.<key>`. */
    fields: z.array(z.string().regex(/^(custom\.)?[a-zA-Z][a-zA-Z0-9_]*$/)).min(1),
  })
  .strict();

export const pipelineStageSchema = z
  .object({
    key,
    label,
    probability: z.number().int().min(0).max(100),
    /** Set on the terminal stages: an opportunity there is closed won or lost. */
    outcome: z.enum(['won', 'lost']).optional(),
  })
  .strict();

export const roleTemplateSchema = z
  .object({
    key,
    name: label,
    description: z.string().max(200).optional(),
    /** Permission names from the registry, or `"*"` for all of them. */
    permissions: z.union([z.literal('*'), z.array(z.string().refine(isPermission, 'not in the permission registry'))]),
    /** First-run tips shown to members of this role (not to owners, who get the wizard). */
    tips: z.array(z.string().min(1).max(240)).default([]),
    /** Break-glass policy (docs/elevation.md); absent: the default role's of the same key, else owner approval for everything. */
    elevation: elevationPolicySchema.optional(),
  })
  .strict();

const sampleLead = z
  .object({
    name: label,
    companyName: z.string().max(120).optional(),
    email: z.email().optional(),
    phone: z.string().max(40).optional(),
    source: z.string().max(40).optional(),
    custom: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  })
  .strict();

export const industryTemplateSchema = z
  .object({
    key,
    name: label,
    description: z.string().min(1).max(300),
    modules: z.array(z.enum(MODULE_KEYS)).min(1),
    customFields: z.partialRecord(z.enum(CUSTOM_FIELD_TABLES), z.array(customFieldSchema)).default({}),
    forms: z.array(formSchema).default([]),
    pipeline: z.object({ stages: z.array(pipelineStageSchema).min(2) }).strict(),
    workOrders: z
      .object({
        statuses: z.array(z.object({ key, label }).strict()).min(2),
        initial: key,
        /** status -> statuses it may move to next. Every status has an entry (terminal ones: []). */
        transitions: z.record(key, z.array(key)),
      })
      .strict(),
    roles: z.array(roleTemplateSchema).min(1),
    checklist: z.array(z.object({ key: z.enum(CHECKLIST_KINDS), label }).strict()).min(1),
    sampleData: z
      .object({
        companies: z.array(z.object({ name: label, industry: z.string().max(80).optional() }).strict()).default([]),
        leads: z.array(sampleLead).default([]),
        workOrders: z.array(z.object({ title: label, status: key }).strict()).default([]),
      })
      .strict(),
  })
  .strict()
  .superRefine((t, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    const dupes = (keys: string[], path: (string | number)[], what: string) => {
      const seen = new Set<string>();
      for (const k of keys) {
        if (seen.has(k)) issue(path, `duplicate ${what} "${k}"`);
        seen.add(k);
      }
    };
    for (const m of CORE_MODULES) if (!t.modules.includes(m)) issue(['modules'], `the core module "${m}" must be enabled`);
    dupes(t.modules, ['modules'], 'module');
    for (const [table, fields] of Object.entries(t.customFields)) {
      dupes(fields.map((f) => f.key), ['customFields', table], 'field');
    }
    dupes(t.forms.map((f) => f.key), ['forms'], 'form');
    t.forms.forEach((form, i) => {
      const custom = new Set((t.customFields[form.table] ?? []).map((f) => f.key));
      form.fields.forEach((f, j) => {
        if (f.startsWith('custom.') && !custom.has(f.slice(7))) {
          issue(['forms', i, 'fields', j], `"${f}" is not a custom field of ${form.table}`);
        }
      });
    });
    const stages = t.pipeline.stages;
    dupes(stages.map((s) => s.key), ['pipeline', 'stages'], 'stage');
    if (!stages.some((s) => s.outcome === 'won')) issue(['pipeline', 'stages'], 'needs a stage with outcome "won"');
    if (!stages.some((s) => s.outcome === 'lost')) issue(['pipeline', 'stages'], 'needs a stage with outcome "lost"');

    const statuses = t.workOrders.statuses.map((s) => s.key);
    const known = new Set(statuses);
    dupes(statuses, ['workOrders', 'statuses'], 'status');
    if (!known.has(t.workOrders.initial)) issue(['workOrders', 'initial'], `"${t.workOrders.initial}" is not a status`);
    for (const s of statuses) {
      if (!(s in t.workOrders.transitions)) issue(['workOrders', 'transitions'], `status "${s}" has no transitions entry`);
    }
    for (const [from, tos] of Object.entries(t.workOrders.transitions)) {
      if (!known.has(from)) issue(['workOrders', 'transitions', from], `"${from}" is not a status`);
      for (const to of tos) {
        if (!known.has(to)) issue(['workOrders', 'transitions', from], `"${to}" is not a status`);
        if (to === from) issue(['workOrders', 'transitions', from], `"${from}" may not transition to itself`);
      }
    }

    dupes(t.roles.map((r) => r.key), ['roles'], 'role');
    const owner = t.roles.find((r) => r.key === 'owner');
    if (!owner) issue(['roles'], 'needs an "owner" role');
    else if (owner.permissions !== '*') issue(['roles'], 'the owner role must have every permission ("*")');
    dupes(t.checklist.map((c) => c.key), ['checklist'], 'checklist item');

    t.sampleData.workOrders.forEach((w, i) => {
      if (!known.has(w.status)) issue(['sampleData', 'workOrders', i, 'status'], `"${w.status}" is not a status`);
    });
    const leadFields = new Set((t.customFields.leads ?? []).map((f) => f.key));
    t.sampleData.leads.forEach((l, i) => {
      for (const k of Object.keys(l.custom)) {
        if (!leadFields.has(k)) issue(['sampleData', 'leads', i, 'custom', k], `"${k}" is not a custom field of leads`);
      }
    });
  });

export type IndustryTemplate = z.infer<typeof industryTemplateSchema>;
export type RoleTemplate = z.infer<typeof roleTemplateSchema>;
export type CustomField = z.infer<typeof customFieldSchema>;

/** A role's permissions with `"*"` expanded. */
export function rolePermissionList(role: RoleTemplate): string[] {
  return role.permissions === '*' ? [...PERMISSIONS] : [...new Set(role.permissions)];
}

/**
 * What provisioning writes into `organization.settings` from a template. The
 * write API reads `workOrderTransitions` (status -> allowed next statuses).
 */
export interface TemplateSettings {
  template: string;
  modules: Record<ModuleKey, boolean>;
  customFields: Partial<Record<CustomFieldTable, CustomField[]>>;
  forms: IndustryTemplate['forms'];
  pipelineStages: string[];
  pipeline: IndustryTemplate['pipeline']['stages'];
  workOrderStatuses: string[];
  workOrderInitialStatus: string;
  workOrderTransitions: Record<string, string[]>;
  checklist: IndustryTemplate['checklist'];
  tips: Record<string, string[]>;
}

/** The settings a tenant starts with for a template (pure; provisioning stores it). */
export function templateSettings(t: IndustryTemplate): TemplateSettings {
  const modules = Object.fromEntries(MODULE_KEYS.map((m) => [m, t.modules.includes(m)])) as Record<ModuleKey, boolean>;
  return {
    template: t.key,
    modules,
    customFields: t.customFields,
    forms: t.forms,
    pipelineStages: t.pipeline.stages.map((s) => s.key),
    pipeline: t.pipeline.stages,
    workOrderStatuses: t.workOrders.statuses.map((s) => s.key),
    workOrderInitialStatus: t.workOrders.initial,
    workOrderTransitions: t.workOrders.transitions,
    checklist: t.checklist,
    tips: Object.fromEntries(t.roles.filter((r) => r.tips.length > 0).map((r) => [r.key, r.tips])),
  };
}
