import { PGliteProvider } from '@electric-sql/pglite-react';
import { useEffect, useState, type ReactNode } from 'react';
import type { Me } from '../api.ts';
import { openLocalDb, type LocalDb } from './open.ts';

/**
 * Opens the member's local database and makes it available to pages through
 * pglite-react (`usePGlite`, `useLiveQuery`). Pages read and write only here.
 */
export function LocalDbProvider({ me, children }: { me: Me & { tenantId: string }; children: ReactNode }) {
  const [db, setDb] = useState<LocalDb | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Reopen only when the user, tenant or permissions change, not on every render.
  const key = `${me.id}|${me.tenantId}|${me.roles.join(',')}|${me.perms.join(',')}`;
  useEffect(() => {
    let cancelled = false;
    let opened: LocalDb | null = null;
    openLocalDb(me).then(
      (pg) => {
        opened = pg;
        if (cancelled) void pg.close();
        else setDb(pg);
      },
      (err: unknown) => setError(err instanceof Error ? err.message : String(err)),
    );
    return () => {
      cancelled = true;
      void opened?.close();
    };
  }, [key]);
  if (error) return <p role="alert">The local database could not open: {error}</p>;
  if (!db) return <p aria-busy="true" className="muted">Opening your data…</p>;
  return <PGliteProvider db={db}>{children}</PGliteProvider>;
}
