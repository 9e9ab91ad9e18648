import type { PGliteWithSync } from '@electric-sql/pglite-sync';
import { SHAPES, type ShapeName } from '@streamflow/shapes';

/*
 * Shapes into the local database within the browser's connection budget
 * (six HTTP/1.1 connections per origin; docs/sync.md). Instead of one live
 * long-poll per shape, the leader holds ONE long-poll on /api/sync/wake and,
 * when a commit of its tenant lands, catches every shape up with ordinary
 * non-live requests, at most `concurrency` at a time.
 *
 * How a shape is caught up and resumed (read in @electric-sql/client and
 * pglite-sync sources): `ShapeStream` with `subscribe: false` stops after the
 * first up-to-date; pglite-sync commits the rows of each up-to-date together
 * with the stream's handle and offset in `electric.subscriptions_metadata`
 * (keyed by `shapeKey`), and a later `syncShapeToTable` with the same key
 * resumes from there: no re-download on reload, no duplicate on resume.
 * A must-refetch empties only `<table>_synced`; pending local changes live in
 * `<table>_local` and the outbox and are never touched.
 */

export interface ShapeSyncOptions {
  /** Origin of sync-server, e.g. `https://app.example.com`. */
  origin: string;
  shapes: readonly ShapeName[];
  concurrency?: number;
  fetch?: typeof fetch;
  headers?: Record<string, string>;
}

/** The local table a shape fills. */
export const syncedTableOf = (name: ShapeName) => `${SHAPES[name].table}_synced`;

/** Brings one shape up to date and stops. */
async function catchUpOne(pg: PGliteWithSync, name: ShapeName, opts: ShapeSyncOptions): Promise<void> {
  let fail: (err: Error) => void = () => {};
  const failed = new Promise<never>((_, reject) => (fail = reject));
  const sub = await pg.sync.syncShapeToTable({
    shape: {
      url: `${opts.origin}/v1/shape`,
      params: { table: name },
      subscribe: false,
      ...(opts.fetch ? { fetchClient: opts.fetch } : {}),
      ...(opts.headers ? { headers: opts.headers } : {}),
    },
    table: syncedTableOf(name),
    primaryKey: ['id'],
    shapeKey: name,
    initialInsertMethod: 'json',
    onError: (err) => fail(err),
  });
  try {
    await Promise.race([
      failed,
      new Promise<void>((resolve) => {
        if (sub.isUpToDate) return resolve();
        const off = sub.stream.subscribe(() => {
          if (sub.isUpToDate) {
            off();
            resolve();
          }
        });
      }),
    ]);
    // pglite-sync commits after it has processed the up-to-date message, storing the stream's offset
    // with the rows; unsubscribing before that would drop the batch. Wait until the stored offset is
    // the stream's.
    const target = sub.stream.lastOffset;
    const until = Date.now() + 60_000;
    for (;;) {
      const stored = await pg.query<{ offset: string | null }>(
        `SELECT shape_metadata->'shape'->>'offset' AS "offset" FROM electric.subscriptions_metadata WHERE key = $1`,
        [name],
      );
      if (stored.rows[0]?.offset === target) break;
      if (Date.now() > until) throw new Error(`shape ${name}: the local commit did not happen`);
      await Promise.race([failed, new Promise((r) => setTimeout(r, 20))]);
    }
  } finally {
    sub.unsubscribe();
  }
}

/** Catches every shape up (priority order as given), `concurrency` at a time. */
export async function catchUpShapes(pg: PGliteWithSync, opts: ShapeSyncOptions): Promise<void> {
  const queue = [...opts.shapes];
  const errors: unknown[] = [];
  await Promise.all(
    Array.from({ length: Math.min(opts.concurrency ?? 3, queue.length) }, async () => {
      for (let name = queue.shift(); name; name = queue.shift()) {
        try {
          await catchUpOne(pg, name, opts);
        } catch (err) {
          errors.push(err);
        }
      }
    }),
  );
  if (errors.length) throw errors[0];
}

/** Worker-facing slice first: a field worker's own work orders and customers before the rest. */
export function prioritise(shapes: readonly ShapeName[]): ShapeName[] {
  const rank = (n: ShapeName) => (n === 'my_work_orders' ? 0 : n === 'my_companies' || n === 'my_contacts' ? 1 : n.startsWith('my_') ? 2 : 3);
  return [...shapes].sort((a, b) => rank(a) - rank(b));
}

export interface SyncLoopEvents {
  onPhase?: (phase: 'syncing' | 'live' | 'offline' | 'error', detail?: string) => void;
}

/**
 * The leader's sync loop: catch up, then wait on /api/sync/wake and catch up
 * again whenever the tenant changes. Network errors back off with jitter;
 * 401 stops the loop (the session ended). Returns a stop function.
 */
export function startSyncLoop(pg: PGliteWithSync, opts: ShapeSyncOptions & SyncLoopEvents): () => void {
  const doFetch = opts.fetch ?? fetch;
  const controller = new AbortController();
  let stopped = false;
  const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
  void (async () => {
    let watermark: string | null = null;
    let attempt = 0;
    let dirty = true;
    while (!stopped) {
      try {
        if (dirty) {
          opts.onPhase?.('syncing');
          // Read the watermark first: a commit between it and the catch-up wakes us again.
          if (watermark === null) watermark = await wake(doFetch, opts, null, controller.signal).then((w) => w.watermark);
          await catchUpShapes(pg, opts);
          dirty = false;
        }
        opts.onPhase?.('live');
        const w = await wake(doFetch, opts, watermark, controller.signal);
        watermark = w.watermark;
        dirty = w.changed;
        attempt = 0;
      } catch (err) {
        if (stopped) return;
        if (err instanceof SessionEnded) {
          opts.onPhase?.('error', 'signed out');
          return;
        }
        opts.onPhase?.((globalThis as { navigator?: { onLine?: boolean } }).navigator?.onLine === false ? 'offline' : 'error', String(err));
        dirty = true;
        attempt += 1;
        await sleep(Math.floor(Math.random() * Math.min(30_000, 500 * 2 ** Math.min(attempt, 6))));
      }
    }
  })();
  return () => {
    stopped = true;
    controller.abort();
  };
}

class SessionEnded extends Error {}

async function wake(doFetch: typeof fetch, opts: ShapeSyncOptions, after: string | null, signal: AbortSignal): Promise<{ watermark: string; changed: boolean }> {
  const url = `${opts.origin}/api/sync/wake${after === null ? '' : `?after=${encodeURIComponent(after)}`}`;
  const res = await doFetch(url, { signal, headers: opts.headers, credentials: 'same-origin' });
  if (res.status === 401) throw new SessionEnded('session ended');
  if (!res.ok) throw new Error(`wake answered ${res.status}`);
  return (await res.json()) as { watermark: string; changed: boolean };
}
