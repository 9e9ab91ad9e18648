import { expect, test, type Page } from '@playwright/test';
import { localRows, localStores, openPage, serverRows, shot, signIn, signOut, syncedLive, watchErrors } from './helpers.ts';

/*
 * Stories beside the offline basics (local-first.spec.ts): the CRM pages, the
 * spaces and their guards, tenant switch and sign-out leaving nothing behind,
 * a rejected write, and the connection budget with two tabs.
 */

test('the owner works through companies, contacts, the pipeline and tasks, all on the local database', async ({ page }) => {
  const errors = watchErrors(page);
  await page.setViewportSize({ width: 1280, height: 800 });
  await signIn(page, 'owner@acme.test');
  await syncedLive(page);
  await shot(page, 'dashboard');
  await openPage(page, 'Leads');
  await expect(page.getByTestId('leads-count')).toHaveText(/^[1-9][\d,]* leads/);
  // Assignees' names come from the team directory, loaded once online.
  await expect(page.getByRole('cell', { name: 'Marco Manager' }).first()).toBeVisible();
  await shot(page, 'leads');
  const stamp = Date.now();

  // A company, then a contact added on the company's own page.
  await openPage(page, 'Companies');
  await page.getByLabel('Company name').fill(`Northwind ${stamp}`);
  await page.getByRole('button', { name: 'Add company' }).click();
  await page.getByRole('link', { name: `Northwind ${stamp}` }).click();
  await expect(page.getByRole('heading', { level: 1, name: new RegExp(`Northwind ${stamp}`) })).toBeVisible();
  const contacts = page.getByRole('region', { name: 'Contacts' });
  await contacts.getByLabel('First name').fill('Ada');
  await contacts.getByLabel('Last name').fill(`Lovelace ${stamp}`);
  await contacts.getByRole('button', { name: 'Add contact' }).click();
  await expect(contacts.getByRole('link', { name: `Ada Lovelace ${stamp}` })).toBeVisible();
  // Field validation uses the write API's own rules: a bad email is refused before anything is queued.
  await page.getByLabel('Email', { exact: true }).first().fill('not-an-email');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('alert').filter({ hasText: /email/i })).toBeVisible();
  await page.getByLabel('Email', { exact: true }).first().fill(`hello${stamp}@northwind.test`);
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText('Saved on this device.')).toBeVisible();

  // The board has the template's stages; a new opportunity starts in the first and moves.
  await openPage(page, 'Pipeline');
  for (const stage of ['New', 'Site visit', 'Quote sent', 'Negotiation', 'Won', 'Lost']) {
    await expect(page.getByRole('region', { name: `Stage ${stage}` })).toBeVisible();
  }
  await page.getByLabel('Opportunity', { exact: true }).fill(`Roof ${stamp}`);
  await page.getByLabel('Amount').fill('12500');
  await page.getByRole('button', { name: 'Add opportunity' }).click();
  const newStage = page.getByRole('region', { name: 'Stage New' });
  await expect(newStage.getByRole('link', { name: `Roof ${stamp}` })).toBeVisible();
  await page.getByLabel(`Move Roof ${stamp} to`).selectOption('quote_sent');
  await expect(page.getByRole('region', { name: 'Stage Quote sent' }).getByRole('link', { name: `Roof ${stamp}` })).toBeVisible();
  await shot(page, 'pipeline');

  await openPage(page, 'Tasks');
  await page.getByLabel('Task', { exact: true }).fill(`Call Ada ${stamp}`);
  await page.getByRole('button', { name: 'Add task' }).click();
  await page.getByRole('checkbox', { name: `Done: Call Ada ${stamp}` }).click();
  await page.getByLabel('Status').selectOption('done');
  await expect(page.getByRole('checkbox', { name: `Done: Call Ada ${stamp}` })).toBeChecked();
  await expect(page.getByTestId('pending-count')).toHaveText('0 pending', { timeout: 30_000 });

  // The server holds each change exactly once.
  expect((await serverRows(page, 'companies')).filter((c) => c.name === `Northwind ${stamp}`).map((c) => c.email)).toEqual([`hello${stamp}@northwind.test`]);
  expect((await serverRows(page, 'contacts')).filter((c) => c.last_name === `Lovelace ${stamp}`)).toHaveLength(1);
  expect((await serverRows(page, 'opportunities')).filter((o) => o.name === `Roof ${stamp}`).map((o) => [o.stage, o.amount])).toEqual([['quote_sent', '12500.00']]);
  expect((await serverRows(page, 'tasks')).filter((t) => t.title === `Call Ada ${stamp}`).map((t) => t.status)).toEqual(['done']);

  await openPage(page, 'Work orders');
  await expect(page.getByText(/^\d+ work orders$/)).toBeVisible();
  await shot(page, 'work-orders');
  expect(errors).toEqual([]);
});

test('old flat URLs land in the tenant space, and another space\'s pages send the user home', async ({ page }) => {
  await signIn(page, 'owner@acme.test');
  const home = page.url();
  const tenantBase = home.replace(/\/dashboard$/, '');
  await page.goto('/leads');
  await expect(page).toHaveURL(`${tenantBase}/leads`);
  await page.goto('/provider/dashboard');
  await expect(page).toHaveURL(home);
  await page.goto('/tenant/00000000-0000-4000-8000-000000000000/client/leads');
  await expect(page).toHaveURL(home);
  // Only the client space's nav is shown.
  await expect(page.getByRole('navigation', { name: 'Client space' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: /Provider|Developer|Accounting/ })).toHaveCount(0);
});

test('each staff space has its own pages: provider tenants, dev diagnostics, accounting revenue', async ({ browser }) => {
  const visit = async (email: string, space: string, check: (p: Page) => Promise<void>) => {
    const ctx = await browser.newContext();
    try {
      const page = await ctx.newPage();
      const errors = watchErrors(page);
      await signIn(page, email, new RegExp(`/${space}/dashboard$`));
      await check(page);
      await page.goto('/tenant/00000000-0000-4000-8000-000000000000/client/dashboard');
      await expect(page).toHaveURL(new RegExp(`/${space}/dashboard$`));
      await ctx.setOffline(true);
      await expect(page.getByText(/This page needs a connection/)).toBeVisible();
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  };
  await visit('provider@streamflow.test', 'provider', async (page) => {
    await expect(page.getByRole('navigation', { name: 'Provider space' })).toBeVisible();
    await expect(page.getByRole('cell', { name: 'Acme Field Services' }).or(page.getByRole('rowheader', { name: 'Acme Field Services' }))).toBeVisible();
    await shot(page, 'provider-tenants');
    await openPage(page, 'Audit log');
    await expect(page.getByRole('heading', { name: 'Audit log' })).toBeVisible();
    await expect(page.locator('tbody tr').first()).toBeVisible();
  });
  await visit('dev@streamflow.test', 'dev', async (page) => {
    await expect(page.getByRole('region', { name: 'Database' })).toContainText('reachable');
    await expect(page.getByRole('region', { name: 'Sync' })).toContainText(/Watermark \d+/);
    await shot(page, 'dev-diagnostics');
    await openPage(page, 'Jobs');
    await expect(page.getByRole('heading', { name: 'Background jobs' })).toBeVisible();
  });
  await visit('accountant@streamflow.test', 'accounting', async (page) => {
    await expect(page.getByRole('rowheader', { name: 'Acme Field Services' }).first()).toBeVisible();
    await expect(page.getByRole('rowheader', { name: 'Globex Plumbing' }).first()).toBeVisible();
    await shot(page, 'accounting-revenue');
    await openPage(page, 'Invoices');
    await expect(page.locator('tbody tr').first()).toBeVisible();
    await page.getByLabel('Tenant').selectOption({ label: 'Globex Plumbing' });
    await expect(page.locator('tbody tr').first()).toContainText('Globex Plumbing');
    await expect(page.locator('tbody tr', { hasText: 'Acme Field Services' })).toHaveCount(0);
  });
});

test('a field worker\'s local database holds only their own work orders and nothing of another tenant', async ({ page }) => {
  await signIn(page, 'worker@acme.test');
  await syncedLive(page);
  const me = (await (await page.request.get('/api/me')).json()) as { id: string; tenantId: string };
  const orders = await localRows<{ assignee_id: string; org_id: string }>(page, 'SELECT assignee_id, org_id FROM work_orders');
  expect(orders.length).toBeGreaterThan(0);
  expect(orders.every((o) => o.assignee_id === me.id && o.org_id === me.tenantId)).toBe(true);
  const foreign = await localRows<{ n: number }>(
    page,
    `SELECT (SELECT count(*) FROM companies WHERE org_id <> $1) + (SELECT count(*) FROM contacts WHERE org_id <> $1)
          + (SELECT count(*) FROM time_entries WHERE org_id <> $1) + (SELECT count(*) FROM work_orders WHERE org_id <> $1) AS n`,
    [me.tenantId],
  );
  expect(Number(foreign[0]?.n)).toBe(0);
  expect(await localRows(page, 'SELECT id FROM leads')).toEqual([]);
});

test('switching tenant and signing out leave no readable data of the previous tenant for the next user', async ({ page }) => {
  const errors = watchErrors(page);
  await signIn(page, 'consultant@streamflow.test');
  await syncedLive(page);
  const first = (await (await page.request.get('/api/me')).json()) as { id: string; tenantId: string };
  expect(await localStores(page)).toEqual([expect.stringContaining(first.tenantId)]);
  const companiesBefore = await localRows<{ org_id: string }>(page, 'SELECT DISTINCT org_id FROM companies');
  expect(companiesBefore).toEqual([{ org_id: first.tenantId }]);

  // Switch to the other tenant: its data only, the previous store gone.
  const switcher = page.getByLabel('Tenant');
  const other = await switcher.locator('option:not(:checked)').first().getAttribute('value');
  expect(other).toBeTruthy();
  await switcher.selectOption(other ?? '');
  await expect(page).toHaveURL(new RegExp(`/tenant/${other}/client/dashboard$`));
  await syncedLive(page);
  await expect.poll(() => localStores(page), { timeout: 15_000 }).toEqual([expect.stringContaining(other ?? '')]);
  expect(await localRows(page, 'SELECT DISTINCT org_id FROM companies')).toEqual([{ org_id: other }]);
  expect(await localRows(page, 'SELECT id FROM companies WHERE org_id = $1', [first.tenantId])).toEqual([]);

  // Sign out: nothing left; the next person at this browser signs in to an empty store of their own.
  await signOut(page);
  await expect(page.getByRole('heading', { name: 'Sign in to StreamFlow' })).toBeVisible();
  await expect.poll(() => localStores(page), { timeout: 15_000 }).toEqual([]);
  expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('streamflow.me')))).toEqual([]);
  await signIn(page, 'owner@globex.test');
  await syncedLive(page);
  const next = (await (await page.request.get('/api/me')).json()) as { id: string };
  const stores = await localStores(page);
  expect(stores).toHaveLength(1);
  expect(stores[0]).toContain(next.id);
  expect(stores[0]).not.toContain(first.id);
  expect(errors).toEqual([]);
});

test('a write rejected because the role lost its permission shows its reason in the drawer and can be discarded', async ({ browser }) => {
  const managerCtx = await browser.newContext();
  const ownerCtx = await browser.newContext();
  const owner = await ownerCtx.newPage();
  const manager = await managerCtx.newPage();
  const togglePermission = async (on: boolean) => {
    await openPage(owner, 'Team');
    await owner.getByRole('button', { name: 'Dispatcher' }).click();
    const box = owner.getByRole('checkbox', { name: 'Dispatcher: Edit leads' });
    // As a keyboard user would: the checkbox's own input sits under its drawn box.
    if ((await box.isChecked()) !== on) await box.press('Space');
    await expect(box).toBeChecked({ checked: on });
    await expect(owner.getByRole('status')).toContainText(`Dispatcher ${on ? 'can now' : 'can no longer'} edit leads`);
    await shot(owner, 'team');
  };
  try {
    await signIn(owner, 'owner@acme.test');
    await signIn(manager, 'manager@acme.test');
    await openPage(manager, 'Leads');
    await expect.poll(() => manager.locator('tbody tr').count(), { timeout: 30_000 }).toBeGreaterThan(10);
    await syncedLive(manager);

    // Offline, the manager changes a lead; meanwhile the owner takes leads.update away from the role.
    await managerCtx.setOffline(true);
    // A listed lead whose name no other lead has (the demo data repeats some names).
    const listed = await manager.locator('tbody tr th').allTextContents();
    const names = await localRows<{ name: string; n: number }>(manager, 'SELECT name, count(*)::int AS n FROM leads GROUP BY name');
    const leadName = listed.find((l) => names.find((x) => x.name === l)?.n === 1) ?? '';
    expect(leadName).not.toBe('');
    const mine = manager.locator('tbody tr', { has: manager.getByRole('rowheader', { name: leadName, exact: true }) });
    const status = mine.getByRole('combobox', { name: /^Status/ });
    const before = await status.inputValue();
    const after = before === 'contacted' ? 'qualified' : 'contacted';
    await status.selectOption(after);
    await expect(manager.getByTestId('pending-count')).toHaveText('1 pending');
    await togglePermission(false);

    await managerCtx.setOffline(false);
    await expect(manager.getByRole('button', { name: 'Sync issues (1)' })).toBeVisible({ timeout: 30_000 });
    await expect(mine.getByText('rejected')).toBeVisible();
    await manager.getByRole('button', { name: 'Sync issues (1)' }).click();
    const card = manager.getByRole('listitem', { name: /Rejected/ });
    await expect(card).toContainText(/permission|not allowed|FORBIDDEN/i);
    await shot(manager, 'sync-issues-rejected');
    await card.getByRole('button', { name: /Discard/ }).click();
    await expect(manager.getByText('Nothing to resolve')).toBeVisible({ timeout: 15_000 });
    await manager.keyboard.press('Escape'); // the drawer closes with Esc
    await expect(manager.getByRole('button', { name: 'Sync issues (0)' })).toBeVisible({ timeout: 15_000 });
    // The local change is gone: the lead shows the server's value again, and the server never changed.
    await expect(status).toHaveValue(before);
    expect((await serverRows(owner, 'leads')).filter((l) => l.name === leadName).map((l) => l.status)).toEqual([before]);
  } finally {
    await togglePermission(true).catch(() => undefined);
    await managerCtx.close();
    await ownerCtx.close();
  }
});

test('with every shape live in two tabs, a write from the second tab uploads and comes back within the connection budget', async ({ context }, testInfo) => {
  const first = await context.newPage();
  await signIn(first, 'owner@acme.test');
  await syncedLive(first);
  const second = await context.newPage();
  await second.goto(first.url());
  await syncedLive(second);

  // Requests in flight to our origin, across both tabs and their workers.
  let inFlight = 0;
  let most = 0;
  const origin = new URL(first.url()).origin;
  context.on('request', (r) => {
    if (!r.url().startsWith(origin)) return;
    inFlight += 1;
    most = Math.max(most, inFlight);
  });
  const done = (r: { url(): string }) => {
    if (r.url().startsWith(origin)) inFlight -= 1;
  };
  context.on('requestfinished', done);
  context.on('requestfailed', done);

  await openPage(second, 'Tasks');
  const title = `Budget check ${Date.now()}`;
  const t0 = Date.now();
  await second.getByLabel('Task', { exact: true }).fill(title);
  await second.getByRole('button', { name: 'Add task' }).click();
  // Back from the server: the synced row carries the write, the overlay is cleared, both tabs agree.
  await expect.poll(async () => (await localRows<{ n: number }>(second, `SELECT count(*)::int AS n FROM tasks_synced WHERE title = $1`, [title]))[0]?.n, { timeout: 15_000 }).toBe(1);
  const roundTripMs = Date.now() - t0;
  await expect(second.getByTestId('pending-count')).toHaveText('0 pending');
  await openPage(first, 'Tasks');
  await expect(first.getByText(title)).toBeVisible();
  testInfo.annotations.push({ type: 'round trip', description: `${roundTripMs} ms from the second tab's write to the synced row` });
  // One wake-up long-poll, at most three catch-ups and the upload: never the browser's six.
  expect(most).toBeLessThanOrEqual(5);
});
