import { Hono } from 'hono';
import { sql } from 'drizzle-orm';
import rootPackage from '../../../package.json' with { type: 'json' };
import type { AppEnv, Deps } from '../context.ts';
import { AppError, CommonErrors } from '../errors.ts';
import { publicRoute } from '../auth/guards.ts';

/** Liveness and readiness, public by design: they reveal no tenant data. */
export function healthRoutes(deps: Deps) {
  return new Hono<AppEnv>()
    .get('/healthz', publicRoute, (c) => c.json({ status: 'ok', db: deps.db.kind, version: rootPackage.version }))
    .get('/readyz', publicRoute, async (c) => {
      try {
        await deps.db.rows(sql`select 1 as ok`);
      } catch (err) {
        c.get('log').warn('readiness check failed', { err });
        throw new AppError(503, CommonErrors.NOT_READY, 'The database is not reachable.');
      }
      return c.json({ status: 'ready' });
    });
}
