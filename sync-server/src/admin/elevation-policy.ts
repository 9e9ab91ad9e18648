import { sql } from 'drizzle-orm';
import { ELEVATION_LIMITS, type ElevationBeyond } from '@streamflow/schema';
import type { Clock } from '../clock.ts';
import type { Database, Tx } from '../db/types.ts';
import { AppError } from '../errors.ts';

export const ElevationPolicyErrors = {
  /** Scopes beyond the member's ceiling, and none of their roles may ask an owner for more. */
  ELEVATION_NOT_ALLOWED: 'ELEVATION_NOT_ALLOWED',
  /** A cap of ELEVATION_LIMITS is reached: elevations or minutes in the window, or undecided requests. */
  ELEVATION_LIMIT_REACHED: 'ELEVATION_LIMIT_REACHED',
} as const;

/** What a member may elevate to, from all their roles in this tenant. */
export interface MemberElevationPolicy {
  /** Scopes granted at once: every role's permissions and elevation ceiling. */
  within: ReadonlySet<string>;
  /** `ask_owner` when any of their roles may ask an owner for scopes beyond it. */
  beyond: ElevationBeyond;
}

/**
 * The member's elevation policy, read from their roles (never from their
 * active elevations, so an approved scope never becomes a ceiling for its own
 * renewal). Runs in the tenant's transaction.
 */
export async function memberElevationPolicy(db: Database, tx: Tx, memberId: string): Promise<MemberElevationPolicy> {
  const rows = await db.rows<{ perms: string[] | null; ceiling: string[]; beyond: ElevationBeyond }>(
    sql`select (select array_agg(rp.permission) from role_permissions rp where rp.role_id = r.id) as perms,
               r.elevation_ceiling as ceiling, r.elevation_beyond as beyond
        from member_roles mr join roles r on r.id = mr.role_id where mr.member_id = ${memberId}`,
    tx,
  );
  const within = new Set(rows.flatMap((r) => [...(r.perms ?? []), ...r.ceiling]));
  return { within, beyond: rows.some((r) => r.beyond === 'ask_owner') ? 'ask_owner' : 'refuse' };
}

/**
 * Serialises elevation decisions for one member of one tenant until the
 * transaction ends, so two requests cannot both pass a cap.
 */
export async function lockMemberElevations(db: Database, tx: Tx, orgId: string, userId: string): Promise<void> {
  await db.rows(sql`select pg_advisory_xact_lock(hashtextextended(${`elevation:${orgId}:${userId}`}, 0))`, tx);
}

/**
 * Throws 409 ELEVATION_LIMIT_REACHED when `minutes` more for this member
 * would pass a cap: at most `maxPerWindow` elevations started and
 * `maxMinutesPerWindow` minutes granted in the last `windowHours` (a revoked
 * one counts until its revocation). Provider impersonation is not counted:
 * it is the staff member's, not the tenant member's.
 */
export async function checkElevationLimits(db: Database, tx: Tx, clock: Clock, orgId: string, userId: string, minutes: number): Promise<void> {
  const now = clock.now();
  const since = new Date(now.getTime() - ELEVATION_LIMITS.windowHours * 3_600_000).toISOString();
  const [used] = await db.rows<{ n: number; minutes: number }>(
    sql`select count(*)::int as n,
               coalesce(sum(extract(epoch from (least(expires_at, revoked_at) - granted_at))), 0)::float8 / 60 as minutes
        from elevations
        where org_id = ${orgId} and user_id = ${userId} and impersonated_user_id is null
          and granted_at > ${since}::timestamptz and granted_at <= ${now.toISOString()}::timestamptz`,
    tx,
  );
  const n = used?.n ?? 0;
  const usedMinutes = Math.ceil(used?.minutes ?? 0);
  const details = { windowHours: ELEVATION_LIMITS.windowHours, elevations: n, maxElevations: ELEVATION_LIMITS.maxPerWindow, minutes: usedMinutes, maxMinutes: ELEVATION_LIMITS.maxMinutesPerWindow };
  if (n >= ELEVATION_LIMITS.maxPerWindow) {
    throw new AppError(409, ElevationPolicyErrors.ELEVATION_LIMIT_REACHED, `At most ${ELEVATION_LIMITS.maxPerWindow} elevations in ${ELEVATION_LIMITS.windowHours} hours: ask an owner for a role instead.`, { ...details, limit: 'elevations' });
  }
  if (usedMinutes + minutes > ELEVATION_LIMITS.maxMinutesPerWindow) {
    throw new AppError(409, ElevationPolicyErrors.ELEVATION_LIMIT_REACHED, `At most ${ELEVATION_LIMITS.maxMinutesPerWindow} minutes of elevation in ${ELEVATION_LIMITS.windowHours} hours (${usedMinutes} used).`, { ...details, limit: 'minutes' });
  }
}

/** Throws 409 ELEVATION_LIMIT_REACHED when the member already has `maxPending` undecided requests. */
export async function checkPendingLimit(db: Database, tx: Tx, clock: Clock, userId: string): Promise<void> {
  const [row] = await db.rows<{ n: number }>(
    sql`select count(*)::int as n from elevation_requests
        where user_id = ${userId} and status = 'pending' and requested_at > ${requestCutoff(clock)}::timestamptz`,
    tx,
  );
  if ((row?.n ?? 0) >= ELEVATION_LIMITS.maxPending) {
    throw new AppError(409, ElevationPolicyErrors.ELEVATION_LIMIT_REACHED, `At most ${ELEVATION_LIMITS.maxPending} requests can wait for an owner at once.`, { limit: 'pending', pending: row?.n ?? 0, maxPending: ELEVATION_LIMITS.maxPending });
  }
}

/** Requests made at or before this instant can no longer be approved. */
export function requestCutoff(clock: Clock): string {
  return new Date(clock.now().getTime() - ELEVATION_LIMITS.requestTtlHours * 3_600_000).toISOString();
}
