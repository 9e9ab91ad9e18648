import { live } from '@electric-sql/pglite/live';
import { PGliteWorker } from '@electric-sql/pglite/worker';
import { shapesFor } from '@streamflow/shapes';
import type { Permission } from '@streamflow/schema';
import type { Me } from '../api.ts';
import { prioritise } from '../sync/shape-sync.ts';
import type { LocalDbMeta } from './worker.ts';

/** The IndexedDB store of one user in one tenant: data never mixes across users or tenants. */
export function localDbName(userId: string, tenantId: string): string {
  return `streamflow-${userId}-${tenantId}`;
}

/** The shapes this member syncs, from the permissions the server reported (the server checks them again). */
export function shapesOf(me: Me) {
  const restricted = me.roles.length > 0 && me.roles.every((r) => r === 'worker');
  return prioritise(shapesFor({ orgId: me.tenantId ?? '', userId: me.id, perms: new Set(me.perms as Permission[]) }, restricted));
}

export type LocalDb = Awaited<ReturnType<typeof openLocalDb>>;

/** Opens (or joins, from another tab) the local database of a client member. */
export async function openLocalDb(me: Me & { tenantId: string }) {
  const name = localDbName(me.id, me.tenantId);
  const meta: LocalDbMeta = { origin: window.location.origin, shapes: shapesOf(me) };
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name });
  return PGliteWorker.create(worker, { dataDir: `idb://${name}`, id: name, meta, extensions: { live } });
}

/**
 * Deletes a user's local database for a tenant (sign-out, tenant switch), so
 * the next person at this browser can read nothing of it.
 */
export async function clearLocalData(userId: string, tenantId: string): Promise<void> {
  await new Promise<void>((resolve) => {
    const req = indexedDB.deleteDatabase(`/pglite/${localDbName(userId, tenantId)}`);
    req.onsuccess = req.onerror = req.onblocked = () => resolve();
  });
}
