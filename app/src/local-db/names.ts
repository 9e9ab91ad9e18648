import type { ShapeName } from '@streamflow/shapes';

/** Every local database's name starts so. */
export const LOCAL_DB_PREFIX = 'streamflow-';

/** The local database of one user in one tenant: data never mixes across users or tenants. */
export function localDbName(userId: string, tenantId: string): string {
  return `${LOCAL_DB_PREFIX}${userId}-${tenantId}`;
}

/**
 * Where PGlite keeps a local database: in memory in the leader's worker,
 * mirrored to the origin private file system (OPFS) directory `<name>`,
 * every changed page range flushed before a query returns. (The earlier
 * `idb://` store rewrote whole files into IndexedDB after every query: a
 * round trip of 100–500 ms at 100k leads against a few ms; docs/performance.md.)
 */
export const storeUrlOf = (name: string) => `memfs2opfs://${name}`;

/** The store's name (its OPFS directory) from its `storeUrlOf` URL. */
export const storeNameOf = (url: string) => url.replace(/^memfs2opfs:\/\//, '');

/** The IndexedDB database of a store from before the move to OPFS (`idb://<name>`): only ever deleted now. */
export const legacyIndexedDbNameOf = (name: string) => `/pglite/${name}`;

/** Where a failed start of the worker is reported to the tabs (the provider shows it instead of loading forever). */
export const startErrorChannel = (name: string) => `streamflow-local-db-error:${name}`;

/** What a tab tells the worker it opens (PGliteWorker `meta`); the leader's tab's meta is the one used. */
export interface LocalDbMeta {
  /** Origin of sync-server (the app's own origin). */
  origin: string;
  /** Shapes to sync, in priority order. */
  shapes: ShapeName[];
}
