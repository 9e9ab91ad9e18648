import type { PGliteInterface } from '@electric-sql/pglite';
import type { SyncPhase } from './shape-sync.ts';
import type { LoopOutcome } from './uploader.ts';

/*
 * How the tabs and the leader's worker share sync state, through the shared
 * local database (no extra channel to keep in step):
 *   - worker -> tabs: `local_meta` rows `sync_phase`, `sync_error`,
 *     `upload_error`, written on change only; tabs read them live
 *     (useSyncStatus) together with the outbox counts;
 *   - tabs -> worker: `pg_notify('sync_kick', 'online' | 'offline' | 'flush')`,
 *     which the leader's worker LISTENs to. A query from any tab runs in the
 *     leader's PGlite, so the notification reaches it wherever it is sent.
 */

export const KICK_CHANNEL = 'sync_kick';
export type Kick = 'online' | 'offline' | 'flush';

export function parseKick(payload: string): Kick | null {
  return payload === 'online' || payload === 'offline' || payload === 'flush' ? payload : null;
}

/** Tells the leader's worker something (from any tab). */
export async function sendKick(pg: Pick<PGliteInterface, 'query'>, kick: Kick): Promise<void> {
  await pg.query(`SELECT pg_notify($1, $2)`, [KICK_CHANNEL, kick]);
}

export type SyncPhaseName = 'starting' | SyncPhase;

/** `local_meta` key the leader sets to 'ended' when the server answers 401 (the session is over). */
export const SESSION_KEY = 'session';

/** One row `{ ended }`: has the leader seen the session end? */
export const SESSION_ENDED_SQL = `SELECT EXISTS (SELECT 1 FROM local_meta WHERE key = '${SESSION_KEY}' AND value = 'ended') AS ended`;

export interface SyncStatus {
  online: boolean;
  phase: SyncPhaseName;
  /** Local changes not yet acknowledged by the server. */
  pending: number;
  /** Changes the server refused because another device changed the same field (sync-issues drawer). */
  conflicts: number;
  /** Changes the server rejected (permission, validation, not found). */
  rejected: number;
  /** The last upload or sync error, null once things work again. */
  lastError: string | null;
}

/** One row: outbox counts and the worker's reported state. */
export const SYNC_STATUS_SQL = `SELECT
  (SELECT count(*) FROM outbox WHERE status = 'pending')::int AS pending,
  (SELECT count(*) FROM outbox WHERE status = 'conflict')::int AS conflicts,
  (SELECT count(*) FROM outbox WHERE status = 'rejected')::int AS rejected,
  (SELECT value FROM local_meta WHERE key = 'sync_phase') AS phase,
  (SELECT value FROM local_meta WHERE key = 'sync_error') AS sync_error,
  (SELECT value FROM local_meta WHERE key = 'upload_error') AS upload_error`;

export interface SyncStatusRow {
  pending: number;
  conflicts: number;
  rejected: number;
  phase: string | null;
  sync_error: string | null;
  upload_error: string | null;
}

const PHASES: ReadonlySet<string> = new Set(['starting', 'syncing', 'live', 'offline', 'error']);

/** The status a page shows, from the row and the tab's own online state. */
export function toSyncStatus(row: SyncStatusRow | undefined, online: boolean): SyncStatus {
  const stored = row?.phase && PHASES.has(row.phase) ? (row.phase as SyncPhaseName) : 'starting';
  return {
    online,
    phase: online ? stored : 'offline',
    pending: row?.pending ?? 0,
    conflicts: row?.conflicts ?? 0,
    rejected: row?.rejected ?? 0,
    lastError: row?.upload_error ?? row?.sync_error ?? null,
  };
}

/** The worker's side: records phase and errors in local_meta, only when they change, in order. */
export function createStatusWriter(pg: Pick<PGliteInterface, 'query'>) {
  const last = new Map<string, string | null>();
  let chain: Promise<void> = Promise.resolve();
  const set = (key: string, value: string | null): Promise<void> => {
    if (last.has(key) && last.get(key) === value) return chain;
    last.set(key, value);
    chain = chain
      .then(async () => {
        if (value === null) await pg.query(`DELETE FROM local_meta WHERE key = $1`, [key]);
        else
          await pg.query(`INSERT INTO local_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, [
            key,
            value.slice(0, 300),
          ]);
      })
      .catch(() => {
        last.delete(key); // write again next time
      });
    return chain;
  };
  return {
    /** A new leader starts: forget the last session's phase, sync error and ended session. */
    starting: () => Promise.all([set('sync_phase', 'starting'), set('sync_error', null), set(SESSION_KEY, null)]).then(() => {}),
    /** The server answered 401 to sync or upload: the tabs sign out and delete the store (LocalDbProvider). */
    sessionEnded: (): Promise<void> => set(SESSION_KEY, 'ended'),
    phase: (phase: SyncPhase, detail?: string): Promise<void> => {
      const p = set('sync_phase', phase);
      if (phase === 'live') return set('sync_error', null);
      if ((phase === 'error' || phase === 'offline') && detail) return set('sync_error', detail);
      return p;
    },
    upload: (o: LoopOutcome): Promise<void> => {
      switch (o.kind) {
        case 'idle':
        case 'sent':
          return set('upload_error', null);
        case 'offline':
          return set('upload_error', `Upload failed: ${o.error}`);
        case 'retry':
          return set('upload_error', `Upload failed: the server answered ${o.status}; retrying`);
        case 'unauthorized':
          return set('upload_error', `Upload refused (${o.status}): sign in again`);
        default:
          return chain;
      }
    },
  };
}
