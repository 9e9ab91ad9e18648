import { useLiveQuery } from '@electric-sql/pglite-react';
import { useEffect, useState } from 'react';

export interface SyncStatus {
  online: boolean;
  /** What the leader's sync loop reports: syncing, live, offline or error. */
  phase: string;
  pending: number;
  conflicts: number;
  rejected: number;
}

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

/** Pending, conflicting and rejected local changes and the sync phase, read live from the local database. */
export function useSyncStatus(): SyncStatus {
  const online = useOnline();
  const res = useLiveQuery<{ pending: number; conflicts: number; rejected: number; phase: string | null }>(
    `SELECT count(*) FILTER (WHERE status = 'pending')::int AS pending,
            count(*) FILTER (WHERE status = 'conflict')::int AS conflicts,
            count(*) FILTER (WHERE status = 'rejected')::int AS rejected,
            (SELECT value FROM local_meta WHERE key = 'sync_phase') AS phase
       FROM outbox`,
    [],
  );
  const row = res?.rows[0];
  return { online, phase: online ? (row?.phase?.split(':')[0] ?? 'starting') : 'offline', pending: row?.pending ?? 0, conflicts: row?.conflicts ?? 0, rejected: row?.rejected ?? 0 };
}
