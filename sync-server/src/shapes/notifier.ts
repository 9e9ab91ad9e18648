import postgres from 'postgres';
import { sql } from 'drizzle-orm';
import type { PGlite } from '@electric-sql/pglite';
import type { Database } from '../db/types.ts';
import type { Logger } from '../logger.ts';

/** The channel the commit trigger notifies: payload `<lsn>:<org>,<org>...` (docs/sync.md). */
export const SHAPES_CHANNEL = 'streamflow_shapes';

type Wake = (watermark: bigint) => void;

/** Waiters not bound to one tenant (the trusted upstream mode) wake on every commit. */
export const ANY_TENANT = '*';

/**
 * Knows the newest committed lsn (the watermark) and wakes live requests
 * when a commit touches their tenant. Wake-ups come from LISTEN/NOTIFY (on
 * Postgres a dedicated connection, so every sync-server instance on the
 * database wakes; on PGlite its in-process listener) and from a slow poll of
 * the watermark that covers a lost notification.
 */
export function createNotifier(db: Database, logger: Logger, opts: { pollMs: number }) {
  let watermark = -1n;
  const waiters = new Map<string, Set<Wake>>();
  let stopListen: (() => Promise<void>) | null = null;
  let timer: NodeJS.Timeout | null = null;
  let started: Promise<void> | null = null;

  async function readWatermark(): Promise<bigint> {
    const [r] = await db.rows<{ w: string }>(sql`select coalesce(max(lsn), 0)::text as w from sync_commits`);
    return BigInt(r?.w ?? '0');
  }

  function advance(to: bigint, orgs: string[] | null): void {
    if (to <= watermark) return;
    watermark = to;
    const targets = orgs ? [...orgs, ANY_TENANT] : [...waiters.keys()];
    for (const org of targets) {
      const set = waiters.get(org);
      if (!set) continue;
      waiters.delete(org);
      for (const wake of set) wake(to);
    }
  }

  function onPayload(payload: string): void {
    const [lsn, orgs] = payload.split(':');
    if (!lsn || !/^\d+$/.test(lsn)) return;
    // Everything below a notified lsn is visible (lsns commit as a prefix).
    advance(BigInt(lsn), orgs ? orgs.split(',') : null);
  }

  async function listen(): Promise<void> {
    if (db.kind === 'pglite') {
      const client = (db.orm as unknown as { $client: PGlite }).$client;
      const unsub = await client.listen(SHAPES_CHANNEL, onPayload);
      stopListen = async () => unsub();
      return;
    }
    if (!db.url) return;
    const listener = postgres(db.url, { max: 1, onnotice: () => {} });
    await listener.listen(SHAPES_CHANNEL, onPayload);
    stopListen = () => listener.end({ timeout: 2 });
  }

  async function poll(): Promise<void> {
    try {
      advance(await refresh(), null);
    } catch (err) {
      logger.warn('shapes.poll_failed', { err });
    }
  }

  async function refresh(): Promise<bigint> {
    const w = await readWatermark();
    return w;
  }

  return {
    /** Starts listening (idempotent); resolves when the watermark is known. */
    start(): Promise<void> {
      started ??= (async () => {
        await listen();
        advance(await readWatermark(), null);
        if (watermark < 0n) watermark = 0n;
        timer = setInterval(() => void poll(), opts.pollMs);
        timer.unref();
      })();
      return started;
    },
    get watermark(): bigint {
      return watermark;
    },
    /** Reads the watermark from the database now (and wakes waiters if it moved). */
    async refresh(): Promise<bigint> {
      const w = await readWatermark();
      advance(w, null);
      return watermark;
    },
    /** Resolves with the new watermark when a commit of this tenant lands, or null after `ms`. */
    wait(orgId: string, ms: number, signal?: AbortSignal): Promise<bigint | null> {
      return new Promise((resolve) => {
        let set = waiters.get(orgId);
        if (!set) {
          set = new Set();
          waiters.set(orgId, set);
        }
        const done = (w: bigint | null) => {
          clearTimeout(t);
          signal?.removeEventListener('abort', onAbort);
          const s = waiters.get(orgId);
          s?.delete(wake);
          if (s?.size === 0) waiters.delete(orgId);
          resolve(w);
        };
        const wake: Wake = (w) => done(w);
        const onAbort = () => done(null);
        const t = setTimeout(() => done(null), ms);
        set.add(wake);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
    /** Live requests waiting right now. */
    get waiting(): number {
      let n = 0;
      for (const s of waiters.values()) n += s.size;
      return n;
    },
    async close(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = null;
      for (const set of waiters.values()) for (const wake of set) wake(watermark);
      waiters.clear();
      if (stopListen) await stopListen();
      stopListen = null;
    },
  };
}

export type Notifier = ReturnType<typeof createNotifier>;
