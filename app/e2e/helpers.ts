import { expect, type Page } from '@playwright/test';

/** PGlite logs one harmless ENOENT on a new IndexedDB store (STACK.md); every other page error fails. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => {
    if (!/ENOENT/.test(err.message)) errors.push(err.message);
  });
  return errors;
}

/** Signs in through the sign-in form and waits for the user's home page. */
export async function signIn(page: Page, email: string, home: RegExp = /\/tenant\/[^/]+\/client\/dashboard$/) {
  await page.goto('/');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('streamflow-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(home);
}

/** Waits until the leader tab's sync loop reports every shape caught up. */
export async function syncedLive(page: Page) {
  await expect(page.getByText('sync: live')).toBeVisible({ timeout: 60_000 });
}

/** Rows of a query on the page's open local database (the `streamflow.localDb` support handle). */
export async function localRows<T = Record<string, unknown>>(page: Page, sql: string, params: unknown[] = []): Promise<T[]> {
  return page.evaluate(
    async ([q, p]) => {
      const db = (window as unknown as { streamflow?: { localDb?: { query: (q: string, p: unknown[]) => Promise<{ rows: unknown[] }> } } }).streamflow?.localDb;
      if (!db) throw new Error('no local database is open on this page');
      return (await db.query(q as string, p as unknown[])).rows;
    },
    [sql, params] as const,
  ) as Promise<T[]>;
}

/** The server's rows of a shape, read with the page's session (what the server holds, as this user may see it). */
export async function serverRows<T = Record<string, string | null>>(page: Page, shape: string): Promise<T[]> {
  const res = await page.request.get(`/v1/shape?table=${shape}&offset=-1`);
  expect(res.status()).toBe(200);
  return ((await res.json()) as { value?: T }[]).flatMap((m) => (m.value ? [m.value] : []));
}

/**
 * StreamFlow's local databases in this browser profile, read as any script of
 * the origin could: the OPFS directories and any IndexedDB store.
 */
export async function localStores(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const names: string[] = [];
    const root = (await navigator.storage.getDirectory()) as FileSystemDirectoryHandle & { keys(): AsyncIterable<string> };
    for await (const key of root.keys()) if (key.includes('streamflow-')) names.push(key);
    for (const d of await indexedDB.databases()) if (d.name?.includes('streamflow-')) names.push(d.name);
    return names;
  });
}

/** With UPDATE_SCREENSHOTS=1 a story also refreshes the user guide's pictures (docs/screenshots). */
export async function shot(page: Page, name: string) {
  if (process.env.UPDATE_SCREENSHOTS === '1') await page.screenshot({ path: `docs/screenshots/${name}.png`, fullPage: false });
}

/** Clicks a link of the current space's nav. */
export async function openPage(page: Page, title: string) {
  await page.getByRole('navigation').getByRole('link', { name: title, exact: true }).click();
}
