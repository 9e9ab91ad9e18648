/*
 * Tabs of one browser share one session. When a tab signs out or switches
 * tenant it says so here, and every other tab reloads: none keeps syncing or
 * uploading a tenant's local changes under a session that now means another
 * tenant (the server takes the tenant from the session).
 */
const CHANNEL = 'streamflow-session';

export function announceSessionChanged(): void {
  const c = new BroadcastChannel(CHANNEL);
  c.postMessage('changed');
  c.close();
}

/** Calls `fn` when another tab changed the session; returns the unsubscribe. */
export function onSessionChanged(fn: () => void): () => void {
  const c = new BroadcastChannel(CHANNEL);
  c.onmessage = () => fn();
  return () => c.close();
}
