import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runExpectingExit, startServer } from './testing/spawn-server.ts';

describe('npm start on the embedded default', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'streamflow-start-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('creates the data folder, seeds the demo, prints the sign-ins and serves /healthz', async () => {
    const server = await startServer({ DATA_DIR: dataDir });
    try {
      const health = (await (await fetch(`${server.url}/healthz`)).json()) as { status: string; db: string };
      expect(health).toMatchObject({ status: 'ok', db: 'pglite' });
      expect(server.output()).toContain('owner@acme.test');
      expect(server.output()).toContain('worker@acme.test');
      expect(server.output()).toContain('password: streamflow-demo');
      expect(existsSync(join(dataDir, 'pgdata'))).toBe(true);

      // A second process on the same folder refuses, naming the holder.
      const second = await runExpectingExit({ DATA_DIR: dataDir });
      expect(second.code).toBe(1);
      expect(second.output).toMatch(/in use by another StreamFlow process \(pid \d+\)/);
    } finally {
      expect(await server.stop()).toBe(0);
    }
    expect(existsSync(join(dataDir, 'streamflow.lock'))).toBe(false);
  });

  it('restarts on the same folder without seeding twice', async () => {
    const server = await startServer({ DATA_DIR: dataDir });
    try {
      const res = await fetch(`${server.url}/readyz`);
      expect(res.status).toBe(200);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it('refuses to start with a bad variable, naming it', async () => {
    const { code, output } = await runExpectingExit({ DATA_DIR: dataDir, PORT: 'not-a-port' });
    expect(code).toBe(1);
    expect(output).toContain('PORT');
    const prod = await runExpectingExit({ DATA_DIR: dataDir, NODE_ENV: 'production' });
    expect(prod.code).toBe(1);
    expect(prod.output).toContain('BETTER_AUTH_SECRET');
  });
});
