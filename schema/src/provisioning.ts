import { z } from 'zod';
import { companyName, personName } from './profile.ts';

/**
 * Request bodies of tenant provisioning (PRODUCT.md 3), shared by
 * sync-server (validation) and the app (sign-up form).
 */

export const PLANS = ['starter', 'pro', 'enterprise'] as const;
export type Plan = (typeof PLANS)[number];

const email = z
  .email()
  .max(320)
  .transform((e) => e.trim().toLowerCase());

/** `POST /api/tenant/register` (platform: provider staff or a signed request). */
export const registerTenantInput = z
  .object({
    plan: z.enum(PLANS),
    industry: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/),
    externalCustomerId: z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'letters, digits and . _ : - (max 128)'),
    company: z.object({ name: companyName }).strict(),
    owner: z.object({ email, name: personName }).strict(),
    /** Also write the template's sample records (demos, trials). */
    sampleData: z.boolean().default(false),
  })
  .strict();
export type RegisterTenantInput = z.infer<typeof registerTenantInput>;

/** `POST /api/tenant/signup` (public self-serve): the owner is present and picks a password. */
export const signupInput = z
  .object({
    /** Made once per sign-up form by the browser, so a double submit is one tenant. */
    signupId: z.uuid(),
    industry: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/),
    company: z.object({ name: companyName }).strict(),
    owner: z
      .object({ email, name: personName, password: z.string().min(10, 'at least 10 characters').max(128) })
      .strict(),
  })
  .strict();
export type SignupInput = z.infer<typeof signupInput>;
