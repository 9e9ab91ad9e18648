import { live } from '@electric-sql/pglite/live';
import { PGliteWorker } from '@electric-sql/pglite/worker';
import type { Me } from '../api.ts';
import { shapesOf } from '../sync/shape-sync.ts';
import { indexedDbNameOf, localDbName, type LocalDbMeta } from './names.ts';

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
  await new Promise<void>((resolve) => {
    const req = indexedDB.deleteDatabase(indexedDbNameOf(localDbName(userId, tenantId)));
    req.onsuccess = req.onerror = req.onblocked = () => resolve();
  });
}
