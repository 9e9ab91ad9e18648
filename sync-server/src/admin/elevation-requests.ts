import { sql } from 'drizzle-orm';
import { recordAudit } from '../audit/record.ts';
import type { TenantPrincipal } from '../auth/principal.ts';
import type { Clock } from '../clock.ts';
import type { Deps } from '../context.ts';
import { withTenant } from '../db/tenant.ts';
import type { Database, Tx } from '../db/types.ts';
import { AppError } from '../errors.ts';
import { checkScopes, insertElevation, type ElevationView, type PendingView } from './elevation.ts';
import { lockMemberElevations, requestCutoff } from './elevation-policy.ts';

export const ElevationRequestErrors = {
  REQUEST_NOT_FOUND: 'REQUEST_NOT_FOUND',
  /** Already approved, denied or cancelled. */
  REQUEST_NOT_PENDING: 'REQUEST_NOT_PENDING',
  /** Nobody decided it within ELEVATION_LIMITS.requestTtlHours. */
  REQUEST_EXPIRED: 'REQUEST_EXPIRED',
  /** A requester never approves their own request. */
  SELF_APPROVAL: 'SELF_APPROVAL',
  /** Provider staff acting as an owner never decide for them. */
  IMPERSONATION_CANNOT_DECIDE: 'IMPERSONATION_CANNOT_DECIDE',
} as const;

/** The permission that approves and denies requests: whoever may edit roles could grant the scope for good anyway. */
export const APPROVER_PERMISSION = 'roles.manage';

/** A request as the list route answers it; `status` reads `expired` for a pending one past its time. */
export interface ElevationRequestView {
  id: string;
  userId: string;
  userName: string;
  userEmail: string;
  scopes: string[];
  reason: string;
  minutes: number;
  status: 'pending' | 'approved' | 'denied' | 'cancelled' | 'expired';
  requestedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  note: string | null;
  /** The elevation an approval created. */
  elevationId: string | null;
}

interface RequestRow extends Record<string, unknown> {
  id: string;
  user_id: string;
  user_name: string;
  user_email: string;
  scopes: string[];
  reason: string;
  minutes: number;
  status: ElevationRequestView['status'];
  requested_at: Date | string;
  decided_by: string | null;
  decided_at: Date | string | null;
  note: string | null;
  elevation_id: string | null;
}

const iso = (v: Date | string | null): string | null => (v === null ? null : new Date(v).toISOString());

function view(r: RequestRow): ElevationRequestView {
  return {
    id: r.id,
    userId: r.user_id,
    userName: r.user_name,
    userEmail: r.user_email,
    scopes: r.scopes,
    reason: r.reason,
    minutes: r.minutes,
    status: r.status,
    requestedAt: iso(r.requested_at) ?? '',
    decidedBy: r.decided_by,
    decidedAt: iso(r.decided_at),
    note: r.note,
    elevationId: r.elevation_id,
  };
}

/**
 * The tenant's requests, newest first: every member's for an approver, only
 * their own for anyone else. `status` filters on what the view shows.
 */
export async function listRequests(db: Database, tx: Tx, clock: Clock, p: TenantPrincipal, status?: ElevationRequestView['status']): Promise<ElevationRequestView[]> {
  const all = p.perms.has(APPROVER_PERMISSION);
  const rows = await db.rows<RequestRow>(
    sql`select * from (
          select q.id, q.user_id, u.name as user_name, u.email as user_email, q.scopes, q.reason, q.minutes,
                 case when q.status = 'pending' and q.requested_at <= ${requestCutoff(clock)}::timestamptz then 'expired' else q.status end as status,
                 q.requested_at, q.decided_by, q.decided_at, q.note,
                 (select e.id from elevations e where e.request_id = q.id limit 1) as elevation_id
          from elevation_requests q join "user" u on u.id = q.user_id
          where (q.user_id = ${p.userId} or ${all})) v
        where (${status ?? null}::text is null or v.status = ${status ?? null})
        order by v.requested_at desc limit 100`,
    tx,
  );
  return rows.map(view);
}

/** Loads a request for a decision, locked; 404 when it is not this tenant's (RLS hides it), 409 when not pending. */
async function pendingRequest(db: Database, tx: Tx, clock: Clock, id: string, onlyOf?: string) {
  const [r] = await db.rows<{ id: string; user_id: string; scopes: string[]; reason: string; minutes: number; status: string; expired: boolean }>(
    sql`select id, user_id, scopes, reason, minutes, status, requested_at <= ${requestCutoff(clock)}::timestamptz as expired
        from elevation_requests where id = ${id} for update`,
    tx,
  );
  if (!r || (onlyOf !== undefined && r.user_id !== onlyOf)) throw new AppError(404, ElevationRequestErrors.REQUEST_NOT_FOUND, 'No such elevation request.');
  if (r.status !== 'pending') throw new AppError(409, ElevationRequestErrors.REQUEST_NOT_PENDING, `This request was ${r.status} already.`, { status: r.status });
  return r;
}

/** A decision is the approver's own: never made by provider staff impersonating them. */
function checkDecider(p: TenantPrincipal): void {
  if (p.impersonatedBy) throw new AppError(403, ElevationRequestErrors.IMPERSONATION_CANNOT_DECIDE, 'Only the owner themselves can decide an elevation request.');
}

async function decide(db: Database, tx: Tx, clock: Clock, p: TenantPrincipal, id: string, status: 'approved' | 'denied' | 'cancelled', note: string | null) {
  await db.rows(
    sql`update elevation_requests set status = ${status}, decided_by = ${p.userId}, decided_at = ${clock.now().toISOString()}::timestamptz, note = ${note}
        where id = ${id}`,
    tx,
  );
}

/**
 * An approver (roles.manage, never the requester, never provider staff acting as them) approves a pending request:
 * its elevation starts now, for the minutes asked, held to the requester's
 * caps; audited as `elevation.approve`.
 */
export async function approveRequest(db: Database, tx: Tx, clock: Clock, p: TenantPrincipal, id: string, note: string | null, requestId: string | null): Promise<ElevationView> {
  checkDecider(p);
  const r = await pendingRequest(db, tx, clock, id);
  if (r.user_id === p.userId) throw new AppError(403, ElevationRequestErrors.SELF_APPROVAL, 'Another owner has to approve your own request.');
  if (r.expired) throw new AppError(409, ElevationRequestErrors.REQUEST_EXPIRED, 'This request waited too long; ask for a new one.');
  // The registry or the rules may have changed since the request was made.
  checkScopes(r.scopes);
  await lockMemberElevations(db, tx, p.orgId, r.user_id);
  const e = await insertElevation(db, tx, clock, { orgId: p.orgId, userId: r.user_id, scopes: r.scopes, reason: r.reason, minutes: r.minutes, requestId: id, approvedBy: p.userId });
  await decide(db, tx, clock, p, id, 'approved', note);
  await recordAudit(db, { action: 'elevation.approve', outcome: 'succeeded', actorUserId: p.userId, orgId: p.orgId, space: 'client', targetTable: 'elevation_requests', targetId: id, requestId, details: { userId: r.user_id, scopes: r.scopes, reason: r.reason, elevationId: e.id, expiresAt: e.expiresAt, note } }, tx);
  return { status: 'active', id: e.id, scopes: r.scopes, reason: r.reason, expiresAt: e.expiresAt };
}

/** An approver denies a pending request; nothing is granted; audited as `elevation.deny`. */
export async function denyRequest(db: Database, tx: Tx, clock: Clock, p: TenantPrincipal, id: string, note: string | null, requestId: string | null): Promise<void> {
  checkDecider(p);
  const r = await pendingRequest(db, tx, clock, id);
  await decide(db, tx, clock, p, id, 'denied', note);
  await recordAudit(db, { action: 'elevation.deny', outcome: 'succeeded', actorUserId: p.userId, orgId: p.orgId, space: 'client', targetTable: 'elevation_requests', targetId: id, requestId, details: { userId: r.user_id, scopes: r.scopes, note } }, tx);
}

/** The requester withdraws their pending request; audited as `elevation.cancel`. Someone else's answers 404. */
export async function cancelRequest(db: Database, tx: Tx, clock: Clock, p: TenantPrincipal, id: string, requestId: string | null): Promise<void> {
  const r = await pendingRequest(db, tx, clock, id, p.userId);
  await decide(db, tx, clock, p, id, 'cancelled', null);
  await recordAudit(db, { action: 'elevation.cancel', outcome: 'succeeded', actorUserId: p.userId, orgId: p.orgId, space: 'client', targetTable: 'elevation_requests', targetId: id, requestId, details: { scopes: r.scopes } }, tx);
}

/**
 * Emails every member who may approve (roles.manage), except the requester,
 * once the request is committed. Delivery is best effort: the request is in
 * the list route whatever the mail server does, so a failure is logged.
 */
export async function notifyApprovers(deps: Pick<Deps, 'db' | 'env' | 'logger' | 'mailer'>, p: TenantPrincipal, req: PendingView): Promise<void> {
  const { db, env, logger, mailer } = deps;
  const { approvers, tenant } = await withTenant(db, { orgId: p.orgId, userId: p.userId }, async (tx) => ({
    approvers: await db.rows<{ email: string; name: string }>(
      sql`select distinct u.email, u.name from member m join "user" u on u.id = m.user_id
          join member_roles mr on mr.member_id = m.id join role_permissions rp on rp.role_id = mr.role_id
          where m.organization_id = ${p.orgId} and rp.permission = ${APPROVER_PERMISSION} and m.user_id <> ${p.userId}
          order by u.email`,
      tx,
    ),
    tenant: (await db.rows<{ name: string }>(sql`select name from organization where id = ${p.orgId}`, tx))[0]?.name ?? 'your team',
  }));
  const link = `${env.PUBLIC_URL}/tenant/${p.orgId}/client/team`;
  for (const a of approvers) {
    try {
      await mailer.send({
        to: a.email,
        subject: `${p.name} asks for extra access in ${tenant}`,
        text:
          `Hello ${a.name},\n\n${p.name} (${p.email}) asks for ${req.scopes.join(', ')} for ${req.minutes} minutes, beyond what their role allows at once.\n` +
          `Their reason: ${req.reason}\n\nApprove or deny it in StreamFlow: ${link}\n` +
          `The clock starts when you approve. If you did not expect this, deny it and talk to them.`,
      });
    } catch (err) {
      logger.warn('elevation request email failed', { requestId: req.id, to: a.email, error: err instanceof Error ? err.message : String(err) });
    }
  }
}
