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

describe('the upload loop while offline', () => {
  const okFetch = (sent: string[]): typeof fetch => async (_url, init) => {
    const body = JSON.parse(String(init?.body)) as { mutations: { id: string }[] };
    sent.push(...body.mutations.map((m) => m.id));
    return new Response(JSON.stringify({ txid: '1', results: body.mutations.map((m) => ({ id: m.id, status: 'applied' })) }), { status: 200 });
  };

  it('makes no request while the browser is offline, resumes on a forced kick (back online)', async () => {
    const pg = await PGlite.create();
    for (const stmt of buildClientDdl()) await pg.exec(stmt);
    await pg.query(`insert into leads (name, status) values ('Made offline', 'new')`);
    let online = false;
    const sent: string[] = [];
    let calls = 0;
    const fetchImpl: typeof fetch = (url, init) => (calls++, okFetch(sent)(url, init));
    const outcomes: string[] = [];
    const loop = startUploader({ pg, baseUrl: 'http://server.test', fetch: fetchImpl, online: () => online, onOutcome: (o) => outcomes.push(o.kind) });
    await loop.idle();
    expect(outcomes).toEqual(['paused']);
    // A local write while offline (plain kick) stays paused.
    await pg.query(`insert into leads (name, status) values ('Also offline', 'new')`);
    loop.kick();
    await loop.idle();
    expect(calls).toBe(0);
    online = true;
    loop.kick(true);
    await expect.poll(async () => (await pg.query<{ n: number }>(`select count(*)::int as n from outbox`)).rows[0]?.n).toBe(0);
    expect(sent).toHaveLength(2);
    loop.stop();
    await pg.close();
  });

  it('backs off on 5xx with jitter and a forced kick ("upload now") ends the back-off', async () => {
    const pg = await PGlite.create();
    for (const stmt of buildClientDdl()) await pg.exec(stmt);
    await pg.query(`insert into leads (name, status) values ('Server trouble', 'new')`);
    let failing = true;
    const sent: string[] = [];
    const keys: string[] = [];
    const fetchImpl: typeof fetch = async (url, init) => {
      keys.push(String(new Headers(init?.headers).get('idempotency-key')));
      if (failing) return new Response('{}', { status: 503 });
      return okFetch(sent)(url, init);
    };
    const waits: number[] = [];
    const loop = startUploader({
      pg,
      baseUrl: 'http://server.test',
      fetch: fetchImpl,
      online: () => true,
      backoff: (n) => (waits.push(n), 3_600_000),
    });
    await expect.poll(() => waits.length).toBe(1);
    loop.kick(); // a plain kick does not cut a server back-off short
    await new Promise((r) => setTimeout(r, 50));
    expect(keys).toHaveLength(1);
    failing = false;
    loop.kick(true);
    await expect.poll(() => sent.length).toBe(1);
    // The retry is the same batch under the same Idempotency-Key.
    expect(new Set(keys).size).toBe(1);
    loop.stop();
    await pg.close();
  });
});
