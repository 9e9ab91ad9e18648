import { describe, expect, it } from 'vitest';
import { PERMISSIONS } from '@streamflow/schema';
import { prioritise, readsAny, shapesOf, startSyncLoop, type SyncPhase } from './shape-sync.ts';

/*
 * The loop's control flow without a server (shapes: none, so no catch-up runs);
 * tests/app-sync.test.ts runs it against the real sync-server.
 */

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('shape priorities', () => {
  it("puts a field worker's own work orders, then their customers first", () => {
    expect(prioritise(['time_entries', 'my_contacts', 'my_time_entries', 'my_work_orders', 'my_companies'])).toEqual([
      'my_work_orders',
      'my_contacts',
      'my_companies',
      'my_time_entries',
      'time_entries',
    ]);
    expect(prioritise(['leads', 'contacts', 'work_orders', 'companies', 'invoices'])).toEqual(['work_orders', 'contacts', 'companies', 'leads', 'invoices']);
  });
});

describe('the shapes a member syncs', () => {
  const owner = { id: 'u1', tenantId: 't1', roles: ['owner'], perms: [...PERMISSIONS] };
  it("leaves out the shapes of modules the plan has off, and nothing else", () => {
    const all = shapesOf(owner);
    expect(all).toEqual(expect.arrayContaining(['invoices', 'invoice_lines', 'payments', 'leads', 'work_orders']));
    const starter = shapesOf({ ...owner, modules: { invoicing: false, quotes: false, client_payments: false } });
    expect(starter).not.toContain('invoices');
    expect(all.filter((s) => !starter.includes(s)).sort()).toEqual(['invoice_lines', 'invoices', 'payment_requests', 'payments', 'quote_lines', 'quotes'].filter((s) => all.includes(s as never)).sort());
    // Unknown modules (a cached member from before /api/me sent them) change nothing.
    expect(shapesOf({ ...owner, modules: null })).toEqual(all);
  });
});

describe('which shapes a wake-up catches up', () => {
  it('the shapes of the tables the commits changed, and those whose WHERE reads them', () => {
    const changed = new Set(['work_orders']);
    expect(readsAny('work_orders', changed)).toBe(true);
    expect(readsAny('my_work_orders', changed)).toBe(true);
    // A worker's customers are chosen through their work orders.
    expect(readsAny('my_companies', changed)).toBe(true);
    expect(readsAny('companies', changed)).toBe(false);
    expect(readsAny('leads', changed)).toBe(false);
    expect(readsAny('leads', 'all')).toBe(true);
    expect(readsAny('leads', null)).toBe(false);
  });
});

describe('the sync loop', () => {
  it('makes no request while offline and starts when kicked back online', async () => {
    let online = false;
    const urls: string[] = [];
    const phases: SyncPhase[] = [];
    const fetchImpl: typeof fetch = async (url, init) => {
      urls.push(String(url));
      if (String(url).includes('after=')) {
        // A quiet long-poll: held until the loop stops.
        await new Promise((_, reject) => init?.signal?.addEventListener('abort', () => reject(new Error('aborted'))));
      }
      return json({ watermark: '10', changed: false });
    };
    const loop = startSyncLoop({} as never, { origin: 'http://server.test', shapes: [], fetch: fetchImpl, online: () => online, onPhase: (p) => phases.push(p) });
    await expect.poll(() => phases).toEqual(['offline']);
    await new Promise((r) => setTimeout(r, 50));
    expect(urls).toEqual([]);
    online = true;
    loop.kick();
    await expect.poll(() => phases.at(-1)).toBe('live');
    // One watermark read, then exactly one held long-poll.
    expect(urls).toEqual(['http://server.test/api/sync/wake', 'http://server.test/api/sync/wake?after=10']);
    loop.stop();
  });

  it('backs off with jitter on errors, reports them, and catches up again on a wake with a change', async () => {
    let n = 0;
    const urls: string[] = [];
    const events: string[] = [];
    const fetchImpl: typeof fetch = async (url, init) => {
      urls.push(String(url));
      n++;
      if (n === 1) return json({ error: { code: 'X', message: 'down' } }, 503);
      if (n === 2) return json({ watermark: '10' });
      if (n === 3) return json({ watermark: '12' }); // no `changed`: a moved watermark counts as a change
      await new Promise((_, reject) => init?.signal?.addEventListener('abort', () => reject(new Error('aborted'))));
      return json({});
    };
    const attempts: number[] = [];
    const loop = startSyncLoop({} as never, {
      origin: 'http://server.test',
      shapes: [],
      fetch: fetchImpl,
      online: () => true,
      backoff: (a) => (attempts.push(a), 1),
      onPhase: (p, d) => events.push(d ? `${p}:${d}` : p),
    });
    await expect.poll(() => urls.length).toBe(4);
    expect(attempts).toEqual([1]);
    expect(events).toEqual(['syncing', 'error:wake answered 503', 'syncing', 'live', 'syncing', 'live']);
    expect(urls.slice(1)).toEqual(['http://server.test/api/sync/wake', 'http://server.test/api/sync/wake?after=10', 'http://server.test/api/sync/wake?after=12']);
    loop();
  });

  it('waits for a kick after the session ended (401) instead of hammering the server', async () => {
    const urls: string[] = [];
    const phases: string[] = [];
    const loop = startSyncLoop({} as never, {
      origin: 'http://server.test',
      shapes: [],
      online: () => true,
      fetch: async (url) => (urls.push(String(url)), json({ error: {} }, 401)),
      onPhase: (p, d) => phases.push(`${p}:${d ?? ''}`),
    });
    await expect.poll(() => phases.at(-1)).toBe('error:signed out');
    await new Promise((r) => setTimeout(r, 50));
    expect(urls).toHaveLength(1);
    loop.kick();
    await expect.poll(() => urls.length).toBe(2);
    loop.stop();
  });

  it('a kick that comes while a request is failing (back online) is not lost: no long back-off follows', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const urls: string[] = [];
    const loop = startSyncLoop({} as never, {
      origin: 'http://server.test',
      shapes: [],
      online: () => true,
      backoff: () => 3_600_000,
      fetch: async (url, init) => {
        urls.push(String(url));
        if (urls.length === 1) {
          await gate;
          throw new TypeError('Failed to fetch');
        }
        if (String(url).includes('after=')) await new Promise((_, reject) => init?.signal?.addEventListener('abort', () => reject(new Error('aborted'))));
        return json({ watermark: '1' });
      },
    });
    await expect.poll(() => urls.length).toBe(1);
    loop.kick();
    release();
    await expect.poll(() => urls.length).toBe(3);
    loop.stop();
  });
});
