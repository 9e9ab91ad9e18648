import { expect, request, test, type Page } from '@playwright/test';
import { localStores, openPage, serverRows, signIn, syncedLive, watchErrors } from './helpers.ts';

/*
 * Reloads, second tabs and closing tabs at random moments (issue #20, item 13).
 * A phone's OS kills a tab and reloads it whenever it likes: during the first
 * sync, during an upload, while another tab holds the local database. None of
 * that may wedge sync, show an empty app or lose or duplicate a change
 * (docs/app.md, "Tabs and the leader").
 *
 * The moments come from a seeded generator: SEED=<n> replays a failing run.
 */
const SEED = Number(process.env.SEED ?? 20_2613);

/** mulberry32: a small seeded generator, so a failing sequence of moments can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A whole number of milliseconds in [min, max). */
const between = (random: () => number, min: number, max: number) => Math.floor(min + random() * (max - min));

const PHONE = { width: 390, height: 844 };

/**
 * How long a load may take to show the data again. A first start creates the
 * store (initdb, 4–5 s on an idle machine; several times that on the shared
 * 2-core CI box); the defect this guards against left the app empty for good.
 */
const BACK_WITHIN = 60_000;

// Several loads each, every one allowed BACK_WITHIN.
test.setTimeout(480_000);

/** The number a list's "<n> <things>" line shows, or -1 while it is not there. */
async function shownCount(page: Page, testIdOrText: { testId?: string; suffix: string }): Promise<number> {
  const line = testIdOrText.testId ? page.getByTestId(testIdOrText.testId) : page.getByText(new RegExp(`^\\d[\\d,]* ${testIdOrText.suffix}$`));
  const text = await line.first().textContent({ timeout: 500 }).catch(() => null);
  return text === null ? -1 : Number(text.replace(/\D/g, ''));
}

/** A full load of `url`, as a phone does when the OS had killed the tab; a load the next one interrupts is fine. */
async function hardLoad(page: Page, url: string) {
  await page.goto(url, { waitUntil: 'commit' });
}

test('a field worker reloading at random moments of the first sync and after always gets their work orders back', async ({ browser }) => {
  const random = rng(SEED);
  const context = await browser.newContext({ viewport: PHONE });
  const page = await context.newPage();
  const errors = watchErrors(page);
  try {
    await signIn(page, 'worker@acme.test');
    const workOrders = page.url().replace(/\/dashboard$/, '/work-orders');
    const expected = (await serverRows(page, 'my_work_orders')).length;
    expect(expected).toBeGreaterThan(0);

    for (let i = 0; i < 7; i++) {
      // The first ones land in the first sync (a new store, every shape downloading), the later ones after.
      await page.waitForTimeout(between(random, i < 3 ? 200 : 0, i < 3 ? 9_000 : 3_000));
      await hardLoad(page, workOrders);
      await expect
        .poll(() => shownCount(page, { suffix: 'work orders' }), { timeout: BACK_WITHIN, message: `reload ${i} (seed ${SEED}): the work orders are listed` })
        .toBe(expected);
    }
    await syncedLive(page);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});

/** The leads of the signed-in tenant on the server named `name` (through the shape API with the page's session). */
const serverLeadsNamed = async (page: Page, name: string) => (await serverRows<{ name: string }>(page, 'leads')).filter((l) => l.name === name).length;

test('an owner reloading at random moments of writes and uploads ends with each write on the server exactly once', async ({ browser }) => {
  const random = rng(SEED + 1);
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = watchErrors(page);
  try {
    await signIn(page, 'owner@acme.test');
    const leads = page.url().replace(/\/dashboard$/, '/leads');
    await hardLoad(page, leads);
    await syncedLive(page);
    /** Shown in the list before the reload: saved on the device, so the server must get it exactly once. */
    const acknowledged: string[] = [];
    /** Clicked but the reload came before the list showed it: at most once. */
    const unacknowledged: string[] = [];
    const stamp = Date.now();

    for (let i = 0; i < 6; i++) {
      await expect(page.getByLabel('Name', { exact: true }), `round ${i} (seed ${SEED}): the leads page is back`).toBeVisible({ timeout: BACK_WITHIN });
      // Some rounds write offline, so the reload lands while the upload of several changes runs.
      const offline = random() < 0.5;
      if (offline) await context.setOffline(true);
      const writes = 1 + Math.floor(random() * 3);
      for (let w = 0; w < writes; w++) {
        const name = `Reload lead ${stamp}-${i}-${w}`;
        await page.getByLabel('Name', { exact: true }).fill(name);
        await page.getByRole('button', { name: 'Add lead' }).click();
        const last = w === writes - 1;
        // The last write of some rounds is cut by the reload before the page shows it.
        if (last && !offline && random() < 0.3) {
          unacknowledged.push(name);
          break;
        }
        await expect(page.locator('tbody tr', { hasText: name })).toHaveCount(1);
        acknowledged.push(name);
      }
      if (offline) await context.setOffline(false);
      await page.waitForTimeout(between(random, 0, 1_500));
      await hardLoad(page, leads);
    }

    await expect(page.getByTestId('pending-count')).toHaveText('0 pending', { timeout: 30_000 });
    await syncedLive(page);
    for (const name of acknowledged) expect(await serverLeadsNamed(page, name), `${name} (seed ${SEED})`).toBe(1);
    for (const name of unacknowledged) expect(await serverLeadsNamed(page, name), `${name} (seed ${SEED})`).toBeLessThanOrEqual(1);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});

test('tabs opened and closed at random moments: the one left shows the data, takes writes and uploads them', async ({ browser }) => {
  const random = rng(SEED + 2);
  const context = await browser.newContext({ viewport: PHONE });
  const first = await context.newPage();
  const errors = watchErrors(first);
  try {
    await signIn(first, 'worker@acme.test');
    const workOrders = first.url().replace(/\/dashboard$/, '/work-orders');
    const expected = (await serverRows(first, 'my_work_orders')).length;
    await hardLoad(first, workOrders);
    const tabs: Page[] = [first];

    for (let i = 0; i < 4; i++) {
      // A second tab, opened at a random moment; then the oldest (the leader) closes at another.
      const tab = await context.newPage();
      tab.on('pageerror', (err) => {
        if (!/ENOENT/.test(err.message)) errors.push(err.message);
      });
      await hardLoad(tab, workOrders);
      tabs.push(tab);
      await tab.waitForTimeout(between(random, 0, 4_000));
      await tabs.shift()?.close();

      const left = tabs[0]!;
      await expect
        .poll(() => shownCount(left, { suffix: 'work orders' }), { timeout: BACK_WITHIN, message: `hand-over ${i} (seed ${SEED}): the work orders are listed` })
        .toBe(expected);
      // A change in the tab left is shown (its live queries follow the new leader) and uploaded.
      const row = left.locator('tbody tr').filter({ has: left.locator('td button') }).first();
      const number = (await row.getByRole('link').textContent()) ?? '';
      const same = left.locator('tbody tr').filter({ has: left.getByRole('link', { name: number, exact: true }) });
      // The status column, wherever the table puts it.
      const statusColumn = (await left.locator('thead th').allTextContents()).indexOf('Status');
      expect(statusColumn).toBeGreaterThan(-1);
      const status = same.locator('th, td').nth(statusColumn);
      const before = await status.textContent();
      // A tap that fell into the hand-over is not confirmed and not stored (docs/app.md): the list
      // still shows the old status and the user taps again. A list that stopped following the
      // database (the old defect) never shows the change however often one taps.
      await expect(async () => {
        if ((await status.textContent()) === before) await same.locator('td button').first().click();
        await expect(status).not.toHaveText(before ?? '', { timeout: 5_000 });
      }, `hand-over ${i} (seed ${SEED}): the change shows`).toPass({ timeout: 30_000 });
      await expect(left.getByTestId('pending-count')).toHaveText('0 pending', { timeout: 20_000 });
      await expect(left.getByTestId('sync-status')).toHaveAttribute('data-phase', 'live', { timeout: 20_000 });
    }
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});

test('a session ended on the server (a lost phone revoked) signs the device out at its next request and deletes the local store', async ({ browser }) => {
  const context = await browser.newContext({ viewport: PHONE });
  const page = await context.newPage();
  const errors = watchErrors(page);
  try {
    await signIn(page, 'worker@acme.test');
    await openPage(page, 'Work orders');
    await syncedLive(page);
    expect(await localStores(page)).toHaveLength(1);

    // The session ends on the server while the phone still holds its cookie (as when the owner revokes it).
    const origin = new URL(page.url()).origin;
    const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const elsewhere = await request.newContext({ baseURL: origin, extraHTTPHeaders: { cookie, origin } });
    expect((await elsewhere.post('/api/auth/sign-out', { data: {} })).status()).toBe(200);
    await elsewhere.dispose();
    expect((await page.request.get('/api/me')).status()).toBe(401);

    // The leader's next request (the wake long-poll, at most SHAPE_LIVE_TIMEOUT_MS away) answers 401.
    await expect(page.getByRole('heading', { name: 'Sign in to StreamFlow' })).toBeVisible({ timeout: BACK_WITHIN });
    await expect.poll(() => localStores(page), { timeout: 15_000 }).toEqual([]);
    expect(await page.evaluate(() => localStorage.getItem('streamflow.me'))).toBeNull();
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});
