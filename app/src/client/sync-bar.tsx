import { useSyncStatus } from '../sync/status.ts';

/** Offline banner and the count of local changes not yet on the server. */
export function SyncBar() {
  const s = useSyncStatus();
  return (
    <div className="sync-bar" role="region" aria-label="Sync" aria-live="polite">
      {!s.online && <strong className="offline">You are offline. Changes are saved on this device and sent when you reconnect.</strong>}
      <span data-testid="pending-count">{s.pending} pending</span>
      {s.conflicts > 0 && <span className="badge badge-conflict">{s.conflicts} conflicts</span>}
      {s.rejected > 0 && <span className="badge badge-rejected">{s.rejected} rejected</span>}
      <span className="muted">sync: {s.phase}</span>
    </div>
  );
}
