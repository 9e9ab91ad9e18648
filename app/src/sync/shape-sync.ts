import type { PGliteWithSync } from '@electric-sql/pglite-sync';
import { moduleOfTable, type ModuleKey, type Permission } from '@streamflow/schema';
import { LOCAL_INITIAL_INSERT_METHOD, SHAPES, localStoreParser, shapesFor, type ShapeName } from '@streamflow/shapes';

/*
 * Shapes into the local database within the browser's connection budget
 * (six HTTP/1.1 connections per origin; docs/sync.md). Instead of one live
 * long-poll per shape, the leader holds ONE long-poll on /api/sync/wake and,
 * when a commit of its tenant lands, catches every shape up with ordinary
 * non-live requests, at most `concurrency` (3) at a time. Worst case per
 * origin: 1 wake + 3 catch-ups + the uploader's POST = 5 < 6, and only in the
 * leader tab (PGlite's worker runs `init`, hence this loop, in one tab only).
 *
 * What the installed sources say (read in node_modules, versions in STACK.md):
 *
 * @electric-sql/client 1.5.28 (dist/chunk-*.mjs, `requestShape_fn`):
 *   - `subscribe: false` makes the ShapeStream stop requesting once its sync
 *     state is up-to-date: it never issues a `live=true` request. That is the
 *     "run to up-to-date" mode.
 *   - `offset` + `handle` in the options start the stream from there (resume).
 *   - Network errors and 5xx/429 are retried by `createFetchWithBackoff` with
 *     `maxRetries: Infinity` by default. We pass a small `maxRetries` so a
 *     catch-up fails fast when the network is gone; this loop owns the
 *     back-off and the offline pause. Other 4xx (401, 403) throw at once.
 *
 * @electric-sql/pglite-sync 0.6.1 (dist/index.js, `syncShapesToTables`):
 *   - With a `shapeKey`, it reads `electric.subscriptions_metadata` (key,
 *     shape_metadata {handle, offset}, last_lsn) at subscribe time and passes
 *     handle and offset to the stream: a later `syncShapeToTable` with the
 *     same key resumes where the last committed batch ended (no re-download).
 *   - Messages are buffered per lsn; on an up-to-date whose
 *     `global_last_seen_lsn` is above the stored `last_lsn`, it commits ONE
 *     transaction: the rows, and the new handle/offset/last_lsn. If the
 *     up-to-date is not above the stored last_lsn nothing is committed (and
 *     nothing needs to be). So a catch-up is complete when the stored
 *     last_lsn ≥ the last up-to-date's lsn, or the stored offset is the
 *     stream's.
 *   - The commit runs un-awaited from the stream's subscriber, and
 *     `unsubscribe()` during it ROLLS IT BACK. Hence we wait for the stored
 *     state before unsubscribing (unsubscribing at the up-to-date message
 *     dropped the batch).
 *   - must-refetch: it clears the buffer and, in the same transaction as the
 *     refetched rows, runs `DELETE FROM "<table>"` (or `onMustRefetch(tx)`).
 *     That table is `<t>_synced` only. Pending local changes live in
 *     `<t>_local` and `outbox`; the `<t>_synced_arrived` DELETE trigger
 *     (local-db/ddl.ts) removes a local row only if it is a pending delete with
 *     no outbox entry, which a pending change never is, so they survive
 *     (tested in shape-sync.test.ts).
 */

export interface ShapeSyncOptions {
  /** Origin of sync-server, e.g. `https://app.example.com` ('' in tests is not allowed: needs an absolute URL). */
  origin: string;
  shapes: readonly ShapeName[];
  /** Catch-ups running at once (default 3; with the wake long-poll and an upload that is 5 of the 6 connections). */
  concurrency?: number;
  fetch?: typeof fetch;
  headers?: Record<string, string>;
  /** Aborts running catch-ups (the loop's stop). */
  signal?: AbortSignal;
  /** Retries of one request inside the shape client before a catch-up gives up (default 2). */
  maxRetries?: number;
}

/** The local table a shape fills. */
export const syncedTableOf = (name: ShapeName) => `${SHAPES[name].table}_synced`;

/** An HTTP answer that will not change by retrying (401, 403, 400...). */
export class ShapeRefused extends Error {
  constructor(
    readonly shape: ShapeName,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const statusOf = (err: unknown): number | undefined => {
  const s = (err as { status?: unknown } | null)?.status;
  return typeof s === 'number' ? s : undefined;
};

/** Brings one shape up to date, commits it locally with its resume state, and stops. */
export async function catchUpOne(pg: PGliteWithSync, name: ShapeName, opts: ShapeSyncOptions): Promise<void> {
  let fail: (err: Error) => void = () => {};
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => {});
  const stop = new AbortController();
  const onOuterAbort = () => stop.abort();
  opts.signal?.addEventListener('abort', onOuterAbort, { once: true });
  let upToDateLsn: bigint | null = null;
  const sub = await pg.sync.syncShapeToTable({
    shape: {
      url: `${opts.origin}/v1/shape`,
      params: { table: name },
      // json/jsonb stay their text and odd texts are CSV-safe, so the csv initial insert is exact (shapes/src/local-store.ts).
      parser: localStoreParser,
      subscribe: false,
      signal: stop.signal,
      backoffOptions: { initialDelay: 200, maxDelay: 2_000, multiplier: 2, maxRetries: opts.maxRetries ?? 2 },
      ...(opts.fetch ? { fetchClient: opts.fetch } : {}),
      ...(opts.headers ? { headers: opts.headers } : {}),
    },
    table: syncedTableOf(name),
    primaryKey: ['id'],
    shapeKey: name,
    // One COPY for a first snapshot (a fifth less CPU than json_to_recordset); later batches are plain INSERTs.
    initialInsertMethod: LOCAL_INITIAL_INSERT_METHOD,
    onError: (err) => {
      const status = statusOf(err);
      fail(status !== undefined && status >= 400 && status < 500 && status !== 429 ? new ShapeRefused(name, status, `shape ${name}: ${status}`) : err);
    },
  });
  try {
    await Promise.race([
      failed,
      new Promise<void>((resolve) => {
        const off = sub.stream.subscribe((messages) => {
          for (const m of messages) {
            const h = m.headers as { control?: string; global_last_seen_lsn?: string };
            if (h.control === 'up-to-date' && typeof h.global_last_seen_lsn === 'string') upToDateLsn = BigInt(h.global_last_seen_lsn);
          }
          if (sub.isUpToDate) {
            off();
            resolve();
          }
        });
        if (sub.isUpToDate) {
          off();
          resolve();
        }
      }),
    ]);
    // Wait for pglite-sync's own commit of this batch (see the note at the top).
    const target = sub.stream.lastOffset;
    const until = Date.now() + 60_000;
    for (;;) {
      const stored = await pg.query<{ offset: string | null; last_lsn: string | null }>(
        `SELECT shape_metadata->'shape'->>'offset' AS "offset", last_lsn FROM electric.subscriptions_metadata WHERE key = $1`,
        [name],
      );
      const row = stored.rows[0];
      if (row?.offset === target) break;
      if (row?.last_lsn != null && upToDateLsn !== null && BigInt(row.last_lsn) >= upToDateLsn) break;
      if (Date.now() > until) throw new Error(`shape ${name}: the local commit did not happen`);
      await Promise.race([failed, new Promise((r) => setTimeout(r, 15))]);
    }
  } finally {
    opts.signal?.removeEventListener('abort', onOuterAbort);
    sub.unsubscribe();
  }
}

/**
 * Catches every shape up (priority order as given), `concurrency` at a time.
 * A shape the server refuses (4xx) goes to `onRefused` when given; any other
 * error is thrown after all shapes ran.
 */
export async function catchUpShapes(
  pg: PGliteWithSync,
  opts: ShapeSyncOptions & { onRefused?: (err: ShapeRefused) => void },
): Promise<void> {
  const queue = [...opts.shapes];
  const errors: unknown[] = [];
  await Promise.all(
    Array.from({ length: Math.min(Math.max(1, opts.concurrency ?? 3), queue.length) }, async () => {
      for (let name = queue.shift(); name; name = queue.shift()) {
        if (opts.signal?.aborted) return;
        try {
          await catchUpOne(pg, name, opts);
        } catch (err) {
          if (err instanceof ShapeRefused && err.status !== 401 && opts.onRefused) opts.onRefused(err);
          else errors.push(err);
        }
      }
    }),
  );
  if (errors.length) throw errors.find((e) => e instanceof ShapeRefused) ?? errors[0];
}

/**
 * Order of the first sync: a field worker's own work orders, then their
 * customers (companies, contacts), then work orders and customers of the whole
 * tenant, then the rest as given.
 */
export function prioritise(shapes: readonly ShapeName[]): ShapeName[] {
  const rank = (n: ShapeName) =>
    n === 'my_work_orders'
      ? 0
      : n === 'my_companies' || n === 'my_contacts'
        ? 1
        : n.startsWith('my_')
          ? 2
          : n === 'work_orders'
            ? 3
            : n === 'companies' || n === 'contacts'
              ? 4
              : 5;
  return [...shapes].sort((a, b) => rank(a) - rank(b));
}

/**
 * The shapes a member syncs, in priority order, from the roles, permissions and
 * plan modules /api/me reported (`shapesFor`; the server checks each request
 * again). A member whose only role is `worker` gets the `my_*` slices; a
 * module the plan has off (invoicing on Starter, say) is not synced at all.
 */
export function shapesOf(me: {
  id: string;
  tenantId: string | null;
  roles: readonly string[];
  perms: readonly string[];
  modules?: Partial<Record<ModuleKey, boolean>> | null;
}): ShapeName[] {
  const restricted = me.roles.length > 0 && me.roles.every((r) => r === 'worker');
  const entitled = (n: ShapeName) => {
    const module = moduleOfTable(SHAPES[n].table);
    return module === null || !me.modules || me.modules[module] !== false;
  };
  return prioritise(shapesFor({ orgId: me.tenantId ?? '', userId: me.id, perms: new Set(me.perms as Permission[]) }, restricted).filter(entitled));
}

export type SyncPhase = 'syncing' | 'live' | 'offline' | 'error';

export interface SyncLoopEvents {
  /** Phase changes; `detail` is the error message for 'error' and 'offline'. */
  onPhase?: (phase: SyncPhase, detail?: string) => void;
  /** Is the browser online? Default `navigator.onLine`. While false the loop makes no request. */
  online?: () => boolean;
  /** For tests: back-off delay for the n-th consecutive failure. */
  backoff?: (attempt: number) => number;
  /** The server answered 401: the session ended (signed out elsewhere, expired or revoked). */
  onSessionEnded?: () => void;
}

/** The running loop: call it (or `.stop()`) to stop; `.kick()` ends a back-off or offline pause now. */
export interface SyncLoop {
  (): void;
  stop(): void;
  kick(): void;
}

const navigatorOnline = () => (globalThis as { navigator?: { onLine?: boolean } }).navigator?.onLine !== false;

/**
 * The leader's sync loop: catch up, then wait on /api/sync/wake and catch up
 * again whenever the tenant changes. Network errors and 5xx back off with
 * jitter; while offline it waits for a kick (the `online` event) and makes no
 * request; a shape the server refuses (403) is left out until the next start
 * and reported; 401 waits for a kick (the session ended).
 */
export function startSyncLoop(pg: PGliteWithSync, opts: ShapeSyncOptions & SyncLoopEvents): SyncLoop {
  const doFetch = opts.fetch ?? fetch;
  const online = opts.online ?? navigatorOnline;
  const backoff = opts.backoff ?? ((n: number) => Math.floor(Math.random() * Math.min(30_000, 500 * 2 ** Math.min(n, 6))));
  const controller = new AbortController();
  let stopped = false;
  let wakeUp: (() => void) | null = null;
  /** A kick that came while no pause was running: the next pause ends at once. */
  let kicked = false;
  /** Sleeps `ms` (Infinity: until kicked); a kick or stop ends it early. */
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      if (kicked || stopped) {
        kicked = false;
        return resolve();
      }
      const timer = Number.isFinite(ms) ? setTimeout(done, ms) : null;
      function done() {
        if (timer) clearTimeout(timer);
        wakeUp = null;
        resolve();
      }
      wakeUp = done;
    });
  const refused = new Set<ShapeName>();

  void (async () => {
    let watermark: string | null = null;
    let attempt = 0;
    /** What to catch up next: every shape, those reading these server tables, or nothing. */
    let due: 'all' | ReadonlySet<string> | null = 'all';
    while (!stopped) {
      if (!online()) {
        opts.onPhase?.('offline');
        due = 'all';
        // The online event kicks; look again now and then in case it was missed.
        await pause(30_000);
        continue;
      }
      try {
        if (due) {
          opts.onPhase?.('syncing');
          // Read the watermark first: a commit between it and the catch-up wakes us again.
          if (watermark === null) watermark = (await wake(doFetch, opts, null, controller.signal)).watermark;
          await catchUpShapes(pg, {
            ...opts,
            shapes: opts.shapes.filter((s) => !refused.has(s) && readsAny(s, due)),
            signal: controller.signal,
            // Not allowed (any more): the others are in; leave this one out until the next start and say so.
            onRefused: (err) => {
              refused.add(err.shape);
              opts.onPhase?.('error', err.message);
            },
          });
          due = null;
        }
        if (refused.size === 0) opts.onPhase?.('live');
        const w = await wake(doFetch, opts, watermark, controller.signal);
        // The server names the tables its commits touched: only the shapes reading them fetch.
        due = w.changed === false ? null : w.tables ? new Set(w.tables) : w.changed || w.watermark !== watermark ? 'all' : null;
        watermark = w.watermark;
        attempt = 0;
        kicked = false;
      } catch (err) {
        if (stopped) return;
        due = 'all';
        if (err instanceof SessionEnded || (err instanceof ShapeRefused && err.status === 401)) {
          opts.onPhase?.('error', 'signed out');
          opts.onSessionEnded?.();
          await pause(Infinity);
          continue;
        }
        const message = err instanceof Error ? err.message : String(err);
        opts.onPhase?.(online() ? 'error' : 'offline', message);
        attempt += 1;
        await pause(backoff(attempt));
      }
    }
  })();
  const stop = () => {
    stopped = true;
    controller.abort();
    wakeUp?.();
  };
  const kick = () => {
    if (wakeUp) wakeUp();
    else kicked = true;
  };
  return Object.assign(stop, { stop, kick });
}

class SessionEnded extends Error {}

async function wake(
  doFetch: typeof fetch,
  opts: ShapeSyncOptions,
  after: string | null,
  signal: AbortSignal,
): Promise<{ watermark: string; changed?: boolean; tables?: string[] }> {
  const url = `${opts.origin}/api/sync/wake${after === null ? '' : `?after=${encodeURIComponent(after)}`}`;
  const res = await doFetch(url, { signal, headers: opts.headers, credentials: 'same-origin' });
  if (res.status === 401) throw new SessionEnded('session ended');
  if (!res.ok) throw new Error(`wake answered ${res.status}`);
  return (await res.json()) as { watermark: string; changed?: boolean; tables?: string[] };
}

/** True when shape `name` has to catch up for changes to `tables` (its own table, or one its WHERE reads). */
export function readsAny(name: ShapeName, tables: 'all' | ReadonlySet<string> | null): boolean {
  if (tables === null) return false;
  if (tables === 'all') return true;
  const shape: { table: string; dependsOn?: { table: string } } = SHAPES[name];
  return tables.has(shape.table) || (shape.dependsOn !== undefined && tables.has(shape.dependsOn.table));
}
