/*
 * scripts/stripe/dev.sh against a stand-in `stripe` executable on PATH that
 * records its arguments: both endpoints are forwarded, and every event type a
 * webhook handler exists for is among the forwarded events.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connectHandlers } from '../sync-server/src/billing/connect-events.ts';
import { providerHandlers } from '../sync-server/src/billing/provider-events.ts';
import type { Database } from '../sync-server/src/db/types.ts';
import type { Env } from '../sync-server/src/env.ts';
import { REPO_ROOT } from '../sync-server/src/paths.ts';

describe('scripts/stripe/dev.sh', () => {
  const bin = mkdtempSync(join(tmpdir(), 'streamflow-stripe-cli-'));
  const argsFile = join(bin, 'args');
  writeFileSync(join(bin, 'stripe'), `#!/usr/bin/env bash\nprintf '%s\\n' "$@" > '${argsFile}'\n`);
  chmodSync(join(bin, 'stripe'), 0o755);
  afterAll(() => rmSync(bin, { recursive: true, force: true }));
  const run = (path: string, ...args: string[]) =>
    spawnSync('bash', [join(REPO_ROOT, 'scripts/stripe/dev.sh'), ...args], { env: { PATH: path, HOME: process.env.HOME ?? '' }, encoding: 'utf8' });

  it('runs one stripe listen forwarding platform events to the provider endpoint and Connect events to the connect one', () => {
    const res = run(`${bin}:/usr/bin:/bin`, 'http://127.0.0.1:4999/');
    expect(res.status).toBe(0);
    const args = readFileSync(argsFile, 'utf8').trim().split('\n');
    expect(args[0]).toBe('listen');
    const flag = (name: string) => args[args.indexOf(name) + 1];
    expect(flag('--forward-to')).toBe('http://127.0.0.1:4999/api/stripe/webhook/provider');
    expect(flag('--forward-connect-to')).toBe('http://127.0.0.1:4999/api/stripe/webhook/connect');
    const events = new Set(flag('--events')?.split(','));
    // The handlers' keys only name event types; building them touches no database.
    const handled = [...Object.keys(providerHandlers(null as unknown as Database, {} as Env)), ...Object.keys(connectHandlers(null as unknown as Database))];
    expect(handled.length).toBeGreaterThanOrEqual(11);
    expect(handled.filter((t) => !events.has(t))).toEqual([]);
  });

  it('says how to get the Stripe CLI when it is missing', () => {
    const res = run('/usr/bin:/bin');
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('Stripe CLI is not installed');
  });
});
