import { Hono } from 'hono';
import { z } from 'zod';
import { recordAudit } from '../audit/record.ts';
import { requirePerm, requireTenant, tenantPrincipalOf } from '../auth/guards.ts';
import type { AppEnv, Deps } from '../context.ts';
import { withTenant } from '../db/tenant.ts';
import { AppError } from '../errors.ts';
import { APPROVER_PERMISSION, approveRequest, cancelRequest, denyRequest, listRequests } from './elevation-requests.ts';

const STATUSES = ['pending', 'approved', 'denied', 'cancelled', 'expired'] as const;
const decision = z.object({ note: z.string().trim().max(500).optional() });

/**
 * Requests for scopes beyond a role's elevation ceiling (docs/elevation.md):
 * members list and withdraw their own; approvers (roles.manage) list every
 * member's and approve or deny them. Every decision and refusal is audited.
 */
export function elevationRequestRoutes(deps: Deps) {
  const { db, clock } = deps;
  const tenant = requireTenant(deps);
  const approver = requirePerm(deps, APPROVER_PERMISSION);
  const id = (v: string | undefined) => z.uuid().parse(v);
  const scope = (p: { orgId: string; userId: string }) => ({ orgId: p.orgId, userId: p.userId });

  /** Audits a refused decision outside the rolled-back transaction, then answers it. */
  const refused = (action: string, p: { orgId: string; userId: string; impersonatedBy?: string }, targetId: string, requestId: string) => async (err: unknown): Promise<never> => {
    if (err instanceof AppError) {
      // Provider staff acting as the owner are named as themselves.
      await recordAudit(db, { action, outcome: 'denied', actorUserId: p.impersonatedBy ?? p.userId, orgId: p.orgId, space: 'client', targetTable: 'elevation_requests', targetId, requestId, details: { code: err.code, ...err.details } });
      throw err;
    }
    throw err instanceof Error ? err : new Error(String(err));
  };

  return new Hono<AppEnv>()
    .get('/api/admin/elevation-requests', tenant, async (c) => {
      const p = tenantPrincipalOf(c);
      const q = z.object({ status: z.enum(STATUSES).optional() }).parse(c.req.query());
      return c.json({ requests: await withTenant(db, scope(p), (tx) => listRequests(db, tx, clock, p, q.status)) });
    })
    .post('/api/admin/elevation-requests/:id/approve', tenant, approver, async (c) => {
      const p = tenantPrincipalOf(c);
      const requestId = id(c.req.param('id'));
      const body = decision.parse(await c.req.json());
      const granted = await withTenant(db, scope(p), (tx) => approveRequest(db, tx, clock, p, requestId, body.note ?? null, c.get('requestId'))).catch(
        refused('elevation.approve', p, requestId, c.get('requestId')),
      );
      return c.json(granted, 201);
    })
    .post('/api/admin/elevation-requests/:id/deny', tenant, approver, async (c) => {
      const p = tenantPrincipalOf(c);
      const requestId = id(c.req.param('id'));
      const body = decision.parse(await c.req.json());
      await withTenant(db, scope(p), (tx) => denyRequest(db, tx, clock, p, requestId, body.note ?? null, c.get('requestId'))).catch(
        refused('elevation.deny', p, requestId, c.get('requestId')),
      );
      return c.body(null, 204);
    })
    .delete('/api/admin/elevation-requests/:id', tenant, async (c) => {
      const p = tenantPrincipalOf(c);
      const requestId = id(c.req.param('id'));
      await withTenant(db, scope(p), (tx) => cancelRequest(db, tx, clock, p, requestId, c.get('requestId')));
      return c.body(null, 204);
    });
}
