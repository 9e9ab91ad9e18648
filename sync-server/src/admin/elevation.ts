import { sql } from 'drizzle-orm';
import { verifyPassword } from 'better-auth/crypto';
import { isElevatable, isPermission } from '@streamflow/schema';
import { recordAudit } from '../audit/record.ts';
import type { TenantPrincipal } from '../auth/principal.ts';
import type { Clock } from '../clock.ts';
import type { Database, Tx } from '../db/types.ts';
import { AppError } from '../errors.ts';

export const ElevationErrors = {
  REAUTH_FAILED: 'REAUTH_FAILED',
  UNKNOWN_PERMISSION: 'UNKNOWN_PERMISSION',
  SCOPE_NOT_ELEVATABLE: 'SCOPE_NOT_ELEVATABLE',
  ELEVATION_NOT_FOUND: 'ELEVATION_NOT_FOUND',
} as const;

/** The longest an elevation may last. */
export const MAX_ELEVATION_MINUTES = 60;

/** Checks the caller's password again (re-auth) against their credential account. */
export async function reauthenticate(db: Database, userId: string, password: string): Promise<boolean> {
  const [acct] = await db.rows<{ password: string | null }>(
    sql`select password from account where user_id = ${userId} and provider_id = 'credential'`,
  );
  return Boolean(acct?.password) && (await verifyPassword({ hash: acct?.password ?? '', password }));
}

/**
 * Throws 422 unless every scope is a registry permission an elevation may
 * grant (never roles.manage, members.manage, billing.manage, settings.manage).
 */
export function checkScopes(scopes: readonly string[]): void {
  const bad = scopes.filter((s) => !isPermission(s));
  if (bad.length > 0) throw new AppError(422, ElevationErrors.UNKNOWN_PERMISSION, `Unknown permission(s): ${bad.join(', ')}.`, { scopes: bad });
  const locked = scopes.filter((s) => isPermission(s) && !isElevatable(s));
  if (locked.length > 0) {
    throw new AppError(422, ElevationErrors.SCOPE_NOT_ELEVATABLE, `An elevation cannot grant ${locked.join(', ')}: ask an owner for a role.`, { scopes: locked });
  }
}

/**
 * Grants break-glass scopes to the caller until now + minutes (at most 60),
 * after re-auth, with a reason; audited. Expiry needs no job: effective
 * permissions only count elevations whose `expires_at` is in the future.
 */
export async function grantElevation(
  db: Database,
  tx: Tx,
  clock: Clock,
  p: TenantPrincipal,
  input: { scopes: string[]; reason: string; minutes: number },
  requestId: string | null,
) {
  checkScopes(input.scopes);
  const expiresAt = new Date(clock.now().getTime() + input.minutes * 60_000);
  const [row] = await db.rows<{ id: string }>(
    sql`insert into elevations (org_id, user_id, scopes, reason, expires_at)
        values (${p.orgId}, ${p.userId}, ${`{${input.scopes.join(',')}}`}::text[], ${input.reason}, ${expiresAt.toISOString()}::timestamptz) returning id`,
    tx,
  );
  await recordAudit(db, { action: 'elevation.grant', outcome: 'succeeded', actorUserId: p.userId, orgId: p.orgId, space: 'client', targetTable: 'elevations', targetId: row?.id, requestId, details: { scopes: input.scopes, reason: input.reason, expiresAt } }, tx);
  return { id: row?.id ?? '', scopes: input.scopes, reason: input.reason, expiresAt: expiresAt.toISOString() };
}

/** Revokes an elevation of this tenant (its holder, or anyone with roles.manage); audited. */
export async function revokeElevation(db: Database, tx: Tx, clock: Clock, p: TenantPrincipal, id: string, requestId: string | null): Promise<void> {
  const canManage = p.perms.has('roles.manage');
  const rows = await db.rows<{ id: string }>(
    sql`update elevations set revoked_at = ${clock.now().toISOString()}::timestamptz, revoked_by = ${p.userId}
        where id = ${id} and revoked_at is null and (user_id = ${p.userId} or ${canManage}) returning id`,
    tx,
  );
  if (rows.length === 0) throw new AppError(404, ElevationErrors.ELEVATION_NOT_FOUND, 'No such active elevation.');
  await recordAudit(db, { action: 'elevation.revoke', outcome: 'succeeded', actorUserId: p.userId, orgId: p.orgId, space: 'client', targetTable: 'elevations', targetId: id, requestId }, tx);
}
