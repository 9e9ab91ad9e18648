import { live } from '@electric-sql/pglite/live';
import { PGliteWorker } from '@electric-sql/pglite/worker';
import type { Me } from '../api.ts';
import { shapesOf } from '../sync/shape-sync.ts';
import { indexedDbNameOf, LOCAL_DB_PREFIX, localDbName, type LocalDbMeta } from './names.ts';

export { localDbName } from './names.ts';

export { shapesOf } from '../sync/shape-sync.ts';

export type LocalDb = Awaited<ReturnType<typeof openLocalDb>>;

/**
 * Opens (or joins, from another tab) the local database of a client member:
 * a module worker built by Vite, PGlite's leader election across tabs, the
 * IndexedDB store `idb://streamflow-<userId>-<tenantId>`. Resolves once the
 * leader has applied the migrations (its `init` ran), so queries work.
 */
export async function openLocalDb(me: Me & { tenantId: string }) {
  await sweepOtherLocalData({ userId: me.id, tenantId: me.tenantId });
  const name = localDbName(me.id, me.tenantId);
  const meta: LocalDbMeta = { origin: window.location.origin, shapes: shapesOf(me) };
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name });
  const pg = await PGliteWorker.create(worker, { dataDir: `idb://${name}`, id: name, meta, extensions: { live } });
  await pg.waitReady;
  return pg;
}

/**
 * Deletes a user's local database for a tenant (sign-out, tenant switch), so
 * the next person at this browser can read nothing of it. Close the database
 * first (unmount LocalDbProvider, or a full page load): while a tab holds it
 * open, IndexedDB defers the deletion until it closes.
 */
export async function clearLocalData(userId: string, tenantId: string): Promise<void> {
  await deleteStore(indexedDbNameOf(localDbName(userId, tenantId)));
}

function deleteStore(name: string): Promise<void> {
  return new Promise<void>((resolve) => {
    const req = indexedDB.deleteDatabase(name);
    req.onsuccess = req.onerror = req.onblocked = () => resolve();
  });
}

/**
 * Deletes every other StreamFlow local database in this browser before one is
 * opened: a deletion deferred at sign-out or tenant switch (the tab still held
 * the store) completes here at the latest, so at most one user's one tenant is
 * ever readable. The session allows one active tenant, so no other tab of this
 * browser can be using another store.
 */
export async function sweepOtherLocalData(keep: { userId: string; tenantId: string }): Promise<void> {
  if (typeof indexedDB.databases !== 'function') return;
  const current = indexedDbNameOf(localDbName(keep.userId, keep.tenantId));
  const prefix = indexedDbNameOf(LOCAL_DB_PREFIX);
  const stale = (await indexedDB.databases()).map((d) => d.name ?? '').filter((n) => n.startsWith(prefix) && n !== current);
  await Promise.all(stale.map(deleteStore));
}
