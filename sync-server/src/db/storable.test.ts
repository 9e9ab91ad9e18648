import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit } from '../audit/record.ts';
import { createTestPglite } from '../testing/db.ts';
import { storableText } from './storable.ts';
import type { Database } from './types.ts';

describe('records built from request input are always storable', () => {
  let db: Database;
  beforeAll(async () => {
    db = await createTestPglite();
  });
  afterAll(async () => {
    await db.close();
  });

  it('replaces NUL and lone surrogates, keeps pairs and plain text', () => {
    expect(storableText('a\u0000b')).toBe('a\uFFFDb');
    expect(storableText('\uD800x\uDFFF')).toBe('\uFFFDx\uFFFD');
    expect(storableText('ok \uD83D\uDE00 ✓')).toBe('ok \uD83D\uDE00 ✓');
  });

  it('stores an audit entry whose target and details hold NUL and lone surrogates', async () => {
    await recordAudit(db, {
      action: 'access.post',
      outcome: 'denied',
      targetTable: 'route',
      targetId: '/api/dev/jobs/\u0000/retry',
      details: { email: '\uDFFF@x.test', 'na\u0000me': ['\uD800'] },
    });
    const [row] = await db.rows<{ target_id: string; details: Record<string, unknown> }>(
      sql`select target_id, details from audit_log where action = 'access.post' order by audit_log.id desc limit 1`,
    );
    expect(row).toEqual({ target_id: '/api/dev/jobs/\uFFFD/retry', details: { email: '\uFFFD@x.test', 'na\uFFFDme': ['\uFFFD'] } });
  });
});
