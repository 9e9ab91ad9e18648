import { announceSessionChanged } from './session-channel.ts';
import { cacheMe } from './me-cache.ts';

/*
 * A session that ends on the server (signed out elsewhere, expired, or
 * revoked by the owner for a lost phone) ends on the device at its next
 * request: the leader's sync or upload gets 401 and records it in the local
 * database (sync-state.ts, `session`), every tab sees it live, and the first
 * to confirm it with /api/me (still 401: not a passing glitch, and not
 * offline) signs this browser out: the cached member goes, the other tabs
 * reload signed out, and the local store is deleted (the signed-out start
 * sweeps whatever an open worker still held). Changes still in the outbox go
 * with it: without a session they cannot be sent, and the device may be in
 * someone else's hands.
 */

/** Does the server still know this browser's session? `null` when it could not be asked (offline). */
export async function sessionIsValid(fetchMe: () => Promise<Response> = () => fetch('/api/me', { credentials: 'same-origin' })): Promise<boolean | null> {
  try {
    const res = await fetchMe();
    if (res.status === 401) return false;
    return res.ok ? true : null;
  } catch {
    return null;
  }
}

/** Signs this browser out after the server ended the session, deleting the local store (`clear`). */
export async function endSessionOnDevice(clear: () => Promise<void>): Promise<void> {
  cacheMe(null);
  announceSessionChanged();
  await clear().catch(() => {});
  window.location.replace('/');
}
