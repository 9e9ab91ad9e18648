import { useEffect, useState } from 'react';

/** A tiny path router for the shell: the current path, kept in sync with history. */
export function usePath(): string {
  const [path, setPath] = useState(() => window.location.pathname);
  useEffect(() => {
    const onPop = () => setPath(window.location.pathname);
    window.addEventListener('popstate', onPop);
    window.addEventListener('streamflow:navigate', onPop);
    return () => {
      window.removeEventListener('popstate', onPop);
      window.removeEventListener('streamflow:navigate', onPop);
    };
  }, []);
  return path;
}

/**
 * Moves to `path` without a reload and tells every `usePath` about it. The
 * keyboard focus moves to the page's content (`#main`), as a full page load
 * would put a screen reader at the top of the new page.
 */
export function navigate(path: string, opts: { replace?: boolean } = {}): void {
  if (opts.replace) window.history.replaceState(null, '', path);
  else window.history.pushState(null, '', path);
  window.dispatchEvent(new Event('streamflow:navigate'));
  requestAnimationFrame(() => document.getElementById('main')?.focus({ preventScroll: true }));
}
