import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hono } from 'hono';
import type { Database } from './db/types.ts';
import { createTestPglite } from './testing/db.ts';
import { buildTestApp } from './testing/app.ts';
import rootPackage from '../../package.json' with { type: 'json' };

describe('app skeleton', () => {
  let db: Database;
  beforeAll(async () => {
    db = await createTestPglite();
  });
  afterAll(async () => {
    await db.close();
  });

  it('reports health with the database kind and version', async () => {
    const { app } = buildTestApp(db);
    const res = await app.request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', db: 'pglite', version: rootPackage.version });
    const ready = await app.request('/readyz');
    expect(ready.status).toBe(200);
  });

  it('gives every request an id and logs one JSON line for it', async () => {
    const { app, logger } = buildTestApp(db);
    const res = await app.request('/healthz', { headers: { 'x-request-id': 'req-abc.1' } });
    expect(res.headers.get('x-request-id')).toBe('req-abc.1');
    const own = await app.request('/healthz', { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(own.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(logger.lines).toContainEqual(
      expect.objectContaining({ msg: 'request', requestId: 'req-abc.1', path: '/healthz', status: 200 }),
    );
  });

  it('answers unknown API routes with the error envelope', async () => {
    const { app } = buildTestApp(db);
    const res = await app.request('/api/nope');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: { code: 'NOT_FOUND', message: 'No route for GET /api/nope.', details: {} },
    });
  });

  it('turns an unexpected error into a 500 envelope with the request id and no stack', async () => {
    const { app, logger } = buildTestApp(db);
    // Mount a failing route on the real app: the error path is the app's own.
    (app as unknown as Hono).get('/api/boom', () => {
      throw new Error('secret internals');
    });
    const res = await app.request('/api/boom', { headers: { 'x-request-id': 'boom-1' } });
    expect(res.status).toBe(500);
    const body = (await res.json()) as { error: { code: string; message: string; details: { requestId: string } } };
    expect(body.error.code).toBe('INTERNAL');
    expect(body.error.details.requestId).toBe('boom-1');
    expect(JSON.stringify(body)).not.toContain('secret internals');
    expect(logger.lines).toContainEqual(expect.objectContaining({ level: 'error', requestId: 'boom-1' }));
  });

  it('serves the built app with a fallback to index.html for client routes', async () => {
    const dist = mkdtempSync(join(tmpdir(), 'streamflow-dist-'));
    try {
      mkdirSync(join(dist, 'assets'));
      writeFileSync(join(dist, 'index.html'), '<!doctype html><title>StreamFlow</title>');
      writeFileSync(join(dist, 'assets', 'app.js'), 'console.log(1)');
      const { app } = buildTestApp(db, { appDistDir: dist });
      const page = await app.request('/tenant/x/client/dashboard');
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<title>StreamFlow</title>');
      const asset = await app.request('/assets/app.js');
      expect(asset.status).toBe(200);
      expect(asset.headers.get('cache-control')).toContain('immutable');
      // Server paths never fall back to the app.
      expect((await app.request('/api/unknown')).status).toBe(404);
    } finally {
      rmSync(dist, { recursive: true, force: true });
    }
  });
});
