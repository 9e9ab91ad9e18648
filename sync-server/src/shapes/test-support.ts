import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { sql } from 'drizzle-orm';
import { DEFAULT_ROLES, type DefaultRoleKey } from '@streamflow/schema';
import type { Principal } from '../auth/principal.ts';
import type { AppEnv } from '../context.ts';
import type { Database } from '../db/types.ts';
import { errorHandler } from '../middleware/error-handler.ts';
import { captureLogger, testEnv } from '../testing/app.ts';
import { shapeEngineFor, shapeRoutes } from './route.ts';
import { createShapeEngine, type ShapeEngine } from './engine.ts';

/**
 * Test-only sessions: until the route is mounted behind the real auth
 * middleware, a bearer token maps to a principal defined by the test.
 * The shape route itself trusts only `c.get('principal')`.
 */
export function principal(token: string, orgId: string | null, role: DefaultRoleKey, userId = `user-${token}`): [string, Principal] {
  return [
    token,
    {
      userId,
      email: `${userId}@example.test`,
      name: userId,
      sessionId: `s-${token}`,
      space: 'client',
      orgId,
      memberId: null,
      roles: [role],
      perms: new Set(DEFAULT_ROLES[role].permissions),
    },
  ];
}

export interface ShapeServer {
  url: string;
  engine: ShapeEngine;
  close(): Promise<void>;
}

/** Serves shapeRoutes on a real loopback port (port 0) for the official clients. */
export async function startShapeServer(
  db: Database,
  sessions: Map<string, Principal>,
  opts: { env?: Record<string, string>; fetch?: typeof fetch; snapshotChunkRows?: number } = {},
): Promise<ShapeServer> {
  const env = testEnv({ SHAPE_LIVE_TIMEOUT_MS: '2000', SHAPE_POLL_INTERVAL_MS: '200', ...opts.env });
  const logger = captureLogger();
  const engine = opts.snapshotChunkRows
    ? createShapeEngine(db, logger, { liveTimeoutMs: env.SHAPE_LIVE_TIMEOUT_MS, pollMs: env.SHAPE_POLL_INTERVAL_MS, snapshotChunkRows: opts.snapshotChunkRows })
    : shapeEngineFor({ db, env, logger });
  const app = new Hono<AppEnv>();
  app.onError(errorHandler(logger));
  app.use(async (c, next) => {
    c.set('requestId', 'test');
    c.set('log', logger);
    const token = /^Bearer (.+)$/.exec(c.req.header('authorization') ?? '')?.[1];
    c.set('principal', token ? sessions.get(token) : undefined);
    await next();
  });
  app.route('/', shapeRoutes({ db, env, logger, engine, fetch: opts.fetch }));
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await engine.start();
  return {
    url: `http://127.0.0.1:${port}`,
    engine,
    async close() {
      await engine.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
    },
  };
}

/** Makes a tenant (organization row). */
export async function makeOrg(db: Database, id: string): Promise<void> {
  await db.rows(sql`insert into organization (id, name, slug) values (${id}, ${id}, ${id}) on conflict do nothing`);
}

/** Inserts `n` leads of a tenant with COPY; returns their ids. */
export async function seedLeads(db: Database, orgId: string, n: number, prefix = 'Lead'): Promise<string[]> {
  const ids: string[] = [];
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = crypto.randomUUID();
    ids.push(id);
    lines.push(`${id},${orgId},"${prefix} ${i}, ""quoted""",${i % 100},${(i * 1.5).toFixed(2)},"{""n"": ${i}}"`);
  }
  await db.copyCsv('leads', ['id', 'org_id', 'name', 'score', 'value', 'custom'], `${lines.join('\n')}\n`);
  return ids;
}

/** The server's rows of a shape-visible table, as text values keyed by id, for row-by-row comparison. */
export async function serverRows(db: Database, table: 'leads' | 'work_orders' | 'companies', where: ReturnType<typeof sql>): Promise<Map<string, Record<string, string | null>>> {
  const rows = await db.orm.transaction(async (tx) => {
    await db.rows(sql`select set_config('TimeZone', 'UTC', true), set_config('DateStyle', 'ISO, MDY', true)`, tx);
    return db.rows<{ id: string; j: Record<string, string | null> }>(
      sql`select t.id::text as id, (select jsonb_object_agg(key, value) from jsonb_each_text(to_jsonb(t))) as j
        from ${sql.raw(`"${table}"`)} t where ${where}`,
      tx,
    );
  });
  return new Map(rows.map((r) => [r.id, r.j]));
}
