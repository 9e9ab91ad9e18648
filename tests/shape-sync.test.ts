/*
 * The app's sync layer (app/src/sync/shape-sync.ts) against the real app over a
 * real port: the official pglite-sync into the app's local store, caught up
 * without live long-polls and woken by /api/sync/wake.
 */
import { PGlite } from '@electric-sql/pglite';
import { electricSync } from '@electric-sql/pglite-sync';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildClientDdl } from '../app/src/local-db/ddl.ts';
import { catchUpShapes, startSyncLoop } from '../app/src/sync/shape-sync.ts';
import type { Database } from '../sync-server/src/db/types.ts';
import { seedDemo } from '../sync-server/src/seed/demo.ts';
import { buildTestApp } from '../sync-server/src/testing/app.ts';
import { signIn, type SignedIn } from '../sync-server/src/testing/auth.ts';
import { createTestPglite } from '../sync-server/src/testing/db.ts';
import { listenOnLoopback } from '../sync-server/src/testing/listen.ts';
import { mutation, postWrite } from '../sync-server/src/testing/mutations.ts';
import { clientRows, eventually } from '../sync-server/src/shapes/test-client.ts';
import { serverRows } from '../sync-server/src/shapes/test-support.ts';

describe('the app syncing shapes into its local store', () => {
  let db: Database;
  let t: ReturnType<typeof buildTestApp>;
  let server: Awaited<ReturnType<typeof listenOnLoopback>> | undefined;
  let origin: string;
  let owner: SignedIn;

  const device = async () => {
    const pg = await PGlite.create({ extensions: { sync: electricSync() } });
    for (const stmt of buildClientDdl()) await pg.exec(stmt);
    return pg;
  };
  const count = async (pg: PGlite, table: string) => (await pg.query<{ n: number }>(`select count(*)::int as n from ${table}`)).rows[0]?.n ?? -1;
  const acmeLeads = async () => (await db.rows<{ n: number }>(sql`select count(*)::int as n from leads l join organization o on o.id = l.org_id where o.slug = 'acme'`))[0]?.n ?? -2;

  beforeAll(async () => {
    db = await createTestPglite();
    await seedDemo(db);
    t = buildTestApp(db, { env: { SHAPE_LIVE_TIMEOUT_MS: '1000' } });
    server = await listenOnLoopback(t.app.fetch);
    origin = server.origin;
    owner = await signIn(t.app, 'owner@acme.test');
  });
  afterAll(async () => {
    await t?.shapes.close();
    await server?.close();
    await db?.close();
  });

  it('catches shapes up into <table>_synced, visible through the views, and resumes without a new snapshot', async () => {
    const pg = await device();
    const requests: string[] = [];
    const tracking: typeof fetch = (input, init) => {
      requests.push(String(input instanceof Request ? input.url : input));
      return fetch(input, init);
    };
    const opts = { origin, shapes: ['leads', 'companies'] as const, headers: { authorization: `Bearer ${owner.token}` }, fetch: tracking };
    await catchUpShapes(pg as never, { ...opts, shapes: [...opts.shapes] });
    expect(await count(pg, 'leads')).toBe(await acmeLeads());
    expect(await count(pg, 'companies')).toBeGreaterThan(0);

    await postWrite(t.app, owner.headers, [mutation.insert('leads', { id: crypto.randomUUID(), name: 'After the snapshot' })]);
    requests.length = 0;
    await catchUpShapes(pg as never, { ...opts, shapes: [...opts.shapes] });
    expect(await count(pg, 'leads')).toBe(await acmeLeads());
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((u) => u.includes('offset=-1'))).toEqual([]);
    await pg.close();
  });

  it('wakes on a commit of the tenant and brings the change in, with one long-poll', async () => {
    const pg = await device();
    const phases: string[] = [];
    const stop = startSyncLoop(pg as never, { origin, shapes: ['leads'], headers: { authorization: `Bearer ${owner.token}` }, onPhase: (p) => phases.push(p) });
    try {
      await eventually(async () => phases.includes('live'), 10_000, 'first catch-up');
      const id = crypto.randomUUID();
      await postWrite(t.app, owner.headers, [mutation.insert('leads', { id, name: 'Wakes the device' })]);
      await eventually(async () => (await pg.query('select 1 from leads where id = $1', [id])).rows.length === 1, 10_000, 'the new lead');
    } finally {
      stop();
      await pg.close();
    }
  });

  it('keeps custom jsonb fields and odd texts exact through the csv first load and through later changes', async () => {
    const pg = await device();
    const [acme] = await db.rows<{ id: string }>(sql`select id from organization where slug = 'acme'`);
    const org = acme?.id ?? '';
    const customs = [
      { note: 'comma, "quote" and\nnewline', nested: { list: [1, null, { deep: 'é 中文 😀' }], flag: false }, none: null },
      { 'key, "odd"': '\\N', cr: 'a\rb', empty: '', tab: '\t' },
      {},
    ];
    const texts = ['carriage\rreturn', '\\N', 'comma, "quote" and\nnewline', ' padded ', 'unicode é 中文 😀'];
    const leadIds = texts.map(() => crypto.randomUUID());
    const companyIds = customs.map(() => crypto.randomUUID());
    const w = await postWrite(t.app, owner.headers, [
      ...leadIds.map((id, i) => mutation.insert('leads', { id, name: texts[i], notes: texts[(i + 1) % texts.length], custom: customs[i % customs.length] })),
      ...companyIds.map((id, i) => mutation.insert('companies', { id, name: `Odd ${i}`, address: texts[i], custom: customs[i] })),
    ]);
    expect(w.body.results.map((r) => r.status)).toEqual([...leadIds, ...companyIds].map(() => 'applied'));
    const same = async (table: 'leads' | 'companies') => {
      const local = await clientRows(pg, `${table}_synced`);
      const server = await serverRows(db, table, sql`org_id = ${org}`);
      expect(local).toEqual(server);
    };
    const opts = { origin, shapes: ['leads', 'companies'] as const, headers: { authorization: `Bearer ${owner.token}` } };
    // The first catch-up of a device loads each snapshot with the csv method (one COPY).
    await catchUpShapes(pg as never, { ...opts, shapes: [...opts.shapes] });
    await same('leads');
    await same('companies');
    const local = await pg.query<{ custom: unknown; notes: string | null }>('select custom, notes from leads_synced where id = $1', [leadIds[0]]);
    expect(local.rows[0]).toEqual({ custom: customs[0], notes: '\\N' });

    // Later changes arrive as INSERTs and UPDATEs with parameters.
    const more = crypto.randomUUID();
    const w2 = await postWrite(t.app, owner.headers, [
      mutation.insert('leads', { id: more, name: 'later\rinsert', custom: customs[1] }),
      mutation.update('companies', companyIds[2] ?? '', { custom: customs[0], address: '\\N' }, { custom: customs[2], address: texts[2] }),
      mutation.update('leads', leadIds[1] ?? '', { notes: 'updated\r', custom: { swapped: customs[1] } }, { notes: texts[2], custom: customs[1] }),
    ]);
    expect(w2.body.results.map((r) => r.status)).toEqual(['applied', 'applied', 'applied']);
    await catchUpShapes(pg as never, { ...opts, shapes: [...opts.shapes] });
    await same('leads');
    await same('companies');
    await pg.close();
  });
});
