import { Hono, type Context } from 'hono';
import { isWritableTable } from '@streamflow/schema';
import { bodyLimit } from 'hono/body-limit';
import { assertTenant, requireTenant, tenantPrincipalOf } from '../auth/guards.ts';
import type { TenantPrincipal } from '../auth/principal.ts';
import { principalCacheOf } from '../auth/principal-cache.ts';
import { resolveRequestPrincipal } from '../auth/session-middleware.ts';
import type { AppEnv, Deps } from '../context.ts';
import { AppError } from '../errors.ts';
import { readJson } from '../json-body.ts';
import { StalePrincipal, applyWriteBatch, bodyHash } from './batch.ts';
import { WriteErrors } from './errors.ts';
import { nestedDeeperThan } from './storable.ts';
import { MAX_MUTATIONS, batchSchema } from './types.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_BODY_BYTES = 1024 * 1024;
const MAX_BODY_DEPTH = 64;

/** POST /api/write (PROTOCOL.md 2): the only way local changes reach the server. */
export function writeRoutes(deps: Deps) {
  const principals = principalCacheOf(deps.auth);
  const metrics = deps.metrics;
  const outcomes = metrics?.counter('write_mutations_total', 'Mutations processed by POST /api/write, by table and outcome.');
  const batches = metrics?.histogram('write_batch_duration_seconds', 'Time to process one write batch, by size class.');
  /**
   * The request's principal resolved afresh (the cache entry dropped first),
   * with requireTenant's checks: 401 without a session, 403 outside a tenant.
   */
  const freshPrincipal = async (c: Context<AppEnv>): Promise<TenantPrincipal> => {
    const k = principals.keyOf(c.req.raw.headers);
    if (k) principals.forget(k);
    const p = await resolveRequestPrincipal(deps, c.req.raw.headers);
    c.set('principal', p);
    return assertTenant(deps, c, p);
  };
  /**
   * A principal from the cache is checked inside the batch's transaction. A
   * request refused before that point is checked first, so a revoked session
   * always hears 401 rather than an answer about its body.
   */
  const refuse = async (c: Context<AppEnv>, err: AppError): Promise<never> => {
    const p = c.get('principal');
    if (p && principals.isCached(p)) await freshPrincipal(c);
    throw err;
  };
  return new Hono<AppEnv>().post(
    '/api/write',
    requireTenant(deps),
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => refuse(c, new AppError(413, WriteErrors.BATCH_TOO_LARGE, `A batch may be at most ${MAX_BODY_BYTES} bytes.`)),
    }),
    async (c) => {
      const key = c.req.header('idempotency-key');
      if (!key || !UUID.test(key)) {
        return refuse(c, new AppError(400, WriteErrors.IDEMPOTENCY_KEY_REQUIRED, 'Send an Idempotency-Key header holding a uuid.'));
      }
      let json: unknown;
      try {
        // NUL characters pass here: they become per-mutation rejections, not a refused batch.
        json = await readJson(c, { maxBytes: MAX_BODY_BYTES, allowNul: true, codes: { tooLarge: WriteErrors.BATCH_TOO_LARGE } });
      } catch (err) {
        return refuse(c, err instanceof AppError ? err : new AppError(400, WriteErrors.INVALID_JSON, 'The body is not valid JSON.'));
      }
      // Far deeper than any mutation may nest (storable.ts); hashing it would recurse that deep.
      if (nestedDeeperThan(json, MAX_BODY_DEPTH)) {
        return refuse(c, new AppError(422, WriteErrors.INVALID_BATCH, `The batch may be nested at most ${MAX_BODY_DEPTH} levels deep.`));
      }
      const count = (json as { mutations?: unknown } | null)?.mutations;
      if (Array.isArray(count) && count.length > MAX_MUTATIONS) {
        return refuse(c, new AppError(413, WriteErrors.BATCH_TOO_LARGE, `A batch may hold at most ${MAX_MUTATIONS} mutations.`));
      }
      const parsed = batchSchema.safeParse(json);
      if (!parsed.success) {
        return refuse(c, new AppError(422, WriteErrors.INVALID_BATCH, 'The batch is not well formed.', { issues: parsed.error.issues }));
      }
      const started = performance.now();
      const writeDeps = { db: deps.db, clock: deps.clock, maxClockSkewMs: deps.env.WRITE_MAX_CLOCK_SKEW_MS, log: c.get('log') ?? deps.logger };
      const run = (p: TenantPrincipal, verifyPrincipal: boolean) =>
        applyWriteBatch(writeDeps, p, key.toLowerCase(), parsed.data, bodyHash(json), c.get('requestId'), { verifyPrincipal });
      const principal = tenantPrincipalOf(c);
      let answer;
      try {
        answer = await run(principal, principals.isCached(principal));
      } catch (err) {
        if (!(err instanceof StalePrincipal)) throw err;
        answer = await run(await freshPrincipal(c), false);
      }
      if (answer.grantsChanged) {
        // Roles or permissions changed since the entry was made: the next request resolves afresh.
        const k = principals.keyOf(c.req.raw.headers);
        if (k) principals.forget(k);
      }
      batches?.observe({ size: parsed.data.mutations.length > 1 ? 'many' : 'one' }, (performance.now() - started) / 1000);
      // Only known table names become labels: a client cannot grow the label set.
      const tables = new Map(parsed.data.mutations.map((m) => [m.id, isWritableTable(m.table) ? m.table : 'unknown']));
      for (const r of answer.body.results) {
        outcomes?.inc({ table: tables.get(r.id) ?? 'unknown', outcome: answer.replayed ? 'replayed' : r.status });
      }
      return c.json(answer.body, answer.status);
    },
  );
}
