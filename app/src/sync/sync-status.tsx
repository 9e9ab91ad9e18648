import { useState } from 'react';
import { Button as AriaButton } from 'react-aria-components';
import { CircleAlert, Cloud, CloudOff, RefreshCw } from 'lucide-react';
import { useSyncStatus, type SyncPhaseName } from './status.ts';
import { SyncIssuesDrawer } from './sync-issues-drawer.tsx';

const PHASE_LABEL: Record<SyncPhaseName, string> = {
  starting: 'Starting',
  syncing: 'Catching up',
  live: 'Up to date',
  offline: 'Offline',
  error: 'Sync paused',
};

/**
 * The client space's sync state as one compact control in the top bar: a dot
 * and a word for the phase, the count of changes not yet on the server, and
 * the sync issues (conflicts and rejected changes) that open the drawer.
 * `data-phase` on it is what the browser suite waits for.
 */
export function SyncStatus() {
  const s = useSyncStatus();
  const [open, setOpen] = useState(false);
  const issues = s.conflicts + s.rejected;
  const tone = !s.online ? 'warning' : s.phase === 'error' || issues > 0 ? 'danger' : s.phase === 'live' ? 'success' : 'neutral';
  const Icon = !s.online ? CloudOff : s.phase === 'syncing' || s.phase === 'starting' ? RefreshCw : s.phase === 'error' ? CircleAlert : Cloud;
  return (
    <div className="sf-sync" data-testid="sync-status" data-phase={s.phase}>
      <span className={`sf-sync-state sf-tone-${tone}`} title={s.lastError ?? undefined}>
        <Icon size={16} aria-hidden="true" className={s.phase === 'syncing' ? 'sf-spin' : undefined} />
        <span className="sf-sync-label">{PHASE_LABEL[s.phase]}</span>
      </span>
      <span className={`sf-sync-pending${s.pending > 0 ? ' sf-sync-pending-some' : ''}`} data-testid="pending-count" aria-live="polite">
        {s.pending} pending
      </span>
      <AriaButton
        className={`sf-sync-issues${issues > 0 ? ' sf-sync-issues-some' : ''}`}
        onPress={() => setOpen(true)}
        aria-expanded={open}
        aria-label={`Sync issues (${issues})`}
      >
        <CircleAlert size={16} aria-hidden="true" />
        <span className="sf-sync-issues-count" aria-hidden="true">{issues}</span>
      </AriaButton>
      <SyncIssuesDrawer isOpen={open} onClose={() => setOpen(false)} />
    </div>
  );
}

/** A slim notice at the top of the page while the device is offline. */
export function OfflineBanner() {
  const s = useSyncStatus();
  if (s.online) return null;
  return (
    <p className="sf-banner sf-banner-warning" role="status">
      <CloudOff size={16} aria-hidden="true" />
      You are offline. Your changes are kept here and sent when you reconnect{s.pending === 1 ? ' (1 change waiting)' : s.pending > 1 ? ` (${s.pending} changes waiting)` : ''}.
    </p>
  );
}
