import type { ShapeName } from '@streamflow/shapes';

/** Every local database's name starts so. */
export const LOCAL_DB_PREFIX = 'streamflow-';

/** The local database of one user in one tenant: data never mixes across users or tenants. */
export function localDbName(userId: string, tenantId: string): string {
  return `${LOCAL_DB_PREFIX}${userId}-${tenantId}`;
}

/** The IndexedDB database PGlite keeps `idb://<name>` in. */
export const indexedDbNameOf = (name: string) => `/pglite/${name}`;

/** Where a failed start of the worker is reported to the tabs (the provider shows it instead of loading forever). */
export const startErrorChannel = (name: string) => `streamflow-local-db-error:${name}`;

/** What a tab tells the worker it opens (PGliteWorker `meta`); the leader's tab's meta is the one used. */
export interface LocalDbMeta {
  /** Origin of sync-server (the app's own origin). */
  origin: string;
  /** Shapes to sync, in priority order. */
  shapes: ShapeName[];
}
