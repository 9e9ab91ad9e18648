import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { api } from '../api.ts';
import { useOnline } from '../sync/status.ts';

/**
 * Staff pages read server routes directly (they are never synced): with no
 * network they say so instead of failing. `useServerData` loads a route while
 * online and reloads on reconnect or when `reload()` is called.
 */
export function OnlineOnly({ title, children }: { title: string; children: ReactNode }) {
  const online = useOnline();
  if (!online) {
    return (
      <section className="card" role="alert">
        <h1>{title}</h1>
        <p>This page needs a connection: it reads the platform's live data, which is never kept on this device. It comes back by itself when you are online.</p>
      </section>
    );
  }
  return <>{children}</>;
}

export function useServerData<T>(path: string | null): { data: T | null; error: string | null; reload: () => void } {
  const online = useOnline();
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!online || path === null) return;
    let cancelled = false;
    api<T>(path).then(
      (d) => {
        if (cancelled) return;
        setData(d);
        setError(null);
      },
      (err: unknown) => {
        if (!cancelled) setError(err instanceof Error ? err.message : String(err));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [online, path, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, reload };
}

/** A failed load, in words. */
export function LoadError({ error }: { error: string | null }) {
  return error ? <p role="alert" className="error">{error}</p> : null;
}
