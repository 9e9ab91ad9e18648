import { sql } from 'drizzle-orm';
import { ELEVATION_LIMITS, isElevatable, isPermission } from '@streamflow/schema';
import { recordAudit } from '../audit/record.ts';
import type { TenantPrincipal } from '../auth/principal.ts';
import type { Clock } from '../clock.ts';
import type { Database, Tx } from '../db/types.ts';
import { AppError } from '../errors.ts';
import { checkElevationLimits, checkPendingLimit, ElevationPolicyErrors, lockMemberElevations, memberElevationPolicy } from './elevation-policy.ts';

export const ElevationErrors = {
  REAUTH_FAILED: 'REAUTH_FAILED',
  UNKNOWN_PERMISSION: 'UNKNOWN_PERMISSION',
  SCOPE_NOT_ELEVATABLE: 'SCOPE_NOT_ELEVATABLE',
  ELEVATION_NOT_FOUND: 'ELEVATION_NOT_FOUND',
  ...ElevationPolicyErrors,
} as const;

/** The longest an elevation may last. */
export const MAX_ELEVATION_MINUTES = ELEVATION_LIMITS.maxMinutes;

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

/** An elevation as the API answers it. */
export interface ElevationView {
  status: 'active';
  id: string;
  scopes: string[];
  reason: string;
  expiresAt: string;
}

/** A request waiting for an owner, as the API answers it. */
export interface PendingView {
  status: 'pending';
  id: string;
  scopes: string[];
  /** The scopes beyond the member's ceiling, which made it wait for an owner. */
  beyond: string[];
  reason: string;
  minutes: number;
  requestedAt: string;
}

/**
 * Starts an elevation's clock now, for `minutes`, after the caps allow it
 * (the caller holds the member's elevation lock). Expiry needs no job:
 * effective permissions only count elevations whose `expires_at` is in the
 * future, read on every request (and in every write batch, ADR 007).
 */
export async function insertElevation(
  db: Database,
  tx: Tx,
  clock: Clock,
  e: { orgId: string; userId: string; scopes: string[]; reason: string; minutes: number; requestId?: string; approvedBy?: string },
): Promise<{ id: string; expiresAt: string }> {
  await checkElevationLimits(db, tx, clock, e.orgId, e.userId, e.minutes);
  const now = clock.now();
  const expiresAt = new Date(now.getTime() + e.minutes * 60_000).toISOString();
  const [row] = await db.rows<{ id: string }>(
    sql`insert into elevations (org_id, user_id, scopes, reason, granted_at, expires_at, request_id, approved_by)
        values (${e.orgId}, ${e.userId}, ${`{${e.scopes.join(',')}}`}::text[], ${e.reason}, ${now.toISOString()}::timestamptz,
                ${expiresAt}::timestamptz, ${e.requestId ?? null}, ${e.approvedBy ?? null}) returning id`,
    tx,
  );
  return { id: row?.id ?? '', expiresAt };
}

/**
 * Decides a member's elevation request after re-auth (ADR 013): scopes within
 * their roles' ceilings are granted at once; beyond them, the request waits
 * for an owner when a role allows asking, else 403 ELEVATION_NOT_ALLOWED.
 * Both are held to the caps of ELEVATION_LIMITS and audited.
 */
export async function requestElevation(
  db: Database,
  tx: Tx,
  clock: Clock,
  p: TenantPrincipal,
  input: { scopes: string[]; reason: string; minutes: number },
  requestId: string | null,
): Promise<ElevationView | PendingView> {
  checkScopes(input.scopes);
  const scopes = [...new Set(input.scopes)];
  await lockMemberElevations(db, tx, p.orgId, p.userId);
  const policy = await memberElevationPolicy(db, tx, p.memberId ?? '');
  const beyond = scopes.filter((s) => !policy.within.has(s));
  if (beyond.length === 0) {
    const e = await insertElevation(db, tx, clock, { orgId: p.orgId, userId: p.userId, scopes, reason: input.reason, minutes: input.minutes });
    await recordAudit(db, { action: 'elevation.grant', outcome: 'succeeded', actorUserId: p.userId, orgId: p.orgId, space: 'client', targetTable: 'elevations', targetId: e.id, requestId, details: { scopes, reason: input.reason, expiresAt: e.expiresAt } }, tx);
    return { status: 'active', id: e.id, scopes, reason: input.reason, expiresAt: e.expiresAt };
  }
  if (policy.beyond === 'refuse') {
    throw new AppError(403, ElevationErrors.ELEVATION_NOT_ALLOWED, `Your role cannot elevate to ${beyond.join(', ')}.`, { scopes: beyond });
  }
  // Refused now rather than at approval: a request the caps would block anyway never emails the owners.
  await checkPendingLimit(db, tx, clock, p.userId);
  await checkElevationLimits(db, tx, clock, p.orgId, p.userId, input.minutes);
  const requestedAt = clock.now().toISOString();
  const [row] = await db.rows<{ id: string }>(
    sql`insert into elevation_requests (org_id, user_id, scopes, reason, minutes, requested_at)
        values (${p.orgId}, ${p.userId}, ${`{${scopes.join(',')}}`}::text[], ${input.reason}, ${input.minutes}, ${requestedAt}::timestamptz) returning id`,
    tx,
  );
  const id = row?.id ?? '';
  await recordAudit(db, { action: 'elevation.request', outcome: 'succeeded', actorUserId: p.userId, orgId: p.orgId, space: 'client', targetTable: 'elevation_requests', targetId: id, requestId, details: { scopes, beyond, reason: input.reason, minutes: input.minutes } }, tx);
  return { status: 'pending', id, scopes, beyond, reason: input.reason, minutes: input.minutes, requestedAt };
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
