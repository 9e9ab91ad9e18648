import type { Me } from '../api.ts';

const ME_KEY = 'streamflow.me';

/** Remembers the signed-in member (no secrets: ids, name, roles) for an offline start; null forgets. */
export function cacheMe(me: Me | null): void {
  try {
    if (me) localStorage.setItem(ME_KEY, JSON.stringify(me));
    else localStorage.removeItem(ME_KEY);
  } catch {
    // Storage disabled: offline start is simply not available.
  }
}

/** The member signed in last on this browser (for a start without network), or null. */
export function readCachedMe(): Me | null {
  try {
    const raw = localStorage.getItem(ME_KEY);
    return raw ? (JSON.parse(raw) as Me) : null;
  } catch {
    return null;
  }
}
