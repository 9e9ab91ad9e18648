import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localInputToIso, logActivity, timelineSql } from './activities.tsx';
import { openLocalStore, ORG } from '../local-db/test-local-db.ts';

const LEAD = '00000000-0000-4000-8000-0000000000aa';
const OTHER = '00000000-0000-4000-8000-0000000000bb';

describe('activity timeline on the local store', () => {
  let pg: PGlite;
  const timeline = async (id = LEAD, limit = 50) => (await pg.query<{ subject: string | null; kind: string; local_state: string | null; actor_id: string }>(timelineSql(limit), ['leads', id])).rows;

  beforeAll(async () => {
    pg = await openLocalStore();
    await pg.query(
      `INSERT INTO activities_synced (id, org_id, created_at, updated_at, kind, subject, occurred_at, actor_id, related_table, related_id)
       VALUES (gen_random_uuid(), $1, now(), now(), 'call', 'Old call', '2026-10-01T10:00:00Z', 'user-x', 'leads', $2),
              (gen_random_uuid(), $1, now(), now(), 'note', 'On another lead', '2026-10-02T10:00:00Z', 'user-x', 'leads', $3),
              (gen_random_uuid(), $1, now(), now(), 'note', 'A company note', '2026-10-03T10:00:00Z', 'user-x', 'companies', $2)`,
      [ORG, LEAD, OTHER],
    );
  });
  afterAll(async () => {
    await pg.close();
  });

  it('logs a note locally, queued for upload, newest first on the record only', async () => {
    expect(await logActivity(pg, { id: 'user-me' }, { table: 'leads', id: LEAD }, { kind: 'note', subject: ' Met at the fair ', body: 'Wants a quote', occurredAt: null })).toBeNull();
    await logActivity(pg, { id: 'user-me' }, { table: 'leads', id: LEAD }, { kind: 'call', subject: 'Earlier call', body: '', occurredAt: '2026-10-15T09:30:00.000Z' });
    const rows = await timeline();
    expect(rows.map((r) => [r.kind, r.subject, r.local_state])).toEqual([
      ['note', 'Met at the fair', 'pending'],
      ['call', 'Earlier call', 'pending'],
      ['call', 'Old call', null],
    ]);
    expect(rows[0]?.actor_id).toBe('user-me');
    const out = (await pg.query<{ values: Record<string, unknown> }>(`SELECT "values" FROM outbox WHERE table_name = 'activities' ORDER BY seq`)).rows;
    expect(out[0]?.values).toMatchObject({ kind: 'note', subject: 'Met at the fair', body: 'Wants a quote', actor_id: 'user-me', related_table: 'leads', related_id: LEAD });
    expect((await timeline(OTHER)).map((r) => r.subject)).toEqual(['On another lead']);
    expect(await timeline(LEAD, 1)).toHaveLength(1);
  });

  it('refuses an empty activity or an unknown kind, writing nothing', async () => {
    const before = (await pg.query('SELECT 1 FROM outbox')).rows.length;
    expect(await logActivity(pg, { id: 'u' }, { table: 'leads', id: LEAD }, { kind: 'note', subject: ' ', body: '', occurredAt: null })).toHaveProperty('body');
    expect(await logActivity(pg, { id: 'u' }, { table: 'leads', id: LEAD }, { kind: 'fax' as 'note', subject: 'x', body: '', occurredAt: null })).toHaveProperty('kind');
    expect((await pg.query('SELECT 1 FROM outbox')).rows).toHaveLength(before);
  });

  it('reads a datetime-local value as an ISO time', () => {
    expect(localInputToIso('')).toBeNull();
    expect(localInputToIso('not a date')).toBeNull();
    expect(localInputToIso('2026-11-02T08:15')).toBe(new Date('2026-11-02T08:15').toISOString());
  });
});
