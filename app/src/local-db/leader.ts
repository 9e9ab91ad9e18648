import type { LiveNamespace, LiveQuery } from '@electric-sql/pglite/live';
import { PGliteWorker } from '@electric-sql/pglite/worker';

/*
 * Tabs and the leader (docs/app.md, "Tabs and the leader"; ADR 015).
 *
 * Every tab of a user and tenant talks to ONE PGlite, in the worker of the tab
 * that won PGlite's leader election (`@electric-sql/pglite/worker` 0.5.16,
 * src/worker/index.ts). When that tab closes or reloads, another tab's worker
 * takes the election lock and opens the store; the tabs then reconnect. What
 * PGlite does NOT carry over to the new leader:
 *   - an operation in flight: its promise rejects with `LeaderChangedError`
 *     ("Leader changed, pending operation in indeterminate state"): the old
 *     leader may or may not have run it;
 *   - everything a tab set up in the old leader's session: a live query's temp
 *     view, prepared statements and LISTENs. Its live queries keep their last
 *     rows and never refresh again (the app looked empty or stale until a
 *     page change).
 * A reload hits this too: the new page's tab can connect to the previous
 * page's worker, which still holds the lock while it is being torn down, and
 * is then handed over to its own worker.
 *
 * So a tab (LocalDbProvider) gives pages a *view* of the database per leader:
 * on a leader change it waits for the new connection and hands out a new
 * view, and every hook (`useLiveQuery`, `usePGlite` users) sets itself up
 * again on the new leader. Through a view:
 *   - a read (`SELECT ...`) rejected by a leader change is run again on the
 *     new leader (reads have no effect, so running one twice is harmless);
 *   - a write is NOT run again: the old leader may have committed it (the
 *     change is on disk before a query returns, ADR 009), so running it again
 *     could apply it twice. The page learns of it from the live query, which
 *     shows the committed change or none, never a change that is not stored;
 *   - a live query whose set-up is rejected sets itself up again on the new
 *     leader; stopping one whose session is gone is a no-op.
 */

/** PGlite's `LeaderChangedError` (not exported by the package): matched by its message. */
export function isLeaderChanged(err: unknown): boolean {
  return err instanceof Error && err.message.startsWith('Leader changed');
}

/** What a view needs of PGliteWorker. */
export interface LeaderAware {
  readonly waitReady: Promise<void>;
  onLeaderChange(cb: () => void): () => void;
}

/** A read: only these are run again after a leader change. */
const READ_ONLY = /^\s*(select|show|explain)\b/i;

/** How often one operation is tried again across leader changes (each waits for the next connection). */
const MAX_RETRIES = 5;

async function again<T>(db: LeaderAware, run: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (!isLeaderChanged(err) || attempt >= MAX_RETRIES) throw err;
      await db.waitReady;
    }
  }
}

function liveView(db: LeaderAware, live: LiveNamespace): LiveNamespace {
  const safe = <T>(q: LiveQuery<T>): LiveQuery<T> => ({
    ...q,
    // Stopping a live query whose leader is gone: its view and statements went with it.
    unsubscribe: (cb) => q.unsubscribe(cb).catch(() => {}),
    refresh: (opts) => q.refresh(opts).catch((err: unknown) => (isLeaderChanged(err) ? undefined : Promise.reject(err))),
  });
  return {
    ...live,
    query: ((...args: Parameters<LiveNamespace['query']>) =>
      again(db, () => live.query(...args)).then(safe)) as LiveNamespace['query'],
    incrementalQuery: ((...args: Parameters<LiveNamespace['incrementalQuery']>) =>
      again(db, () => live.incrementalQuery(...args)).then(safe)) as LiveNamespace['incrementalQuery'],
  };
}

/**
 * A view of `db` for the current leader: the same database, a new identity
 * (so hooks keyed on it set themselves up again), reads and live queries
 * carried across a leader change as described above.
 */
export function leaderView<DB extends LeaderAware & { live: LiveNamespace; query: (...a: never[]) => Promise<unknown> }>(db: DB): DB {
  const live = liveView(db, db.live);
  return new Proxy(db, {
    get(target, prop) {
      if (prop === 'live') return live;
      if (prop === 'query') {
        return (sql: string, ...rest: unknown[]) => {
          const run = () => (target.query as (s: string, ...r: unknown[]) => Promise<unknown>)(sql, ...rest);
          return READ_ONLY.test(sql) ? again(target, run) : run();
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      // PGliteWorker keeps its state in #private fields: its methods must run on the instance itself.
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * Calls `fn` once the tab is connected to a new leader (after PGlite's
 * `leader-change`, which can fire twice for one hand-over). Returns the unsubscribe.
 */
export function onNewLeader(db: LeaderAware, fn: () => void): () => void {
  let stopped = false;
  let waiting = false;
  const off = db.onLeaderChange(() => {
    if (waiting) return;
    waiting = true;
    // Let the second event of the hand-over arrive, then wait for the connection to the new leader.
    setTimeout(() => {
      void db.waitReady.then(() => {
        waiting = false;
        if (!stopped) fn();
      });
    }, 0);
  });
  return () => {
    stopped = true;
    off();
  };
}

/**
 * PGlite itself starts one query per tab it does not await (its array types,
 * at connect): when the leader changes under it, its rejection is not ours to
 * catch. Only that error is kept from becoming an uncaught page error; a
 * page's write it rejects is reported in the console (the page shows the
 * stored state through its live queries).
 */
export function absorbLeaderChangeRejections(target: Pick<Window, 'addEventListener'>): void {
  target.addEventListener('unhandledrejection', (e) => {
    if (!isLeaderChanged(e.reason)) return;
    e.preventDefault();
    console.warn('The local database moved to another tab; an operation in flight was not confirmed and is not retried.');
  });
}

/**
 * PGliteWorker that never sends a request while it is between leaders.
 *
 * PGlite posts each request (one query is a dozen: lock, parse, bind,
 * execute, sync, unlock...) on the tab's channel at once, connected or not;
 * only requests already pending when the leader changes are rejected. A
 * request posted after the old leader went and before the new one connected
 * this tab is heard by nobody and never settles. The worst is the lock
 * release in `_runExclusive*`'s `finally`, right after an operation was
 * rejected: the query then hung for good, and so did every live query of the
 * page. Here every request waits for a connection first (from that check to
 * the post there is no task boundary, so no leader change can fall in
 * between), and a release goes to the new leader, which holds no lock of
 * ours and answers at once.
 */
export class LeaderSafeWorker extends PGliteWorker {
  override async execProtocol(message: Uint8Array) {
    await this.waitReady;
    return super.execProtocol(message);
  }

  override async execProtocolStream(message: Uint8Array) {
    await this.waitReady;
    return super.execProtocolStream(message);
  }

  override async execProtocolRaw(message: Uint8Array) {
    await this.waitReady;
    return super.execProtocolRaw(message);
  }

  override async execProtocolRawStream(message: Uint8Array, options: { onRawData: (data: Uint8Array) => void }) {
    await this.waitReady;
    return super.execProtocolRawStream(message, options);
  }

  override async syncToFs() {
    await this.waitReady;
    return super.syncToFs();
  }

  override async _handleBlob(blob?: File | Blob) {
    await this.waitReady;
    return super._handleBlob(blob);
  }

  override async _getWrittenBlob() {
    await this.waitReady;
    return super._getWrittenBlob();
  }

  override async _cleanupBlob() {
    await this.waitReady;
    return super._cleanupBlob();
  }

  override async _runExclusiveQuery<T>(fn: () => Promise<T>): Promise<T> {
    await this.waitReady;
    return super._runExclusiveQuery(() => this.#thenConnected(fn));
  }

  override async _runExclusiveTransaction<T>(fn: () => Promise<T>): Promise<T> {
    await this.waitReady;
    return super._runExclusiveTransaction(() => this.#thenConnected(fn));
  }

  /** Runs `fn`, then waits for a connection, so the lock release that follows is heard. */
  async #thenConnected<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } finally {
      await this.waitReady;
    }
  }
}
