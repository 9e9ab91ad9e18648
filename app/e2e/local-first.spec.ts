import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { localStores, serverRows, shot, signIn, signOut, syncIssueCount, syncedLive, watchErrors } from './helpers.ts';

/** Shape requests of the context (the page's and its workers'), as URLs. */
function shapeRequests(context: BrowserContext): string[] {
  const urls: string[] = [];
  context.on('request', (r) => {
    if (r.url().includes('/v1/shape')) urls.push(r.url());
  });
  return urls;
}

/** Waits until the seeded leads (80 for Acme) are in the local database and listed. */
async function seededLeadsListed(page: Page) {
  // The list is windowed: only the rows in view are in the page, so count through the list's own count.
  await expect.poll(async () => Number(((await page.getByTestId('leads-count').textContent()) ?? '').replace(/\D/g, '')), { timeout: 30_000 }).toBeGreaterThanOrEqual(80);
}

/** The server's leads of the signed-in tenant with this name (through the shape API with the page's session). */
const serverLeadsNamed = async (page: Page, name: string) => (await serverRows(page, 'leads')).filter((l) => l.name === name).length;

test('the owner reads the seeded leads from the local database; a reload shows them without downloading again', async ({ page, context }) => {
  const errors = watchErrors(page);
  const shapes = shapeRequests(context);
  await signIn(page, 'owner@acme.test');
  await page.getByRole('link', { name: 'Leads', exact: true }).click();
  // The demo seed gives Acme 80 leads.
  await expect(page.getByText('80 leads')).toBeVisible({ timeout: 30_000 });
  await expect(page.locator('tbody tr[data-lead-id]').first()).toBeVisible();
  expect(shapes.some((u) => u.includes('table=leads') && u.includes('offset=-1'))).toBe(true);

  // Every shape has finished its first sync.
  await syncedLive(page);
  shapes.length = 0;
  await page.reload();
  await expect(page.getByText('80 leads')).toBeVisible();
  // Resumed from the stored offsets: no shape starts again from the beginning.
  await page.waitForTimeout(1_000);
  expect(shapes.filter((u) => u.includes('offset=-1'))).toEqual([]);

  // Signing out leaves nothing of the tenant's data readable in this browser.
  const stores = () => localStores(page);
  expect(await stores()).toHaveLength(1);
  await signOut(page);
  await expect(page.getByRole('heading', { name: 'Sign in to StreamFlow' })).toBeVisible();
  await expect.poll(stores, { timeout: 15_000 }).toEqual([]);
  expect(await page.evaluate(() => localStorage.getItem('streamflow.me'))).toBeNull();
  expect(errors).toEqual([]);
});

test('a lead created offline is kept, counted as pending, and reaches the server exactly once on reconnect', async ({ page, context }) => {
  const errors = watchErrors(page);
  await signIn(page, 'owner@acme.test');
  await page.getByRole('link', { name: 'Leads', exact: true }).click();
  await seededLeadsListed(page);
  await expect(page.getByTestId('pending-count')).toHaveText('0 pending');
  // The service worker has precached the app (first visit); from the next load on it serves it.
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.reload();
  await seededLeadsListed(page);
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);

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

  // Still offline, the app reloads from the service worker onto its local data, changes kept.
  await page.reload();
  await expect(page.getByText(/You are offline/)).toBeVisible();
  await expect(page.getByTestId('pending-count')).toHaveText('2 pending');
  await expect(row.getByText('pending')).toBeVisible();

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
      await p.getByRole('link', { name: 'Leads', exact: true }).click();
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

test('both devices change one lead offline: one applies, the other resolves a conflict, and they converge', async ({ browser }) => {
  const a = await browser.newContext();
  const b = await browser.newContext();
  try {
    const pa = await a.newPage();
    const pb = await b.newPage();
    for (const p of [pa, pb]) {
      await signIn(p, 'owner@acme.test');
      await p.getByRole('link', { name: 'Leads', exact: true }).click();
      await seededLeadsListed(p);
      await syncedLive(p);
    }
    // The same lead on both devices: the last one listed (seeded, untouched by the other stories).
    const leadName = (await pa.locator('tbody tr').last().locator('th').textContent()) ?? '';
    const rowOn = (p: Page) => p.locator('tbody tr', { has: p.getByRole('rowheader', { name: leadName, exact: true }) });
    const original = await rowOn(pa).getByRole('combobox').inputValue();
    const [va, vb] = ['contacted', 'qualified', 'unqualified'].filter((v) => v !== original) as [string, string];
    await a.setOffline(true);
    await b.setOffline(true);
    await rowOn(pa).getByRole('combobox').selectOption(va);
    await rowOn(pb).getByRole('combobox').selectOption(vb);
    await a.setOffline(false);
    await expect(pa.getByTestId('pending-count')).toHaveText('0 pending', { timeout: 30_000 });
    await b.setOffline(false);
    await expect(pb.getByTestId('pending-count')).toHaveText('0 pending', { timeout: 30_000 });

    // The change that reached the server second is a conflict on its device, shown field by field.
    const issues = syncIssueCount;
    await expect.poll(async () => (await issues(pa)) + (await issues(pb)), { timeout: 30_000 }).toBe(1);
    const [loser, mine, theirs] = (await issues(pa)) === 1 ? [pa, va, vb] : [pb, vb, va];
    const winner = loser === pa ? pb : pa;
    await expect(rowOn(loser).getByText('conflict')).toBeVisible();
    await loser.getByRole('button', { name: 'Sync issues (1)' }).click();
    const card = loser.getByRole('listitem', { name: 'Conflict on leads' });
    const statusRow = card.getByRole('row', { name: /^Status/ });
    await expect(statusRow.getByRole('cell').nth(0)).toHaveText(mine);
    await expect(statusRow.getByRole('cell').nth(1)).toHaveText(theirs);
    await expect(statusRow.getByRole('cell').nth(2)).toHaveText(original);
    await shot(loser, 'sync-issues');
    await card.getByRole('button', { name: 'Resolve and resubmit' }).click(); // keep mine
    await expect(loser.getByText('Nothing to resolve')).toBeVisible({ timeout: 30_000 });
    await loser.keyboard.press('Escape'); // the drawer closes with Esc
    await expect(loser.getByRole('button', { name: 'Sync issues (0)' })).toBeVisible({ timeout: 30_000 });
    await expect(loser.getByTestId('pending-count')).toHaveText('0 pending', { timeout: 30_000 });

    // Both devices end with the kept value.
    await expect(rowOn(winner).getByRole('combobox')).toHaveValue(mine, { timeout: 15_000 });
    await expect(rowOn(loser).getByRole('combobox')).toHaveValue(mine);
  } finally {
    await a.close();
    await b.close();
  }
});

test('a field worker sees only their work orders, no leads, and clocks in, starts a job and notes it offline, through a reload', async ({ page, context }) => {
  const errors = watchErrors(page);
  await signIn(page, 'worker@acme.test');
  const tenantBase = page.url().replace(/\/dashboard$/, '');
  await expect(page.getByRole('navigation').getByRole('link', { name: 'Leads', exact: true })).toHaveCount(0);
  await page.getByRole('navigation').getByRole('link', { name: 'Work orders', exact: true }).click();
  await syncedLive(page);

  // Exactly their own open work orders; the whole-tenant shape is refused to them.
  const mine = (await (await page.request.get('/v1/shape?table=my_work_orders&offset=-1')).json()) as { value?: { id: string } }[];
  const count = mine.filter((m) => m.value).length;
  expect(count).toBeGreaterThan(0);
  await expect(page.getByText(`${count} work orders`)).toBeVisible();
  expect((await page.request.get('/v1/shape?table=work_orders&offset=-1')).status()).toBe(403);
  await page.goto(`${tenantBase}/leads`);
  await expect(page.getByRole('heading', { name: 'Not allowed' })).toBeVisible();
  await page.getByRole('navigation').getByRole('link', { name: 'Work orders', exact: true }).click();
  // From the next load on the service worker serves the app (the first visit precached it).
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.reload();
  await expect(page.getByText(`${count} work orders`)).toBeVisible();

  await context.setOffline(true);
  const startable = page.locator('tbody tr').filter({ has: page.getByRole('button', { name: /^Start / }) }).first();
  const number = (await startable.getByRole('link').textContent()) ?? '';
  const row = page.locator('tbody tr').filter({ has: page.getByRole('link', { name: number, exact: true }) });
  await row.getByRole('button', { name: /^Start / }).click();
  await expect(row).toContainText('in progress');
  await expect(row.getByText('pending')).toBeVisible();
  await page.getByRole('navigation').getByRole('link', { name: 'Clock', exact: true }).click();
  await page.getByRole('button', { name: 'Clock in' }).click();
  await expect(page.getByText(/Clocked in since/)).toBeVisible();
  await expect(page.getByTestId('pending-count')).toHaveText('2 pending');
  // A note on the job, still offline.
  await page.getByRole('navigation').getByRole('link', { name: 'Work orders', exact: true }).click();
  await page.getByRole('link', { name: number, exact: true }).click();
  const note = `Replaced the valve ${Date.now()}`;
  await page.getByLabel('Details').fill(note);
  await page.getByRole('button', { name: 'Add note' }).click();
  await expect(page.getByText(note)).toBeVisible();
  await expect(page.getByTestId('pending-count')).toHaveText('3 pending');

  // Still offline, the app reloads from the service worker with all three changes.
  await page.reload();
  await expect(page.getByText(/You are offline/)).toBeVisible();
  await expect(page.getByTestId('pending-count')).toHaveText('3 pending');
  await expect(page.getByText(note)).toBeVisible();
  await expect(page.getByText('in progress')).toBeVisible();

  await context.setOffline(false);
  await expect(page.getByTestId('pending-count')).toHaveText('0 pending', { timeout: 30_000 });
  const after = (await (await page.request.get('/v1/shape?table=my_work_orders&offset=-1')).json()) as { value?: { number: string; status: string } }[];
  expect(after.filter((m) => m.value?.number === number).map((m) => m.value?.status)).toEqual(['in_progress']);
  const entries = (await (await page.request.get('/v1/shape?table=my_time_entries&offset=-1')).json()) as { value?: { clock_out_at: string | null } }[];
  expect(entries.filter((m) => m.value && m.value.clock_out_at === null)).toHaveLength(1);
  const notes = (await (await page.request.get('/v1/shape?table=activities&offset=-1')).json()) as { value?: { body: string | null; related_table: string } }[];
  expect(notes.filter((m) => m.value?.body === note).map((m) => m.value?.related_table)).toEqual(['work_orders']);
  expect(errors).toEqual([]);
});
