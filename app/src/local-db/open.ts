import { live, type LiveNamespace } from '@electric-sql/pglite/live';
import type { Me } from '../api.ts';
import { shapesOf } from '../sync/shape-sync.ts';
import { absorbLeaderChangeRejections, LeaderSafeWorker } from './leader.ts';
import { creationMarkerOf, removeStore } from './store-files.ts';
import { legacyIndexedDbNameOf, LOCAL_DB_PREFIX, localDbName, storeUrlOf, type LocalDbMeta } from './names.ts';

export { localDbName } from './names.ts';

export { shapesOf } from '../sync/shape-sync.ts';

export type LocalDb = Awaited<ReturnType<typeof openLocalDb>>;

/** The page listens for PGlite's own leader-change rejections once (leader.ts). */
let absorbing = false;

/**
 * Opens (or joins, from another tab) the local database of a client member:
 * a module worker built by Vite, PGlite's leader election across tabs, the
 * store `streamflow-<userId>-<tenantId>` (see `storeUrlOf`). Resolves once the
 * leader has applied the migrations (its `init` ran), so queries work.
 */
export async function openLocalDb(me: Me & { tenantId: string }) {
  if (!absorbing) {
    absorbing = true;
    absorbLeaderChangeRejections(window);
  }
  await sweepOtherLocalData({ userId: me.id, tenantId: me.tenantId });
  const name = localDbName(me.id, me.tenantId);
  const meta: LocalDbMeta = { origin: window.location.origin, shapes: shapesOf(me) };
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name });
  // PGliteWorker.create builds a plain PGliteWorker; this one waits for a leader before each request (leader.ts).
  const pg = new LeaderSafeWorker(worker, { dataDir: storeUrlOf(name), id: name, meta, extensions: { live } }) as LeaderSafeWorker & { live: LiveNamespace };
  await pg.waitReady;
  return pg;
}

/**
 * Deletes a user's local database for a tenant (sign-out, tenant switch), so
 * the next person at this browser can read nothing of it. While a tab still
 * holds it open the file system refuses; the sweep at the next start (of any
 * page of the app) deletes it then, at the latest.
 */
export async function clearLocalData(userId: string, tenantId: string): Promise<void> {
  const name = localDbName(userId, tenantId);
  await Promise.all([removeStore(name), deleteIndexedDb(legacyIndexedDbNameOf(name))]);
}

function deleteIndexedDb(name: string): Promise<void> {
  return new Promise<void>((resolve) => {
    const req = indexedDB.deleteDatabase(name);
    req.onsuccess = req.onerror = req.onblocked = () => resolve();
  });
}

/** The names of StreamFlow's local databases in this browser (OPFS directories and legacy IndexedDB stores). */
export async function localStoreNames(): Promise<string[]> {
  const names: string[] = [];
  try {
    const root = (await navigator.storage.getDirectory()) as FileSystemDirectoryHandle & { keys(): AsyncIterable<string> };
    for await (const key of root.keys()) {
      if (!key.startsWith(LOCAL_DB_PREFIX)) continue;
      // A store's creation marker (store-files.ts) counts as that store.
      const store = key.endsWith(creationMarkerOf('')) ? key.slice(0, -creationMarkerOf('').length) : key;
      if (!names.includes(store)) names.push(store);
    }
  } catch {
    // No OPFS in this browser: nothing of ours there.
  }
  if (typeof indexedDB.databases === 'function') {
    const legacy = legacyIndexedDbNameOf(LOCAL_DB_PREFIX);
    for (const d of await indexedDB.databases()) if (d.name?.startsWith(legacy)) names.push(d.name.slice(legacy.length - LOCAL_DB_PREFIX.length));
  }
  return names;
}

/**
 * Deletes every StreamFlow local database in this browser but `keep`'s: run
 * before a database is opened and when the app starts signed out, so a
 * deletion refused at sign-out or tenant switch (the tab still held the
 * store) completes then, and at most one user's one tenant is ever readable.
 * The session allows one active tenant, so no other tab can be using another
 * store. A store still closing (the previous page's worker) is retried briefly.
 */
export async function sweepOtherLocalData(keep: { userId: string; tenantId: string } | null): Promise<void> {
  const current = keep ? localDbName(keep.userId, keep.tenantId) : null;
  for (let attempt = 0; attempt < 5; attempt++) {
    const stale = (await localStoreNames()).filter((n) => n !== current);
    if (stale.length === 0) return;
    await Promise.all(stale.map((n) => Promise.all([removeStore(n), deleteIndexedDb(legacyIndexedDbNameOf(n))])));
    await new Promise((r) => setTimeout(r, 100 * (attempt + 1)));
  }
}
