import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEnv } from './context.ts';
import type { Database } from './db/types.ts';
import { errorHandler } from './middleware/error-handler.ts';
import { errorText } from './redact.ts';
import { captureLogger } from './testing/app.ts';
import type { TestEngine } from './testing/db.ts';

/** Looks like what a query carries: a password, a token, an email. */
const SECRET = 'sk_live_s3cr3t-Hunter2-token';
const EMAIL = 'ann.secret@customer.test';

/** Logged database errors never carry the failing query's values, written once and run on PGlite and on Postgres. */
export function logRedactionSuite(engine: TestEngine) {
  describe(`logged database errors on ${engine.kind}`, () => {
    let db: Database;
    beforeAll(async () => {
      db = await engine.open();
    });
    afterAll(async () => {
      await db.close();
    });

    /** A query that fails on its own parameters: Postgres quotes the bad value in its message. */
    const failing = () =>
      db.rows(sql`select ${SECRET}::uuid as id, ${EMAIL}::text as who`).then(
        () => {
          throw new Error('the query was expected to fail');
        },
        (err: unknown) => err,
      );

    it('keeps parameters out of an error logged by any handler, with the query and the SQLSTATE kept', async () => {
      const err = await failing();
      // The unredacted error does carry them: the test would see a leak.
      expect(String(err)).toContain(SECRET);
      const logger = captureLogger();
      logger.error('query failed', { err });
      const line = JSON.stringify(logger.lines);
      expect(line).not.toContain(SECRET);
      expect(line).not.toContain(EMAIL);
      expect(line).toContain('select $1::uuid as id');
      expect(line).toContain('22P02');
    });

    it("keeps parameters out of the 500's log line from onError", async () => {
      const logger = captureLogger();
      const app = new Hono<AppEnv>();
      app.onError(errorHandler(logger));
      app.get('/boom', async () => {
        // Not a data exception (those answer 400): a missing relation is the server's own fault.
        await db.rows(sql`select ${SECRET}::text as id, ${EMAIL}::text as who from no_such_relation`);
        return new Response('unreachable');
      });
      const res = await app.request('/boom');
      expect(res.status).toBe(500);
      const body = await res.text();
      expect(body).not.toContain(SECRET);
      const line = JSON.stringify(logger.lines);
      expect(line).toContain('unhandled error');
      expect(line).not.toContain(SECRET);
      expect(line).not.toContain(EMAIL);
    });

    it('keeps parameters out of the error text stored with a failed job', async () => {
      const text = errorText(await failing());
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(EMAIL);
      expect(text).toMatch(/invalid input syntax for type uuid/);
    });
  });
}
