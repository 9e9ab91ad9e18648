import { Hono, type Context } from 'hono';
import { sql } from 'drizzle-orm';
import type { ContentfulStatusCode, StatusCode } from 'hono/utils/http-status';
import { resolveShape, shapesFor } from '@streamflow/shapes';
import { isRestrictedWorker } from '../write/rules.ts';
import { requireTenant, tenantPrincipalOf } from '../auth/guards.ts';
import type { AppEnv, Deps } from '../context.ts';
import { AppError } from '../errors.ts';
import { shapeCors } from './cors.ts';
import { createShapeEngine, type ShapeAnswer, type ShapeEngine } from './engine.ts';
import { ShapeErrors } from './errors.ts';
import { parseShapeQuery } from './http-params.ts';
import { forwardShape, upstreamUrl } from './proxy.ts';
import { hasUpstreamSecret, rawShapeFrom } from './raw-shape.ts';

export type ShapeDeps = Pick<Deps, 'db' | 'env' | 'logger'> & {
  /** The engine (its notifier and metrics); made here when absent. */
  engine?: ShapeEngine;
  /** fetch used in proxy mode (tests may pass one bound to a local upstream). */
  fetch?: typeof fetch;
};

/** Builds the built-in engine from the environment. */
export function shapeEngineFor(deps: Pick<Deps, 'db' | 'env' | 'logger'>): ShapeEngine {
  return createShapeEngine(deps.db, deps.logger, { liveTimeoutMs: deps.env.SHAPE_LIVE_TIMEOUT_MS, pollMs: deps.env.SHAPE_POLL_INTERVAL_MS });
}

function send(c: Context<AppEnv>, a: ShapeAnswer): Response {
  for (const [k, v] of Object.entries(a.headers)) c.header(k, v);
  c.header('content-type', 'application/json');
  return c.body(a.body, a.status);
}

/**
 * GET /v1/shape: the Electric shape API (PROTOCOL.md 1). Trusts only the
 * principal set by the auth middleware: the client names a shape, and the
 * table, columns and WHERE come from @streamflow/shapes with the session's
 * tenant and user as positional parameters. With ELECTRIC_URL set, the
 * resolved shape is forwarded to Electric (proxy mode); otherwise the
 * built-in engine serves it.
 */
export function shapeRoutes(deps: ShapeDeps) {
  const { env, logger } = deps;
  const engine = deps.engine ?? shapeEngineFor(deps);
  const app = new Hono<AppEnv>();
  app.use('/v1/shape', shapeCors([env.PUBLIC_URL, ...env.TRUSTED_ORIGINS]));

  // Trusted upstream mode (another sync-server's proxy): Electric's own params, behind the shared secret.
  app.get('/v1/shape', async (c, next) => {
    const url = new URL(c.req.url);
    if (!hasUpstreamSecret(url, env.SHAPE_UPSTREAM_SECRET)) return next();
    const { shape, query } = rawShapeFrom(url);
    const q = parseShapeQuery(query);
    return send(c, await engine.serve(shape, null, { ...q, signal: c.req.raw.signal }));
  });

  app.get('/v1/shape', requireTenant(deps), async (c) => {
    const principal = c.get('principal');
    if (!principal) throw new AppError(401, 'UNAUTHENTICATED', 'Sign in first.');
    const orgId = principal.orgId;
    if (!orgId) throw new AppError(403, ShapeErrors.NO_TENANT, 'This needs an active tenant.');
    const url = new URL(c.req.url);
    const q = parseShapeQuery(url);
    const ctx = { orgId, userId: principal.userId, perms: principal.perms, roles: principal.roles };
    const shape = resolveShape(q.name, ctx);
    if (shape === 'unknown') throw new AppError(400, ShapeErrors.UNKNOWN_SHAPE, `There is no shape named ${JSON.stringify(q.name.slice(0, 60))}.`);
    // A field worker reads their own slice (my_work_orders, ...), never the whole tenant's table.
    if (shape === 'forbidden' || (isRestrictedWorker({ ...principal, orgId }) && !shapesFor(ctx, true).includes(shape.name))) {
      throw new AppError(403, ShapeErrors.SHAPE_FORBIDDEN, 'Your role may not read this shape.');
    }
    if (env.ELECTRIC_URL) {
      const upstream = upstreamUrl(env.ELECTRIC_URL, shape, url, env.ELECTRIC_SECRET);
      const res = await forwardShape(upstream, c.req.raw.signal, logger, deps.fetch);
      for (const [k, v] of res.headers) c.header(k, v);
      if (!res.body) return c.body(null, res.status as StatusCode);
      return c.body(res.body, res.status as ContentfulStatusCode);
    }
    return send(c, await engine.serve(shape, orgId, { ...q, signal: c.req.raw.signal }));
  });

  /**
   * GET /api/sync/wake?after=<lsn>: one long-poll per device instead of one per
   * live shape (the browser's six connections per origin, issue 8). Answers
   * `{ watermark, changed: true, tables }` as soon as a commit touching the
   * caller's tenant lands above `after` (`tables`: the server tables those
   * commits changed, so the app catches up only the shapes reading them), or
   * `changed: false` after SHAPE_LIVE_TIMEOUT_MS.
   * Without `after`, answers the current watermark at once. The app then
   * catches its shapes up with ordinary non-live requests.
   */
  app.get('/api/sync/wake', requireTenant(deps), async (c) => {
    const { orgId } = tenantPrincipalOf(c);
    const raw = c.req.query('after');
    await engine.start();
    if (raw === undefined || raw === '') {
      return c.json({ watermark: String(await engine.notifier.refresh()), changed: false }, 200, { 'cache-control': 'private, no-store' });
    }
    if (!/^\d{1,19}$/.test(raw)) throw new AppError(400, ShapeErrors.BAD_SHAPE_PARAMS, '"after" must be a watermark returned earlier.');
    let after = BigInt(raw);
    const deadline = Date.now() + env.SHAPE_LIVE_TIMEOUT_MS;
    for (;;) {
      // Commits form a prefix (docs/sync.md): everything at or below w is visible, so after may move to w.
      const w = await engine.notifier.refresh();
      if (w > after) {
        const touched = await deps.db.rows<{ tbl: string }>(sql`
          select distinct l.tbl from sync_commits c join sync_change_log l on l.xid = c.xid
          where c.lsn > ${after.toString()}::bigint and c.lsn <= ${w.toString()}::bigint and l.org_id = ${orgId}
          order by 1`);
        if (touched.length > 0) {
          return c.json({ watermark: w.toString(), changed: true, tables: touched.map((t) => t.tbl) }, 200, { 'cache-control': 'private, no-store' });
        }
        after = w;
      }
      const left = deadline - Date.now();
      if (left <= 0 || c.req.raw.signal.aborted) break;
      // A commit noticed while the query ran woke nobody: look again before waiting.
      if (engine.notifier.watermark > after) continue;
      await engine.notifier.wait(orgId, left, c.req.raw.signal);
    }
    return c.json({ watermark: after.toString(), changed: false }, 200, { 'cache-control': 'private, no-store' });
  });
  return app;
}
