import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../context.ts';

export const EXPOSED_HEADERS = [
  'electric-handle',
  'electric-offset',
  'electric-schema',
  'electric-cursor',
  'electric-up-to-date',
  'retry-after',
].join(', ');

/**
 * CORS for the shape API: the allowed origin is echoed (never `*`, which
 * does not work with credentials), the electric headers are exposed by name,
 * and every answer varies with the session and is never publicly cached.
 */
export function shapeCors(allowedOrigins: readonly string[]) {
  const allowed = new Set(allowedOrigins);
  return createMiddleware<AppEnv>(async (c, next) => {
    const origin = c.req.header('origin');
    if (origin && allowed.has(origin)) {
      c.header('access-control-allow-origin', origin);
      c.header('access-control-allow-credentials', 'true');
      c.header('access-control-expose-headers', EXPOSED_HEADERS);
    }
    c.header('vary', 'Origin, Cookie, Authorization');
    c.header('cache-control', 'private, no-store');
    if (c.req.method === 'OPTIONS') {
      if (origin && allowed.has(origin)) {
        c.header('access-control-allow-methods', 'GET, OPTIONS');
        c.header('access-control-allow-headers', c.req.header('access-control-request-headers') ?? 'authorization, content-type');
        c.header('access-control-max-age', '600');
      }
      return c.body(null, 204);
    }
    await next();
  });
}
