import { createMiddleware } from 'hono/factory';
import { decidePage } from '@streamflow/schema';
import { recordAudit } from '../audit/record.ts';
import { resolveRequestPrincipal, type SessionDeps } from '../auth/session-middleware.ts';
import type { AppEnv } from '../context.ts';

/**
 * The server's guard on app pages (PRODUCT.md 1), for a page load that reaches
 * the server (no service worker yet, or a hard reload): a signed-in user asking
 * for another space's or another tenant's page is redirected home and the
 * denial is audited; old flat URLs move into the tenant space. The rule is
 * `decidePage` (schema/spaces.ts), the same one the app's router applies, so
 * both always agree. Without a session the app's sign-in page is served.
 */
export function pageGuard(deps: SessionDeps) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const wantsPage = c.req.method === 'GET' && (c.req.header('accept') ?? '').includes('text/html');
    const hasSession = /(^|;\s*)(__Secure-)?better-auth\.session_token=/.test(c.req.header('cookie') ?? '');
    if (!wantsPage || !hasSession) return next();
    const p = await resolveRequestPrincipal(deps, c.req.raw.headers);
    if (!p) return next();
    const decision = decidePage({ space: p.space, tenantId: p.orgId }, c.req.path);
    if (decision.kind === 'ok') return next();
    if (decision.kind === 'denied') {
      await recordAudit(deps.db, {
        action: 'page.get',
        outcome: 'denied',
        actorUserId: p.userId,
        orgId: p.orgId,
        space: p.space,
        targetTable: 'page',
        targetId: c.req.path,
        requestId: c.get('requestId'),
        details: { reason: decision.reason },
      });
    }
    c.header('Cache-Control', 'no-store');
    return c.redirect(decision.to, 302);
  });
}
