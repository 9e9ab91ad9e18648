import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../context.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Gives each request an id (a well-formed incoming `X-Request-Id` is kept,
 * so ids follow a request through a proxy), a child logger carrying it, and
 * one structured log line when the response is sent.
 */
export function requestContext(logger: Logger, metrics: Metrics) {
  const requests = metrics.histogram('http_request_duration_seconds', 'HTTP request latency by method, route and status class.');
  return createMiddleware<AppEnv>(async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
    const log = logger.child({ requestId });
    c.set('requestId', requestId);
    c.set('log', log);
    c.header('X-Request-Id', requestId);
    const started = performance.now();
    await next();
    const ms = performance.now() - started;
    requests.observe({ method: c.req.method, route: c.req.routePath, status: `${Math.floor(c.res.status / 100)}xx` }, ms / 1000);
    c.get('log').info('request', {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round(ms * 10) / 10,
    });
  });
}
