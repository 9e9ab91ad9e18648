import { useEffect, useState } from 'react';
import { registerSW } from 'virtual:pwa-register';

/**
 * Registers the service worker (app shell and PGlite assets precached) and,
 * when a new version is deployed, offers to reload into it. Nothing reloads
 * by itself: a user mid-edit decides.
 */
export function UpdatePrompt() {
  const [update, setUpdate] = useState<((reload?: boolean) => Promise<void>) | null>(null);
  useEffect(() => {
    if (!('serviceWorker' in navigator)) return;
    const updateSW = registerSW({
      immediate: true,
      onNeedRefresh: () => setUpdate(() => updateSW),
    });
  }, []);
  if (!update) return null;
  return (
    <div className="update-prompt" role="alert">
      A new version of StreamFlow is ready.{' '}
      <button type="button" onClick={() => void update(true)}>Reload</button>{' '}
      <button type="button" onClick={() => setUpdate(null)}>Later</button>
    </div>
  );
}
