import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { WifiOff } from 'lucide-react';
import { api } from '../api.ts';
import { useOnline } from '../sync/status.ts';
import { errorSentence } from '../ui/messages.ts';
import { EmptyState, PageHeader } from '../ui/page.tsx';
import './staff.css';

/**
 * Staff pages (and billing) read server routes directly (they are never
 * synced): with no network they say so instead of failing. `useServerData`
 * loads a route while online and reloads on reconnect or when `reload()` is called.
 */
export function OnlineOnly({ title, children }: { title: string; children: ReactNode }) {
  const online = useOnline();
  if (!online) {
    return (
      <>
        <PageHeader title={title} />
        <EmptyState icon={<WifiOff size={28} />} title="You are offline">
          This page needs a connection: it reads live data that is never kept on this device. It comes back by itself when you are online.
        </EmptyState>
      </>
    );
  }
  return <>{children}</>;
}

/** A failed staff request in words (never the raw message or status). */
export const loadErrorSentence = (err: unknown) => errorSentence(err, 'This could not be loaded. Reload the page to try again.');

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
        if (!cancelled) setError(loadErrorSentence(err));
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
  return error ? <div role="alert" className="error-message">{error}</div> : null;
}
