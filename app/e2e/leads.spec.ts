import { expect, test, type Page } from '@playwright/test';
import { openPage, serverRows, shot, signIn, syncedLive, watchErrors } from './helpers.ts';

/*
 * The leads experience on Globex (owner@globex.test), so Acme's seeded
 * counts that other stories rely on stay as they are: a lead created with a
 * duplicate warning, edited, noted and converted while offline, then on the
 * server exactly once; and the windowed list over a couple of thousand rows.
 */

const leadsCount = (page: Page) => page.getByTestId('leads-count');

async function openLeads(page: Page) {
  await openPage(page, 'Leads');
  await expect(leadsCount(page)).toHaveText(/^[1-9][\d,]* leads/, { timeout: 60_000 });
  await syncedLive(page);
}

/** The page's inputs, selects and textareas without an accessible name (and how many there are). */
async function unlabelledControls(page: Page): Promise<{ controls: number; unlabelled: string[] }> {
  return page.evaluate(() => {
    const controls = [...document.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>('#main input, #main select, #main textarea')].filter((el) => el.type !== 'hidden');
    const unlabelled = controls.filter((el) => (el.labels?.length ?? 0) === 0 && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'));
    return { controls: controls.length, unlabelled: unlabelled.map((el) => el.outerHTML.slice(0, 80)) };
  });
}

test('a lead made offline with a duplicate warning, edited, noted and converted, reaches the server once each', async ({ page, context }) => {
  const errors = watchErrors(page);
  await signIn(page, 'owner@globex.test');
  await openLeads(page);
  await expect(page.getByTestId('pending-count')).toHaveText('0 pending');
  const onList = await unlabelledControls(page);
  expect(onList.controls).toBeGreaterThan(10);
  expect(onList.unlabelled).toEqual([]);

  // An existing lead's email, to be typed again.
  const existing = page.locator('tbody tr[data-lead-id]').first();
  const existingName = (await existing.locator('th').textContent()) ?? '';
  const existingEmail = (await existing.locator('td').nth(1).textContent()) ?? '';
  expect(existingEmail).toContain('@');

  await context.setOffline(true);
  await expect(page.getByText(/You are offline/)).toBeVisible();
  const name = `Dana Duplicate ${Date.now()}`;
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Email', { exact: true }).fill(existingEmail.toUpperCase());
  const warning = page.getByRole('status').filter({ hasText: 'Possible duplicate' });
  await expect(warning).toContainText('has the same email');
  await expect(warning.getByRole('link', { name: existingName })).toBeVisible();
  await page.getByRole('button', { name: 'Add lead' }).click();
  const row = page.locator('tbody tr', { has: page.getByRole('rowheader', { name, exact: true }) });
  await expect(row.getByText('pending')).toBeVisible();

  // Its page: the heading takes focus; edit fields, log a note, convert.
  await row.getByRole('link', { name }).click();
  const heading = page.getByRole('heading', { level: 1, name });
  await expect(heading).toBeFocused();
  const onLead = await unlabelledControls(page);
  expect(onLead.controls).toBeGreaterThan(10);
  expect(onLead.unlabelled).toEqual([]);
  await page.getByLabel('Phone', { exact: true }).fill('+1 555 010 7788');
  await page.getByLabel('Company', { exact: true }).fill(`Dana Works ${name.slice(-6)}`);
  await page.getByLabel('Status', { exact: true }).selectOption('qualified');
  await page.getByLabel('Value', { exact: true }).fill('not money');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'amount like 1234.50' })).toBeVisible();
  await page.getByLabel('Value', { exact: true }).fill('1800.00');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved on this device' })).toBeVisible();
  await shot(page, 'lead-detail');

  await page.getByLabel('Subject').fill('Met at the trade fair');
  await page.getByLabel('Details').fill('Wants a quote for two bathrooms.');
  await page.getByRole('button', { name: 'Add note' }).click();
  const note = page.getByRole('listitem').filter({ hasText: 'Met at the trade fair' });
  await expect(note).toContainText('pending');

  const convert = page.getByRole('form', { name: 'Convert to opportunity' });
  await expect(convert.getByLabel('Pipeline stage')).toHaveValue(/.+/);
  await convert.getByRole('checkbox', { name: /Also add the company/ }).check();
  await convert.getByRole('checkbox', { name: /as a contact/ }).check();
  await convert.getByRole('button', { name: 'Convert' }).click();
  await expect(page.getByText('This lead became an opportunity.')).toBeVisible();
  await expect(page.getByLabel('Status', { exact: true })).toHaveValue('converted');
  // Insert, edit, note, company, contact, opportunity, conversion: all waiting on this device.
  await expect(page.getByTestId('pending-count')).toHaveText('7 pending');

  // Back to the list: focus returns to the lead's row.
  await page.getByRole('link', { name: '← All leads' }).click();
  await expect(row.getByRole('link', { name })).toBeFocused();

  await context.setOffline(false);
  await expect(page.getByTestId('pending-count')).toHaveText('0 pending', { timeout: 30_000 });
  await expect(row.getByText('pending')).toHaveCount(0);

  const leads = (await serverRows<{ id: string; name: string; phone: string; status: string; value: string; converted_opportunity_id: string | null }>(page, 'leads')).filter((l) => l.name === name);
  expect(leads).toHaveLength(1);
  const lead = leads[0]!;
  expect(lead).toMatchObject({ phone: '+1 555 010 7788', status: 'converted', value: '1800.00' });
  const opportunities = (await serverRows<{ id: string; lead_id: string; stage: string; company_id: string; contact_id: string }>(page, 'opportunities')).filter((o) => o.lead_id === lead.id);
  expect(opportunities).toHaveLength(1);
  expect(opportunities[0]?.id).toBe(lead.converted_opportunity_id);
  expect((await serverRows<{ id: string; name: string }>(page, 'companies')).filter((c) => c.id === opportunities[0]?.company_id).map((c) => c.name)).toEqual([`Dana Works ${name.slice(-6)}`]);
  expect((await serverRows<{ id: string; first_name: string; email: string }>(page, 'contacts')).filter((c) => c.id === opportunities[0]?.contact_id).map((c) => [c.first_name, c.email])).toEqual([['Dana', existingEmail.toUpperCase()]]);
  expect((await serverRows<{ subject: string; related_id: string }>(page, 'activities')).filter((a) => a.subject === 'Met at the trade fair').map((a) => a.related_id)).toEqual([lead.id]);
  expect(errors).toEqual([]);
});

test('the list windows a couple of thousand leads: few rows in the page, scrolling and keys reach the end', async ({ page }) => {
  const errors = watchErrors(page);
  await signIn(page, 'owner@globex.test');
  // 2,000 more leads from "another device", straight through the write API.
  const stamp = Date.now();
  for (let batch = 0; batch < 4; batch++) {
    const mutations = Array.from({ length: 500 }, (_, i) => {
      const n = String(batch * 500 + i).padStart(4, '0');
      const id = crypto.randomUUID();
      return { id: crypto.randomUUID(), table: 'leads', op: 'insert', pk: { id }, values: { id, name: `Bulk ${stamp} ${n}`, status: 'new' }, base: {} };
    });
    const res = await page.request.post('/api/write', { headers: { 'idempotency-key': crypto.randomUUID(), origin: new URL(page.url()).origin }, data: { clientId: `bulk-${stamp}`, mutations } });
    expect(res.status()).toBe(200);
  }
  await openLeads(page);
  await page.getByLabel('Search leads').fill(`Bulk ${stamp}`);
  await page.getByLabel('Sort by').selectOption('name');
  await expect(leadsCount(page)).toHaveText('2,000 leads match', { timeout: 30_000 });
  await expect(page.getByRole('rowheader', { name: `Bulk ${stamp} 0000` })).toBeVisible();
  const rendered = await page.locator('tbody tr').count();
  expect(rendered).toBeGreaterThan(5);
  expect(rendered).toBeLessThan(100);
  expect(await page.getByRole('table', { name: 'Leads' }).getAttribute('aria-rowcount')).toBe('2001');

  // Scroll to the very end: the last lead is there, still only a window of rows in the page.
  await page.locator('.leads-scroller').evaluate((el) => {
    el.scrollTop = el.scrollHeight;
  });
  await expect(page.getByRole('rowheader', { name: `Bulk ${stamp} 1999` })).toBeVisible();
  expect(await page.locator('tbody tr').count()).toBeLessThan(100);

  // Keyboard: Home and End move focus between the first and last rows, arrows step.
  await page.getByRole('link', { name: `Bulk ${stamp} 1999` }).focus();
  await page.keyboard.press('Home');
  await expect(page.getByRole('link', { name: `Bulk ${stamp} 0000` })).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByRole('link', { name: `Bulk ${stamp} 0001` })).toBeFocused();
  await page.keyboard.press('End');
  await expect(page.getByRole('link', { name: `Bulk ${stamp} 1999` })).toBeFocused();

  // A phone screen: the list still fits, name, status and sync columns in view.
  await page.setViewportSize({ width: 375, height: 740 });
  await expect(page.getByRole('columnheader', { name: 'Email' })).toBeHidden();
  await expect(page.getByRole('columnheader', { name: 'Status' })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  expect(errors).toEqual([]);
});
