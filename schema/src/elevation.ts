import { z } from 'zod';
import { isElevatable, isPermission, type DefaultRoleKey, type Permission } from './permissions.ts';

/**
 * Break-glass elevation policy (docs/elevation.md, ADR 013): what a role may
 * elevate to at once, whether it may ask an owner for more, and the caps every
 * member's elevations are held to. No I/O; the server enforces, the app reads
 * the same values to explain a refusal.
 */

/** What happens to a request for scopes beyond the member's ceiling. */
export const ELEVATION_BEYOND = ['ask_owner', 'refuse'] as const;
export type ElevationBeyond = (typeof ELEVATION_BEYOND)[number];

/** A role's elevation policy, stored on the role and edited with it. */
export interface ElevationPolicy {
  /** Scopes a member of this role is granted at once after the password re-check. */
  ceiling: Permission[];
  /** Scopes beyond every ceiling of the member's roles: an owner approves (`ask_owner`) or never (`refuse`). */
  beyond: ElevationBeyond;
}

/** The caps on every member's elevations in a tenant, whoever approved them. */
export const ELEVATION_LIMITS = {
  /** The longest one elevation may last. */
  maxMinutes: 60,
  /** The rolling window the two caps below count in. */
  windowHours: 24,
  /** At most this many elevations started per member in the window (a renewal is a new one). */
  maxPerWindow: 3,
  /** At most this many minutes granted per member in the window (a revoked one counts until its revocation). */
  maxMinutesPerWindow: 120,
  /** At most this many undecided requests per member at once (each one emails the owners). */
  maxPending: 3,
  /** A request nobody decided within this many hours can no longer be approved. */
  requestTtlHours: 24,
} as const;

/** The default roles' policies; a role of a template or an owner's clone starts from its key's, else `ASK_OWNER_ONLY`. */
export const DEFAULT_ELEVATION_POLICIES: Record<DefaultRoleKey, ElevationPolicy> = {
  owner: { ceiling: [], beyond: 'ask_owner' },
  manager: { ceiling: [], beyond: 'ask_owner' },
  staff: { ceiling: ['reports.read'], beyond: 'ask_owner' },
  // What a field visit may need on the spot: the customer's lead and quote, read only.
  worker: { ceiling: ['leads.read', 'quotes.read'], beyond: 'ask_owner' },
};

/** Nothing at once; every elevation needs an owner's approval. */
export const ASK_OWNER_ONLY: ElevationPolicy = { ceiling: [], beyond: 'ask_owner' };

/** The policy a new role with this key starts with. */
export function defaultElevationPolicy(roleKey: string): ElevationPolicy {
  const d = (DEFAULT_ELEVATION_POLICIES as Record<string, ElevationPolicy | undefined>)[roleKey];
  return d ? { ceiling: [...d.ceiling], beyond: d.beyond } : { ceiling: [], beyond: ASK_OWNER_ONLY.beyond };
}

/** A ceiling as configured: registry permissions an elevation may grant (never roles.manage and the like). */
export const elevationCeilingSchema = z
  .array(
    z
      .string()
      .refine(isPermission, 'not in the permission registry')
      .refine((p) => isPermission(p) && isElevatable(p), 'an elevation never grants this permission'),
  )
  .max(100);

/** A role's policy in a template or an owner's edit. */
export const elevationPolicySchema = z
  .object({ ceiling: elevationCeilingSchema, beyond: z.enum(ELEVATION_BEYOND) })
  .strict();
