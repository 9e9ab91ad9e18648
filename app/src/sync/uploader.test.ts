import { PGlite } from '@electric-sql/pglite';
import { describe, expect, it } from 'vitest';
import { buildClientDdl } from '../local-db/ddl.ts';
import { startUploader } from './uploader.ts';

describe('the upload loop', () => {
  it('ends a network back-off when kicked (back online) instead of sleeping it out', async () => {
    const pg = await PGlite.create();
    for (const stmt of buildClientDdl()) await pg.exec(stmt);
    await pg.query(`insert into leads (name, status) values ('Offline lead', 'new')`);
    let online = false;
    const sent: string[] = [];
    const fakeFetch: typeof fetch = async (_url, init) => {
      if (!online) throw new TypeError('Failed to fetch');
      const body = JSON.parse(String(init?.body)) as { mutations: { id: string }[] };
      sent.push(...body.mutations.map((m) => m.id));
      return new Response(JSON.stringify({ txid: '1', results: body.mutations.map((m) => ({ id: m.id, status: 'applied' })) }), { status: 200, headers: { 'content-type': 'application/json' } });
    };
    const outcomes: string[] = [];
    // A back-off that would never end by itself: only a kick can move the loop on.
    const loop = startUploader({ pg, baseUrl: 'http://server.test', fetch: fakeFetch, sleep: () => new Promise(() => {}), onOutcome: (o) => outcomes.push(o.kind) });
    await expect.poll(() => outcomes.includes('offline')).toBe(true);
    expect(sent).toEqual([]);
    online = true;
    loop.kick();
    await expect.poll(async () => (await pg.query<{ n: number }>(`select count(*)::int as n from outbox`)).rows[0]?.n).toBe(0);
    expect(sent).toHaveLength(1);
    loop.stop();
    await pg.close();
  });
});
