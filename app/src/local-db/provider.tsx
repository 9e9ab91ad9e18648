import { PGliteProvider } from '@electric-sql/pglite-react';
import { useEffect, useState, type ReactNode } from 'react';
import type { Me } from '../api.ts';
import { sendKick } from '../sync/sync-state.ts';
import { localDbName, startErrorChannel } from './names.ts';
import { openLocalDb, type LocalDb } from './open.ts';

export { clearLocalData } from './open.ts';

/** The local database this tab has open (at most one: one user, one tenant). */
let current: LocalDb | null = null;

/**
 * Changes on this device the server does not have yet (pending, in conflict
 * or rejected): sign-out and tenant switch delete the local database, so they
 * ask first when this is not zero. 0 when no database is open.
 */
export async function unsentLocalChanges(): Promise<number> {
  if (!current) return 0;
  const res = await current.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox`);
  return res.rows[0]?.n ?? 0;
}

/** Asks before an action that deletes local changes the server does not have. True to go on. */
export async function confirmLosingLocalChanges(action: string): Promise<boolean> {
  const n = await unsentLocalChanges().catch(() => 0);
  if (n === 0) return true;
  return window.confirm(`${n} change${n === 1 ? ' is' : 's are'} saved only on this device and not yet on the server. ${action} deletes ${n === 1 ? 'it' : 'them'}. Go on anyway?`);
}

/**
 * Opens the member's local database (user + tenant) and, once its migrations
 * are applied, makes it available to pages through pglite-react
 * (`usePGlite`, `useLiveQuery`) and the sync hooks (sync/status.ts). Pages
 * read and write only here. Also tells the leader's worker when this tab goes
 * online or offline.
 */
export function LocalDbProvider({ me, children }: { me: Me; children: ReactNode }) {
  const [db, setDb] = useState<LocalDb | null>(null);
  const [error, setError] = useState<string | null>(null);
  const tenantId = me.tenantId;
  // Reopen only when the user, tenant or permissions change, not on every render.
  const key = `${me.id}|${tenantId}|${me.roles.join(',')}|${me.perms.join(',')}`;
  useEffect(() => {
    if (!tenantId) return;
    let cancelled = false;
    let opened: LocalDb | null = null;
    setDb(null);
    setError(null);
    const errors = new BroadcastChannel(startErrorChannel(localDbName(me.id, tenantId)));
    errors.onmessage = (e: MessageEvent<{ message?: string }>) => {
      if (!cancelled) setError(e.data.message ?? 'unknown error');
    };
    openLocalDb({ ...me, tenantId }).then(
      (pg) => {
        opened = pg;
        if (cancelled) void pg.close();
        else setDb(pg);
      },
      (err: unknown) => {
        if (!cancelled) setError(err instanceof Error ? err.message : String(err));
      },
    );
    return () => {
      cancelled = true;
      errors.close();
      void opened?.close();
    };
  }, [key]);

  // Support and browser tests read the open local database from the console
  // (`await streamflow.localDb.query(...)`): it holds only what any script of this
  // origin can already read from IndexedDB, the signed-in member's own data.
  useEffect(() => {
    if (!db) return;
    current = db;
    const w = window as { streamflow?: { localDb?: LocalDb } };
    w.streamflow = { ...w.streamflow, localDb: db };
    return () => {
      if (current === db) current = null;
      if (w.streamflow?.localDb === db) delete w.streamflow.localDb;
    };
  }, [db]);

  // The worker's idea of the network comes from this tab too (see sync/sync-state.ts).
  useEffect(() => {
    if (!db) return;
    const tell = () => void sendKick(db, navigator.onLine ? 'online' : 'offline').catch(() => {});
    tell();
    window.addEventListener('online', tell);
    window.addEventListener('offline', tell);
    return () => {
      window.removeEventListener('online', tell);
      window.removeEventListener('offline', tell);
    };
  }, [db]);

  if (!tenantId) return <p role="alert">Choose a tenant to open its data.</p>;
  if (error) return <p role="alert">The local database could not open: {error}</p>;
  if (!db) return <p aria-busy="true" className="muted">Opening your data…</p>;
  return <PGliteProvider db={db}>{children}</PGliteProvider>;
}
