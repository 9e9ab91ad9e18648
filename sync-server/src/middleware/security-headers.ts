import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../context.ts';
import { AppError } from '../errors.ts';

/**
 * Security headers on every response: a CSP that lets the app run (its own
 * scripts, wasm for PGlite, workers, same-origin API calls), no framing, no
 * MIME sniffing, and HSTS outside development.
 */
export function securityHeaders(opts: { hsts: boolean }) {
  const csp = [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
  ].join('; ');
  return createMiddleware<AppEnv>(async (c, next) => {
    await next();
    c.header('Content-Security-Policy', csp);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('X-Frame-Options', 'DENY');
    c.header('Referrer-Policy', 'strict-origin-when-cross-origin');
    if (opts.hsts) c.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
  });
}

/**
 * Cookie-authenticated state changes must come from our own origins: a
 * cross-site POST with the user's cookie is refused (CSRF). Requests without
 * a cookie (bearer tokens, signed webhooks) are not affected; better-auth
 * checks its own routes.
 */
export function originCheck(allowed: readonly string[]) {
  const origins = new Set(allowed.map((o) => new URL(o).origin));
  return createMiddleware<AppEnv>(async (c, next) => {
    const method = c.req.method;
    if (method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS' && c.req.header('cookie') && !c.req.path.startsWith('/api/auth/')) {
      const origin = c.req.header('origin') ?? refererOrigin(c.req.header('referer'));
      if (!origin || !origins.has(origin)) {
        throw new AppError(403, 'CROSS_ORIGIN_REQUEST', 'This request did not come from the app.');
      }
    }
    await next();
  });
}

function refererOrigin(referer: string | undefined): string | undefined {
  if (!referer) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return undefined;
  }
}
