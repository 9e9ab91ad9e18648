import { expect, test, type BrowserContext, type Page } from '@playwright/test';

/** PGlite logs one harmless ENOENT on a new IndexedDB store (STACK.md); every other page error fails. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => {
    if (!/ENOENT/.test(err.message)) errors.push(err.message);
  });
  return errors;
}

/** Shape requests of the context (the page's and its workers'), as URLs. */
function shapeRequests(context: BrowserContext): string[] {
  const urls: string[] = [];
  context.on('request', (r) => {
    if (r.url().includes('/v1/shape')) urls.push(r.url());
  });
  return urls;
}

async function signIn(page: Page, email: string) {
  await page.goto('/');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('streamflow-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/tenant\/[^/]+\/client\/dashboard$/);
}

/** Waits until the seeded leads (80 for Acme) are in the local database and listed. */
async function seededLeadsListed(page: Page) {
  await expect.poll(() => page.locator('tbody tr').count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(80);
}

/** The server's leads of the signed-in tenant with this name, read through the shape API with the page's session. */
async function serverLeadsNamed(page: Page, name: string): Promise<number> {
  const res = await page.request.get('/v1/shape?table=leads&offset=-1');
  expect(res.status()).toBe(200);
  const msgs = (await res.json()) as { value?: { name?: string } }[];
  return msgs.filter((m) => m.value?.name === name).length;
}

test('the owner reads the seeded leads from the local database; a reload shows them without downloading again', async ({ page, context }) => {
  const errors = watchErrors(page);
  const shapes = shapeRequests(context);
  await signIn(page, 'owner@acme.test');
  await page.getByRole('link', { name: 'Leads' }).click();
  // The demo seed gives Acme 80 leads.
  await expect(page.getByText('80 leads')).toBeVisible({ timeout: 30_000 });
  await expect(page.locator('tbody tr')).toHaveCount(80);
  expect(shapes.some((u) => u.includes('table=leads') && u.includes('offset=-1'))).toBe(true);

  // Every shape has finished its first sync.
  await expect(page.getByText('sync: live')).toBeVisible({ timeout: 60_000 });
  shapes.length = 0;
  await page.reload();
  await expect(page.getByText('80 leads')).toBeVisible();
  // Resumed from the stored offsets: no shape starts again from the beginning.
  await page.waitForTimeout(1_000);
  expect(shapes.filter((u) => u.includes('offset=-1'))).toEqual([]);
  expect(errors).toEqual([]);
});

test('a lead created offline is kept, counted as pending, and reaches the server exactly once on reconnect', async ({ page, context }) => {
  const errors = watchErrors(page);
  await signIn(page, 'owner@acme.test');
  await page.getByRole('link', { name: 'Leads' }).click();
  await seededLeadsListed(page);
  await expect(page.getByTestId('pending-count')).toHaveText('0 pending');

  await context.setOffline(true);
  await expect(page.getByText(/You are offline/)).toBeVisible();
  const name = `Offline lead ${Date.now()}`;
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByRole('button', { name: 'Add lead' }).click();
  const row = page.locator('tbody tr', { hasText: name });
  await expect(row.getByText('pending')).toBeVisible();
  await expect(page.getByTestId('pending-count')).toHaveText('1 pending');
  // Edit another lead offline too.
  const other = page.locator('tbody tr').nth(1);
  await other.getByRole('combobox').selectOption('qualified');
  await expect(page.getByTestId('pending-count')).toHaveText('2 pending');

  await context.setOffline(false);
  await expect(page.getByTestId('pending-count')).toHaveText('0 pending', { timeout: 30_000 });
  await expect(row.getByText('pending')).toHaveCount(0);
  expect(await serverLeadsNamed(page, name)).toBe(1);
  expect(errors).toEqual([]);
});

test('two devices of one owner: an edit on one appears on the other without a reload', async ({ browser }) => {
  const a = await browser.newContext();
  const b = await browser.newContext();
  try {
    const pa = await a.newPage();
    const pb = await b.newPage();
    await signIn(pa, 'owner@acme.test');
    await signIn(pb, 'owner@acme.test');
    for (const p of [pa, pb]) {
      await p.getByRole('link', { name: 'Leads' }).click();
      await seededLeadsListed(p);
    }
    const name = `From device A ${Date.now()}`;
    await pa.getByLabel('Name', { exact: true }).fill(name);
    await pa.getByRole('button', { name: 'Add lead' }).click();
    await expect(pb.locator('tbody tr', { hasText: name })).toHaveCount(1, { timeout: 15_000 });
  } finally {
    await a.close();
    await b.close();
  }
});
