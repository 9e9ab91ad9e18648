/*
 * Devices against the real server: the app's local store (app/src/local-db)
 * and uploader (app/src/sync) on in-memory PGlite, posting to the real
 * sync-server app on a migrated PGlite. The synced tables are filled from
 * the server's rows here, standing in for the shape stream this suite does
 * not exercise (the shape engine has its own conformance suite).
 */
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildClientDdl } from '../app/src/local-db/ddl.ts';
import { listSyncIssues, resolveConflict, discardChange } from '../app/src/sync/sync-issues.ts';
import { flushOnce } from '../app/src/sync/uploader.ts';
import type { Database } from '../sync-server/src/db/types.ts';
import { seedDemo } from '../sync-server/src/seed/demo.ts';
import { buildTestApp } from '../sync-server/src/testing/app.ts';
import { signIn, type SignedIn } from '../sync-server/src/testing/auth.ts';
import { createTestPglite } from '../sync-server/src/testing/db.ts';

describe('devices syncing through the write API', () => {
  let db: Database;
  let t: ReturnType<typeof buildTestApp>;
  let owner: SignedIn;
  let leadId: string;

  const serverLead = async () =>
    (await db.rows<Record<string, unknown>>(sql`select * from leads where id = ${leadId}`))[0] ?? {};

  /** A device: its local store, with the lead pulled as the shape stream would deliver it. */
  async function device(): Promise<PGlite> {
    const pg = await PGlite.create();
    for (const stmt of buildClientDdl()) await pg.exec(stmt);
    await pull(pg);
    return pg;
  }

  /** Stands in for the shape stream: upserts the server's current row into leads_synced. */
  async function pull(pg: PGlite): Promise<void> {
    const row = await serverLead();
    await pg.query('delete from leads_synced where id = $1', [leadId]);
    await pg.query(
      `insert into leads_synced (id, org_id, created_at, updated_at, updated_by, write_id, name, email, phone, status, score, value, custom)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [row.id, row.org_id, row.created_at, row.updated_at, row.updated_by, row.write_id, row.name, row.email, row.phone, row.status, row.score, row.value, JSON.stringify(row.custom)],
    );
  }

  const upload = (pg: PGlite, fetchImpl?: typeof fetch) =>
    flushOnce({ pg, baseUrl: '', headers: owner.headers, fetch: fetchImpl ?? ((url, init) => Promise.resolve(t.app.request(String(url), init))) });

  beforeAll(async () => {
    db = await createTestPglite();
    await seedDemo(db);
    t = buildTestApp(db);
    owner = await signIn(t.app, 'owner@acme.test');
    const [row] = await db.rows<{ id: string }>(sql`select l.id from leads l join organization o on o.id = l.org_id where o.slug = 'acme' limit 1`);
    leadId = row?.id ?? '';
    await db.rows(sql`update leads set phone = '100', status = 'new', value = '100.00' where id = ${leadId}`);
  });
  afterAll(async () => {
    await db.close();
  });

  it('merges offline edits of different fields from two devices, and clears each overlay when its row returns', async () => {
    const [a, b] = await Promise.all([device(), device()]);
    await a.query(`update leads set phone = '200', value = '250.50' where id = $1`, [leadId]);
    await a.query(`update leads set phone = '201' where id = $1`, [leadId]);
    await b.query(`update leads set status = 'qualified' where id = $1`, [leadId]);
    expect((await upload(a)).kind).toBe('sent');
    expect((await upload(b)).kind).toBe('sent');
    expect(await serverLead()).toMatchObject({ phone: '201', status: 'qualified', value: '250.50' });
    for (const pg of [a, b]) {
      expect((await upload(pg)).kind).toBe('idle');
      await pull(pg);
      expect((await pg.query('select * from leads_local')).rows).toEqual([]);
      expect((await pg.query<{ phone: string; status: string }>('select phone, status from leads')).rows).toEqual([{ phone: '201', status: 'qualified' }]);
    }
  });

  it('survives a lost response: the retry answers from the stored response and applies once', async () => {
    const a = await device();
    await a.query(`update leads set score = score + 5 where id = $1`, [leadId]);
    const before = Number((await serverLead()).score);
    const lossy: typeof fetch = async (url, init) => {
      await t.app.request(String(url), init); // the server commits...
      throw new TypeError('network connection lost'); // ...but the answer never arrives
    };
    expect((await upload(a, lossy)).kind).toBe('offline');
    const [{ count } = { count: 0 }] = (await a.query<{ count: number }>('select count(*)::int as count from outbox')).rows;
    expect(count).toBe(1);
    expect((await upload(a)).kind).toBe('sent');
    expect(Number((await serverLead()).score)).toBe(before + 5);
    expect((await a.query('select * from outbox')).rows).toEqual([]);
  });

  it('shows a same-field conflict on the second device and converges after "keep mine"', async () => {
    const [a, b] = await Promise.all([device(), device()]);
    await a.query(`update leads set phone = '300' where id = $1`, [leadId]);
    await b.query(`update leads set phone = '400' where id = $1`, [leadId]);
    await upload(a);
    const sent = await upload(b);
    expect(sent.kind === 'sent' && sent.results[0]?.status).toBe('conflict');
    const [issue] = await listSyncIssues(b);
    expect(issue).toMatchObject({ table: 'leads', rowId: leadId, status: 'conflict' });
    expect(issue?.result.conflicts).toEqual([{ field: 'phone', base: '201', mine: '400', theirs: '300' }]);
    expect((await b.query<{ local_state: string }>('select local_state from leads')).rows[0]?.local_state).toBe('conflict');

    await resolveConflict(b, issue?.mutationId ?? '', { phone: { keep: 'mine' } });
    expect((await upload(b)).kind).toBe('sent');
    expect((await serverLead()).phone).toBe('400');
    await pull(a);
    await pull(b);
    for (const pg of [a, b]) {
      expect((await pg.query<{ phone: string; local_state: string | null }>('select phone, local_state from leads')).rows).toEqual([
        { phone: '400', local_state: null },
      ]);
    }
  });

  it('"take theirs" drops the local change without sending anything', async () => {
    const [a, b] = await Promise.all([device(), device()]);
    await a.query(`update leads set phone = '500' where id = $1`, [leadId]);
    await b.query(`update leads set phone = '600' where id = $1`, [leadId]);
    await upload(a);
    await upload(b);
    const [issue] = await listSyncIssues(b);
    await resolveConflict(b, issue?.mutationId ?? '', { phone: { keep: 'theirs' } });
    expect((await upload(b)).kind).toBe('idle');
    await pull(b);
    expect((await b.query<{ phone: string }>('select phone from leads')).rows[0]?.phone).toBe('500');
    expect((await b.query('select * from leads_local')).rows).toEqual([]);
  });

  it('keeps a rejected change visible with its reason until it is discarded', async () => {
    const a = await device();
    await a.query(`update leads set email = 'not-an-email' where id = $1`, [leadId]);
    await upload(a);
    const [issue] = await listSyncIssues(a);
    expect(issue).toMatchObject({ status: 'rejected', result: { code: 'INVALID' } });
    expect((await a.query<{ email: string }>('select email from leads')).rows[0]?.email).toBe('not-an-email');
    await discardChange(a, issue?.mutationId ?? '');
    expect(await listSyncIssues(a)).toEqual([]);
    expect((await a.query<{ email: string }>('select email from leads')).rows[0]?.email).toBe((await serverLead()).email);
  });
});
