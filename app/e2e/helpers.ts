import { existsSync, readFileSync } from 'node:fs';
import { expect, type Page } from '@playwright/test';

/** The newest email the server sent to `to` (from its test outbox, MAIL_OUTBOX_FILE), waiting for it to arrive. */
export async function mailTo(to: string): Promise<{ subject: string; text: string }> {
  const path = process.env.E2E_OUTBOX ?? '';
  let found: { to: string; subject: string; text: string } | undefined;
  await expect
    .poll(() => {
      const lines = existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : [];
      found = lines.map((l) => JSON.parse(l) as { to: string; subject: string; text: string }).filter((m) => m.to === to).at(-1);
      return Boolean(found);
    })
    .toBe(true);
  return found!;
}

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

/** Waits until the leader tab's sync loop reports every shape caught up (the top bar's sync status). */
export async function syncedLive(page: Page) {
  await expect(page.getByTestId('sync-status')).toHaveAttribute('data-phase', 'live', { timeout: 60_000 });
}

/** Signs out through the user menu in the top bar. */
export async function signOut(page: Page) {
  await page.getByRole('button', { name: /^Account:/ }).click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
}

/** The count on the top bar's "Sync issues (N)" button. */
export async function syncIssueCount(page: Page): Promise<number> {
  const name = (await page.getByRole('button', { name: /^Sync issues/ }).getAttribute('aria-label')) ?? '';
  return Number(/\((\d+)\)/.exec(name)?.[1] ?? -1);
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

/** Clicks a link of the current space's nav: the sidebar on a laptop, the tab bar or its "More" sheet on a phone. */
export async function openPage(page: Page, title: string) {
  const nav = page.getByRole('navigation');
  await nav.first().waitFor();
  const link = nav.getByRole('link', { name: title, exact: true });
  if ((await link.count()) > 0) {
    await link.first().click();
    return;
  }
  await nav.getByRole('button', { name: 'More', exact: true }).click();
  await page.getByRole('dialog', { name: 'More' }).getByRole('link', { name: title, exact: true }).click();
}
