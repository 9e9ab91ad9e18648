import { z } from 'zod';
import { MODULE_KEYS, type ChecklistKind, type ModuleKey } from './templates.ts';

export type { ModuleKey } from './templates.ts';

/**
 * The owner's onboarding wizard (PRODUCT.md 6): request bodies validated by
 * sync-server and used by the app's forms, and the view the server returns.
 */

export const WIZARD_STEPS = ['logo', 'business_hours', 'team', 'integrations', 'modules'] as const;
export type WizardStep = (typeof WIZARD_STEPS)[number];

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time like 08:30');
const dayHours = z
  .object({ open: hhmm, close: hhmm })
  .strict()
  .refine((d) => d.open < d.close, { message: 'closing time must be after opening time', path: ['close'] });

export const businessHoursInput = z
  .object({
    timezone: z.string().min(1).max(64).regex(/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/, 'an IANA time zone like Europe/Berlin'),
    days: z.object(Object.fromEntries(WEEKDAYS.map((d) => [d, dayHours.nullable()])) as Record<Weekday, z.ZodNullable<typeof dayHours>>),
  })
  .strict();
export type BusinessHours = z.infer<typeof businessHoursInput>;

export const wizardStateInput = z
  .object({
    /** The step the owner is on (resuming opens it again). */
    step: z.enum(WIZARD_STEPS).optional(),
    /** A step just finished. */
    completedStep: z.enum(WIZARD_STEPS).optional(),
    /** `skipped`: the owner chose "skip for now"; `completed`: went through; `in_progress`: resumed. */
    status: z.enum(['in_progress', 'skipped', 'completed']).optional(),
  })
  .strict();

export const modulesInput = z.object({ modules: z.partialRecord(z.enum(MODULE_KEYS), z.boolean()) }).strict();

export const invitesInput = z
  .object({
    invites: z
      .array(z.object({ email: z.email().max(320).transform((e) => e.trim().toLowerCase()), role: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/) }).strict())
      .min(1)
      .max(20),
  })
  .strict();

/** What `GET /api/onboarding` returns. */
export interface OnboardingView {
  tenant: { id: string; name: string; industry: string; plan: string; logoUrl: string | null; templateName: string };
  isOwner: boolean;
  wizard: { status: 'pending' | 'in_progress' | 'skipped' | 'completed'; step: WizardStep | null; completedSteps: WizardStep[] };
  businessHours: BusinessHours | null;
  brandColor: string | null;
  modules: { key: ModuleKey; enabled: boolean; core: boolean }[];
  roles: { key: string; name: string }[];
  invitations: { email: string; role: string | null; status: string }[];
  integrations: { payments: { available: boolean; connected: boolean; connectStartPath: string } };
  checklist: { key: ChecklistKind; label: string; done: boolean }[];
  /** First-run tips for the caller's roles (empty for owners, who get the wizard). */
  tips: string[];
  logo: { maxBytes: number; types: string[] };
}
