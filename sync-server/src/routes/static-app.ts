import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Hono, type MiddlewareHandler } from 'hono';
import { serveStatic } from '@hono/node-server/serve-static';
import type { AppEnv } from '../context.ts';

/** Paths owned by the server; never answered with the app's index.html. */
const SERVER_PREFIXES = ['/api/', '/v1/', '/healthz', '/readyz', '/metrics'];

/**
 * Serves the built app (`app/dist`) and falls back to its index.html for
 * client routes, so deep links such as /tenant/x/client/leads load the app.
 * `guard` runs first on every page load (see page-guard.ts).
 */
export function staticAppRoutes(distDir: string, guard?: MiddlewareHandler<AppEnv>) {
  const app = new Hono<AppEnv>();
  const indexPath = join(distDir, 'index.html');
  if (!existsSync(indexPath)) {
    app.get('*', (c, next) => {
      if (SERVER_PREFIXES.some((p) => c.req.path.startsWith(p))) return next();
      return c.text('The app is not built yet: run `npm run build` (npm start does it for you).', 503);
    });
    return app;
  }
  const indexHtml = readFileSync(indexPath, 'utf8');
  // serveStatic resolves `root` against the working directory.
  const root = relative(process.cwd(), distDir) || '.';
  // Built assets have content hashes in their names: cache them for good.
  app.use('/assets/*', async (c, next) => {
    await next();
    if (c.res.status === 200) c.res.headers.set('Cache-Control', 'public, max-age=31536000, immutable');
  });
  app.use('/assets/*', serveStatic({ root }));
  if (guard) {
    app.use('*', async (c, next) => {
      if (SERVER_PREFIXES.some((p) => c.req.path.startsWith(p))) return next();
      return guard(c, next);
    });
  }
  app.use('*', async (c, next) => {
    if (SERVER_PREFIXES.some((p) => c.req.path.startsWith(p))) return next();
    return serveStatic({ root })(c, next);
  });
  app.get('*', (c, next) => {
    if (SERVER_PREFIXES.some((p) => c.req.path.startsWith(p))) return next();
    c.header('Cache-Control', 'no-cache');
    return c.html(indexHtml);
  });
  return app;
}
