import type { Permission } from '@streamflow/schema';

/** The four hard-isolated spaces (PRODUCT.md 1). */
export const SPACES = ['client', 'provider', 'dev', 'accounting'] as const;
export type Space = (typeof SPACES)[number];

/**
 * Who is calling, resolved from the session on every request. The tenant
 * (`orgId`) always comes from here, never from the request.
 */
export interface Principal {
  userId: string;
  email: string;
  name: string;
  sessionId: string;
  space: Space;
  /** The active tenant; null for platform staff outside a tenant. */
  orgId: string | null;
  /** The caller's member id in the active tenant (client space). */
  memberId: string | null;
  /** Role keys in the active tenant (owner, manager, staff, worker, or custom). */
  roles: string[];
  /** Effective permissions: the roles' plus any active elevation's scopes. */
  perms: ReadonlySet<Permission>;
  /** Set when provider staff act as this user under an impersonation elevation: the staff user's id. */
  impersonatedBy?: string;
}

/** A principal that is known to have an active tenant. */
export type TenantPrincipal = Principal & { orgId: string };
