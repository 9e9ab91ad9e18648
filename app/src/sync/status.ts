import { useLiveQuery, usePGlite } from '@electric-sql/pglite-react';
import { useCallback, useEffect, useState } from 'react';
import { sendKick, SYNC_STATUS_SQL, toSyncStatus, type SyncStatus, type SyncStatusRow } from './sync-state.ts';

export type { SyncStatus, SyncPhaseName } from './sync-state.ts';

/** The browser's online state, live. */
export function useOnline(): boolean {
  const [online, setOnline] = useState(() => navigator.onLine);
  useEffect(() => {
    const on = () => setOnline(true);
    const off = () => setOnline(false);
    window.addEventListener('online', on);
    window.addEventListener('offline', off);
    return () => {
      window.removeEventListener('online', on);
      window.removeEventListener('offline', off);
    };
  }, []);
  return online;
}

/**
 * Sync state for banners and badges, read live from the local database (so
 * every tab sees the leader's state): pending, conflicting and rejected local
 * changes, the leader's sync phase and the last error. Inside LocalDbProvider.
 */
export function useSyncStatus(): {
  online: boolean;
  phase: 'starting' | 'syncing' | 'live' | 'offline' | 'error';
  pending: number;
  conflicts: number;
  rejected: number;
  lastError: string | null;
} {
  const online = useOnline();
  const res = useLiveQuery<SyncStatusRow>(SYNC_STATUS_SQL, []);
  return toSyncStatus(res?.rows[0], online) satisfies SyncStatus;
}

/** "Upload now": wakes the leader's uploader (even during a back-off) and a sync catch-up. Inside LocalDbProvider. */
export function useFlush(): () => void {
  const pg = usePGlite();
  return useCallback(() => {
    void sendKick(pg, 'flush').catch(() => {});
  }, [pg]);
}
