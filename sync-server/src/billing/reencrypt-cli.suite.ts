import { spawn } from 'node:child_process';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox, generateKey } from '../crypto/secret-box.ts';
import type { Database, DbKind } from '../db/types.ts';
import { REPO_ROOT } from '../paths.ts';
import { seedDemo } from '../seed/demo.ts';
import { accountHash } from './connect-account.ts';

/** A database the CLI process opens by itself: a PGlite data folder or a Postgres URL. */
export interface CliTarget {
  kind: DbKind;
  /** The CLI's whole environment: PATH and HOME, and where the database is (DATA_DIR or DATABASE_URL). */
  env: Record<string, string>;
  /** Opens it in this process (migrated); close it before the CLI runs (PGlite allows one process). */
  open(): Promise<Database>;
  dispose(): Promise<void>;
}

/** Runs `npm run secrets:reencrypt` as an operator would, with only the given environment. */
function runCli(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn('npm', ['run', '--silent', 'secrets:reencrypt'], {
    cwd: REPO_ROOT,
    env: { NODE_ENV: 'development', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

/**
 * Key rotation end to end (docs/billing.md): values sealed with the old key,
 * the new key made current with the old one kept as previous, the real
 * `npm run secrets:reencrypt` in its own process, then the old key dropped.
 */
export function reencryptCliSuite(makeTarget: () => Promise<CliTarget>) {
  describe('npm run secrets:reencrypt', () => {
    let target: CliTarget;
    const oldKey = generateKey();
    const newKey = generateKey();
    const plain: Record<string, string> = {};

    const stored = async () => {
      const db = await target.open();
      try {
        return await db.rows<{ org_id: string; account_id_enc: string }>(sql`select org_id, account_id_enc from tenant_stripe_connect order by org_id`);
      } finally {
        await db.close();
      }
    };

    beforeAll(async () => {
      target = await makeTarget();
      const db = await target.open();
      try {
        await seedDemo(db);
        const orgs = await db.rows<{ id: string; slug: string }>(sql`select id, slug from organization where slug in ('acme', 'globex') order by id`);
        expect(orgs).toHaveLength(2);
        const box = createSecretBox(oldKey);
        for (const o of orgs) {
          plain[o.id] = `acct_1${o.slug.toUpperCase()}Rotate${o.id.slice(0, 6)}`;
          await db.rows(
            sql`insert into tenant_stripe_connect (org_id, account_id_enc, account_id_hash, connect_status)
                values (${o.id}, ${box.seal(plain[o.id]!)}, ${accountHash(plain[o.id]!)}, 'active')`,
          );
        }
      } finally {
        await db.close();
      }
    });
    afterAll(async () => {
      await target?.dispose();
    });

    it('re-seals every value under the new key once, printing counts only; the old key can then go', async () => {
      const before = await stored();
      const first = await runCli({ ...target.env, APP_ENCRYPTION_KEY: newKey, APP_ENCRYPTION_KEYS_PREVIOUS: oldKey });
      expect(first).toMatchObject({ code: 0, stderr: '' });
      const rotated = createSecretBox(newKey);
      expect(first.stdout.trim()).toBe(`Re-sealed 2 of 2 stored secrets with key ${rotated.currentKeyId}.`);

      const after = await stored();
      expect(after.map((r) => r.org_id)).toEqual(before.map((r) => r.org_id));
      for (const r of after) {
        // Under the new key alone, and the same value.
        expect(rotated.keyIdOf(r.account_id_enc)).toBe(rotated.currentKeyId);
        expect(rotated.open(r.account_id_enc)).toBe(plain[r.org_id]);
        expect(() => createSecretBox(oldKey).open(r.account_id_enc)).toThrow();
        expect(r.account_id_enc).not.toContain(plain[r.org_id]!);
      }

      // Again, now without the old key: nothing left to do.
      const second = await runCli({ ...target.env, APP_ENCRYPTION_KEY: newKey });
      expect(second).toMatchObject({ code: 0 });
      expect(second.stdout.trim()).toBe(`Re-sealed 0 of 2 stored secrets with key ${rotated.currentKeyId}.`);
      expect(await stored()).toEqual(after);
    });

    it('stops with exit 1 and changes nothing when a value was sealed with a key it is not given', async () => {
      const db = await target.open();
      const lost = generateKey();
      try {
        // The first row (in the run's order) is under an old key the run has, the second under one it lacks:
        // the first is re-sealed, then the second fails, and the whole run rolls back.
        const [first, second] = await db.rows<{ org_id: string }>(sql`select org_id from tenant_stripe_connect order by org_id`);
        await db.rows(sql`update tenant_stripe_connect set account_id_enc = ${createSecretBox(oldKey).seal(plain[first!.org_id]!)} where org_id = ${first!.org_id}`);
        await db.rows(sql`update tenant_stripe_connect set account_id_enc = ${createSecretBox(lost).seal(plain[second!.org_id]!)} where org_id = ${second!.org_id}`);
      } finally {
        await db.close();
      }
      const before = await stored();
      const run = await runCli({ ...target.env, APP_ENCRYPTION_KEY: newKey, APP_ENCRYPTION_KEYS_PREVIOUS: oldKey });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`No key with id ${createSecretBox(lost).currentKeyId} is configured.`);
      expect(run.stdout + run.stderr).not.toMatch(/acct_/);
      expect(await stored()).toEqual(before);

      const noKey = await runCli({ ...target.env });
      expect(noKey.code).toBe(1);
      expect(noKey.stderr).toContain('APP_ENCRYPTION_KEY');
    });
  });
}
