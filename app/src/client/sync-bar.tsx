import { useState } from 'react';
import { useSyncStatus } from '../sync/status.ts';
import { SyncIssuesDrawer } from './sync-issues-drawer.tsx';

/** Offline banner and the count of local changes not yet on the server. */
export function SyncBar() {
  const s = useSyncStatus();
  const [open, setOpen] = useState(false);
  const issues = s.conflicts + s.rejected;
  return (
    <>
    <div className="sync-bar" role="region" aria-label="Sync" aria-live="polite">
      {!s.online && <strong className="offline">You are offline. Changes are saved on this device and sent when you reconnect.</strong>}
      <span data-testid="pending-count">{s.pending} pending</span>
      {s.conflicts > 0 && <span className="badge badge-conflict">{s.conflicts} conflicts</span>}
      {s.rejected > 0 && <span className="badge badge-rejected">{s.rejected} rejected</span>}
      <span className="muted">sync: {s.phase}</span>
      <button type="button" onClick={() => setOpen(!open)} aria-expanded={open}>
        Sync issues ({issues})
      </button>
    </div>
    {open && <SyncIssuesDrawer onClose={() => setOpen(false)} />}
    </>
  );
}
