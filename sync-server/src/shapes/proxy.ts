import type { ResolvedShape } from '@streamflow/shapes';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { ShapeErrors } from './errors.ts';
import { PROTOCOL_PARAMS } from './http-params.ts';

const DROPPED = new Set(['content-encoding', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'set-cookie']);

/** The upstream URL for a resolved shape: table, where, params[n] and columns set by us. */
export function upstreamUrl(electricUrl: string, shape: ResolvedShape, incoming: URL, secret: string | undefined): URL {
  const base = new URL(electricUrl);
  if (!base.pathname.endsWith('/v1/shape')) base.pathname = `${base.pathname.replace(/\/$/, '')}/v1/shape`;
  const q = base.searchParams;
  q.set('table', shape.table);
  q.set('where', shape.where);
  shape.params.forEach((v, i) => q.set(`params[${i + 1}]`, v));
  q.set('columns', shape.columns.map((c) => `"${c}"`).join(','));
  for (const p of PROTOCOL_PARAMS) {
    const v = incoming.searchParams.get(p);
    if (v !== null) q.set(p, v);
  }
  if (secret) q.set('secret', secret);
  return base;
}

/**
 * Proxy mode: forwards the shape request to Electric and streams the answer
 * back with its status and electric headers. Encoding and length headers are
 * dropped (fetch has already decoded the body); our CORS, Vary and
 * cache-control stay.
 */
export async function forwardShape(
  url: URL,
  signal: AbortSignal | undefined,
  logger: Logger,
  doFetch: typeof fetch = fetch,
): Promise<Response> {
  let upstream: Response;
  try {
    upstream = await doFetch(url, { signal, headers: { accept: 'application/json' } });
  } catch (err) {
    if (signal?.aborted) throw err;
    logger.warn('shapes.upstream_failed', { error: String(err) });
    throw new AppError(503, ShapeErrors.UPSTREAM_UNAVAILABLE, 'The sync service is not reachable; retry shortly.', {});
  }
  const headers = new Headers();
  for (const [k, v] of upstream.headers) {
    const key = k.toLowerCase();
    if (DROPPED.has(key) || key.startsWith('access-control-') || key === 'vary' || key === 'cache-control') continue;
    headers.set(k, v);
  }
  return new Response(upstream.body, { status: upstream.status, headers });
}
