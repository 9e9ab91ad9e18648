import { Skeleton } from '../ui/page.tsx';
import { PGliteProvider, useLiveQuery } from '@electric-sql/pglite-react';
import { useEffect, useState, type ReactNode } from 'react';
import type { Me } from '../api.ts';
import { endSessionOnDevice, sessionIsValid } from '../shell/session-end.ts';
import { sendKick, SESSION_ENDED_SQL } from '../sync/sync-state.ts';
import { leaderView, onNewLeader } from './leader.ts';
import { localDbName, startErrorChannel } from './names.ts';
import { clearLocalData, openLocalDb, type LocalDb } from './open.ts';

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
  return window.confirm(
    `${n} change${n === 1 ? ' is' : 's are'} saved only on this device and not yet on the server. ${action} deletes ${n === 1 ? 'it' : 'them'}. Go on anyway?`,
  );
}

/**
 * Opens the member's local database (user + tenant) and, once its migrations
 * are applied, makes it available to pages through pglite-react
 * (`usePGlite`, `useLiveQuery`) and the sync hooks (sync/status.ts). Pages
 * read and write only here. What pages get is a view per leader (leader.ts):
 * when the leader tab closes or reloads, a new view makes every hook set
 * itself up again on the new leader. Also tells the leader's worker when this
 * tab goes online or offline.
 *
 * `frame` draws the page around what the provider shows (the app shell), so
 * the shell is on screen while the database opens; `ready` says whether the
 * database hooks may be used inside it.
 */
export function LocalDbProvider({
  me,
  children,
  frame = (c) => c,
}: {
  me: Me;
  children: ReactNode;
  frame?: (content: ReactNode, ready: boolean) => ReactNode;
}) {
  const [db, setDb] = useState<LocalDb | null>(null);
  const [error, setError] = useState<string | null>(null);
  const tenantId = me.tenantId;
  // Reopen only when the user, tenant or permissions change, not on every render.
  const key = `${me.id}|${tenantId}|${me.roles.join(',')}|${me.perms.join(',')}`;
  useEffect(() => {
    if (!tenantId) return;
    let cancelled = false;
    let opened: LocalDb | null = null;
    let offLeader: (() => void) | null = null;
    setDb(null);
    setError(null);
    const errors = new BroadcastChannel(startErrorChannel(localDbName(me.id, tenantId)));
    errors.onmessage = (e: MessageEvent<{ message?: string }>) => {
      if (!cancelled) setError(e.data.message ?? 'unknown error');
    };
    openLocalDb({ ...me, tenantId }).then(
      (pg) => {
        opened = pg;
        if (cancelled) {
          void pg.close();
          return;
        }
        setDb(leaderView(pg));
        offLeader = onNewLeader(pg, () => {
          if (!cancelled) setDb(leaderView(pg));
        });
      },
      (err: unknown) => {
        if (!cancelled) setError(err instanceof Error ? err.message : String(err));
      },
    );
    return () => {
      cancelled = true;
      errors.close();
      offLeader?.();
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

  if (!tenantId) return frame(<p role="alert">Choose a company to open its data.</p>, false);
  if (error) {
    return frame(
      <div className="error-message" role="alert">
        <p className="error-message-title">This device could not open your data.</p>
        <p className="error-message-action">
          Reload the page. If it keeps happening, free some storage space or try another browser.
        </p>
        <details className="error-message-details">
          <summary>Details</summary>
          {error}
        </details>
      </div>,
      false,
    );
  }
  if (!db) return frame(<Skeleton rows={6} label="Opening your data" />, false);
  return (
    <PGliteProvider db={db}>
      <SessionWatch userId={me.id} tenantId={tenantId} db={db} />
      {frame(children, true)}
    </PGliteProvider>
  );
}

/**
 * When the leader's sync or upload got 401 (the session ended on the server,
 * e.g. the owner revoked a lost phone's sessions), signs this browser out and
 * deletes the local store, once /api/me confirms it (shell/session-end.ts).
 */
function SessionWatch({ userId, tenantId, db }: { userId: string; tenantId: string; db: LocalDb }) {
  const ended = useLiveQuery<{ ended: boolean }>(SESSION_ENDED_SQL, [])?.rows[0]?.ended === true;
  useEffect(() => {
    if (!ended) return;
    let stop = false;
    void (async () => {
      // Offline or a server hiccup: ask again until the answer is definite.
      for (let wait = 1_000; !stop; wait = Math.min(wait * 2, 30_000)) {
        const valid = await sessionIsValid();
        if (valid === false) {
          await db.close().catch(() => {});
          return endSessionOnDevice(() => clearLocalData(userId, tenantId));
        }
        if (valid === true) return sendKick(db, 'flush').catch(() => {});
        await new Promise((r) => setTimeout(r, wait));
      }
    })();
    return () => {
      stop = true;
    };
  }, [ended, db, userId, tenantId]);
  return null;
}
