import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/types.ts';
import { seedDemo } from '../seed/demo.ts';
import { addTestUser, signIn, type SignedIn } from '../testing/auth.ts';
import type { TestEngine } from '../testing/db.ts';
import { mutation, postWrite } from '../testing/mutations.ts';
import { createSecretBox } from '../crypto/secret-box.ts';
import { requireSecretBox } from './deps.ts';
import { reencryptSecrets } from './reencrypt.ts';
import { createJobRunner } from '../jobs/worker.ts';
import { billingJobHandlers, processPaymentRequests, PAYMENT_REQUEST_JOB } from './payment-requests.ts';
import { json, startBillingHarness, type BillingHarness } from './test-support.ts';

/**
 * Connect onboarding, invoice checkout on behalf of the tenant, offline
 * payment requests and plan entitlements, through the real app with billing
 * mounted and the real `stripe` SDK talking to the local fake Stripe.
 */
export function billingRoutesSuite(engine: TestEngine) {
  describe(`billing routes (${engine.kind})`, () => {
    let db: Database;
    let h: BillingHarness;
    let owner: SignedIn;
    let manager: SignedIn;
    let orgId: string;
    let invoice: { id: string; currency: string };
    const customer = 'cus_AcmeRoutes0001';

    const body = async (res: Response) => (await res.json()) as Record<string, unknown> & { error?: { code: string } };
    const subscription = (status: string, price: string, created: number) =>
      h.event('customer.subscription.updated', { id: 'sub_R', object: 'subscription', customer, status, metadata: { org_id: orgId }, items: { object: 'list', data: [{ id: 'si_R', object: 'subscription_item', price: { id: price, object: 'price' }, current_period_end: created + 30 * 86_400 }] } }, { created });

    beforeAll(async () => {
      db = await engine.open();
      await seedDemo(db);
      h = await startBillingHarness(db);
      owner = await signIn(h.app, 'owner@acme.test');
      manager = await signIn(h.app, 'manager@acme.test');
      const [acme] = await db.rows<{ id: string }>(sql`select id from organization where slug = 'acme'`);
      orgId = acme!.id;
      await db.rows(sql`update organization set stripe_customer_id = ${customer} where id = ${orgId}`);
      const [inv] = await db.rows<{ id: string; currency: string }>(
        sql`select id::text as id, currency from invoices where org_id = ${orgId} and status in ('open', 'draft') and total - amount_paid >= 20 order by number limit 1`,
      );
      invoice = inv!;
    });
    afterAll(async () => {
      await h?.close();
      await db?.close();
    });

    it('starts Connect once, stores the account id encrypted, and reports its state from Stripe', async () => {
      expect((await h.app.request('/api/client-billing/connect/start', json(manager.headers, {}))).status).toBe(403);
      const first = await h.app.request('/api/client-billing/connect/start', json(owner.headers, {}));
      expect(first.status).toBe(200);
      expect(await body(first)).toMatchObject({ created: true, status: 'pending', url: expect.stringMatching(/^https?:/) });
      const again = await body(await h.app.request('/api/client-billing/connect/start', json(owner.headers, {})));
      expect(again).toMatchObject({ created: false, status: 'pending' });
      const accounts = h.fake.calls('POST /v1/accounts');
      expect(accounts).toHaveLength(1);
      expect(accounts[0]?.idempotencyKey).toBe(`streamflow-connect-account:${orgId}`);

      const [row] = await db.rows<{ account_id_enc: string }>(sql`select account_id_enc from tenant_stripe_connect where org_id = ${orgId}`);
      const accountId = requireSecretBox(h.env).open(row!.account_id_enc);
      expect(accountId).toMatch(/^acct_/);
      expect(row!.account_id_enc).not.toContain(accountId);
      expect(row!.account_id_enc).not.toContain(accountId.slice(5));

      const pending = await body(await h.app.request('/api/client-billing/connect/status', { headers: owner.headers }));
      expect(pending).toMatchObject({ status: 'pending', chargesEnabled: false });
      h.fake.updateAccount(accountId, { details_submitted: true, charges_enabled: true, payouts_enabled: true });
      const active = await body(await h.app.request('/api/client-billing/connect/status', { headers: owner.headers }));
      expect(active).toMatchObject({ status: 'active', detailsSubmitted: true, chargesEnabled: true, payoutsEnabled: true });
    });

    it('starts Connect once when several starts race, for another tenant', async () => {
      const other = await signIn(h.app, 'owner@globex.test');
      const [globex] = await db.rows<{ id: string }>(sql`select id from organization where slug = 'globex'`);
      const results = await Promise.all([0, 1, 2].map(() => h.app.request('/api/client-billing/connect/start', json(other.headers, {}))));
      expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
      const calls = h.fake.calls('POST /v1/accounts').filter((r) => r.idempotencyKey === `streamflow-connect-account:${globex!.id}`);
      // However they interleave (a start that sees the stored row asks Stripe nothing), Stripe made one account.
      expect(calls.length).toBeGreaterThanOrEqual(1);
      expect(calls.filter((r) => !r.replayed)).toHaveLength(1);
      const rows = await db.rows<{ account_id_enc: string }>(sql`select account_id_enc from tenant_stripe_connect where org_id = ${globex!.id}`);
      expect(rows).toHaveLength(1);
      const links = h.fake.calls('POST /v1/account_links').slice(-3).map((r) => r.body.account);
      expect(new Set(links)).toEqual(new Set([requireSecretBox(h.env).open(rows[0]!.account_id_enc)]));
    });

    it("opens Checkout for an invoice on behalf of the tenant's account, with the plan's fee; a replay reuses the session", async () => {
      const [row] = await db.rows<{ account_id_enc: string }>(sql`select account_id_enc from tenant_stripe_connect where org_id = ${orgId}`);
      const accountId = requireSecretBox(h.env).open(row!.account_id_enc);
      const before = h.fake.calls('POST /v1/checkout/sessions').length;
      const first = await body(await h.app.request('/api/client-billing/checkout', json(owner.headers, { invoiceId: invoice.id, amount: '10.00' })));
      expect(first).toMatchObject({ amount: 1000, reused: false, url: expect.stringMatching(/^https?:/) });
      const call = h.fake.calls('POST /v1/checkout/sessions')[before];
      expect(call?.idempotencyKey).toBe(`streamflow-invoice:${invoice.id}:1000`);
      expect(call?.body).toMatchObject({
        mode: 'payment',
        client_reference_id: invoice.id,
        // The demo tenant is on Pro: a 1 % platform fee.
        payment_intent_data: { on_behalf_of: accountId, transfer_data: { destination: accountId }, application_fee_amount: '10' },
      });

      const replay = await body(await h.app.request('/api/client-billing/checkout', json(owner.headers, { invoiceId: invoice.id, amount: '10.00' })));
      expect(replay).toMatchObject({ sessionId: first.sessionId, reused: true });
      const [stored] = await db.rows<{ stripe_checkout_session_id: string }>(sql`select stripe_checkout_session_id from invoices where id = ${invoice.id}`);
      expect(stored?.stripe_checkout_session_id).toBe(first.sessionId);

      const tooMuch = await h.app.request('/api/client-billing/checkout', json(owner.headers, { invoiceId: invoice.id, amount: '99999999.00' }));
      expect(tooMuch.status).toBe(422);
      expect((await body(tooMuch)).error?.code).toBe('AMOUNT_INVALID');
    });

    it('turns an offline payment request, uploaded twice, into exactly one Checkout Session and writes the link back', async () => {
      const id = crypto.randomUUID();
      const m = mutation.insert('payment_requests', { id, invoice_id: invoice.id, amount: '5.00' });
      const up1 = await postWrite(h.app, owner.headers, [m]);
      expect(up1.body).toMatchObject({ results: [{ status: 'applied' }] });
      // The same change again after a lost response, under a new batch key.
      const up2 = await postWrite(h.app, owner.headers, [m]);
      expect(up2.body.results[0]).toMatchObject({ status: 'duplicate' });

      const jobs = await db.rows<{ n: number }>(sql`select count(*)::int as n from jobs where kind = ${PAYMENT_REQUEST_JOB} and payload->>'paymentRequestId' = ${id}`);
      expect(jobs[0]?.n).toBe(1);
      // The job and the recovery sweep both run: still one session.
      await processPaymentRequests(h.deps);
      await processPaymentRequests(h.deps);
      const calls = h.fake.calls('POST /v1/checkout/sessions').filter((r) => r.idempotencyKey === `payreq:${id}`);
      expect(calls).toHaveLength(1);
      const [row] = await db.rows<{ status: string; checkout_url: string | null; stripe_checkout_session_id: string | null }>(
        sql`select status, checkout_url, stripe_checkout_session_id from payment_requests where id = ${id}`,
      );
      expect(row).toMatchObject({ status: 'link_ready', checkout_url: expect.stringMatching(/^https?:/), stripe_checkout_session_id: expect.stringMatching(/^cs_/) });

      // The client may not write the server's fields.
      const forged = await postWrite(h.app, owner.headers, [mutation.insert('payment_requests', { id: crypto.randomUUID(), invoice_id: invoice.id, amount: '5.00', checkout_url: 'https://evil.test' })]);
      expect(forged.body.results[0]).toMatchObject({ status: 'rejected', code: 'INVALID' });
    });

    it('retries a payment request through Stripe failures under one key, and marks it failed after the last attempt', async () => {
      const runner = createJobRunner({ db, clock: { now: () => new Date() }, logger: h.logger, handlers: billingJobHandlers(h.deps), random: () => 0 });
      const request = async (amount: string) => {
        const id = crypto.randomUUID();
        expect((await postWrite(h.app, owner.headers, [mutation.insert('payment_requests', { id, invoice_id: invoice.id, amount })])).body.results[0]).toMatchObject({ status: 'applied' });
        return id;
      };
      const rowOf = async (id: string) =>
        (await db.rows<{ status: string; failure_code: string | null; checkout_url: string | null }>(sql`select status, failure_code, checkout_url from payment_requests where id = ${id}`))[0];
      const jobOf = async (id: string) =>
        (await db.rows<{ status: string; attempts: number }>(sql`select status, attempts from jobs where dedupe_key = ${`payreq:${id}`}`))[0];
      const sessionsFor = (id: string) => h.fake.calls('POST /v1/checkout/sessions').filter((r) => r.idempotencyKey === `payreq:${id}`);

      // Stripe down for a whole job attempt (the SDK's own retries included): the job retries later, the row waits.
      const flaky = await request('2.00');
      h.fake.failNext('POST /v1/checkout/sessions', 500, undefined, 3);
      await runner.runDueJobs();
      expect(await jobOf(flaky)).toMatchObject({ status: 'queued', attempts: 1 });
      expect(await rowOf(flaky)).toMatchObject({ status: 'requested', checkout_url: null });
      await db.rows(sql`update jobs set run_at = now() - interval '1 second' where dedupe_key = ${`payreq:${flaky}`}`);
      await runner.runDueJobs();
      expect(await jobOf(flaky)).toMatchObject({ status: 'succeeded', attempts: 2 });
      expect(await rowOf(flaky)).toMatchObject({ status: 'link_ready', checkout_url: expect.stringMatching(/^https:/) });
      // Four tries reached Stripe under the row's key; one of them made the session.
      expect(sessionsFor(flaky).map((r) => r.status)).toEqual([500, 500, 500, 200]);

      // On the job's last attempt the row says what happened instead of waiting for ever.
      const doomed = await request('3.00');
      await db.rows(sql`update jobs set max_attempts = 1 where dedupe_key = ${`payreq:${doomed}`}`);
      h.fake.failNext('POST /v1/checkout/sessions', 500, undefined, 3);
      await runner.runDueJobs();
      expect(await rowOf(doomed)).toMatchObject({ status: 'failed', failure_code: 'STRIPE_UNAVAILABLE', checkout_url: null });
      expect(sessionsFor(doomed).map((r) => r.status)).toEqual([500, 500, 500]);
      expect(await jobOf(doomed)).toMatchObject({ status: 'succeeded' });
    });

    it("turns a module off on downgrade (routes and shapes refuse) and on again on upgrade", async () => {
      const t = Math.floor(h.clock.now().getTime() / 1000);
      const shape = () => h.app.request('/v1/shape?table=invoices&offset=-1', { headers: owner.headers });
      const checkout = () => h.app.request('/api/client-billing/checkout', json(owner.headers, { invoiceId: invoice.id, amount: '10.00' }));
      expect((await shape()).status).toBe(200);

      expect((await h.deliver('provider', subscription('active', 'price_starter_monthly', t + 10))).status).toBe(200);
      const off = await shape();
      expect(off.status).toBe(403);
      expect((await body(off)).error?.code).toBe('MODULE_NOT_ENTITLED');
      expect((await body(await checkout())).error?.code).toBe('MODULE_NOT_ENTITLED');
      // Core CRM stays.
      expect((await h.app.request('/v1/shape?table=leads&offset=-1', { headers: owner.headers })).status).toBe(200);
      // The write API refuses the module's tables too, a batch that starts with such an insert included.
      const quote = () => mutation.insert('quotes', { id: crypto.randomUUID(), number: `Q-${crypto.randomUUID().slice(0, 8)}` });
      const refused = await postWrite(h.app, owner.headers, [quote(), mutation.insert('leads', { id: crypto.randomUUID(), name: 'Still a lead' })]);
      expect(refused.status).toBe(200);
      expect(refused.body.results.map((r) => [r.status, r.code ?? null])).toEqual([['rejected', 'FORBIDDEN'], ['applied', null]]);
      expect(String(refused.body.results[0]?.message)).toMatch(/plan does not include quotes/);
      const ent = await body(await h.app.request('/api/billing/entitlements', { headers: owner.headers }));
      expect(ent).toMatchObject({ entitlements: { plan: 'starter', modules: { invoicing: false, crm: true } } });

      await h.deliver('provider', subscription('active', 'price_pro_monthly', t + 20));
      expect((await shape()).status).toBe(200);
      expect((await checkout()).status).toBe(200);
      expect((await postWrite(h.app, owner.headers, [quote()])).body.results.map((r) => r.status)).toEqual(['applied']);
    });

    it('re-seals stored secrets under a new key once, keeping their values', async () => {
      const oldKey = h.env.APP_ENCRYPTION_KEY ?? '';
      const [before] = await db.rows<{ account_id_enc: string }>(sql`select account_id_enc from tenant_stripe_connect where org_id = ${orgId}`);
      const plain = createSecretBox(oldKey).open(before!.account_id_enc);
      const rotated = createSecretBox(Buffer.alloc(32, 9).toString('base64'), [oldKey]);
      const [{ n } = { n: 0 }] = await db.rows<{ n: number }>(sql`select count(*)::int as n from tenant_stripe_connect`);
      expect(n).toBe(2);
      expect(await reencryptSecrets(db, rotated)).toEqual({ checked: n, resealed: n });
      expect(await reencryptSecrets(db, rotated)).toEqual({ checked: n, resealed: 0 });
      const [after] = await db.rows<{ account_id_enc: string }>(sql`select account_id_enc from tenant_stripe_connect where org_id = ${orgId}`);
      expect(rotated.keyIdOf(after!.account_id_enc)).toBe(rotated.currentKeyId);
      expect(rotated.open(after!.account_id_enc)).toBe(plain);
      // The old key alone can no longer open it.
      expect(() => createSecretBox(oldKey).open(after!.account_id_enc)).toThrow();
      const [audit] = await db.rows<{ n: number }>(sql`select count(*)::int as n from audit_log where action = 'platform.secrets.reencrypt'`);
      expect(audit?.n).toBe(2);
      // Put the original key back for the suites after this one.
      await reencryptSecrets(db, createSecretBox(oldKey, [Buffer.alloc(32, 9).toString('base64')]));
    });

    it('lists every tenant with its plan and subscription state for provider staff only', async () => {
      await addTestUser(db, { email: `provider-${engine.kind}@platform.test`, space: 'provider' });
      const staff = await signIn(h.app, `provider-${engine.kind}@platform.test`);
      const res = await h.app.request('/api/provider/tenants', { headers: staff.headers });
      expect(res.status).toBe(200);
      const { tenants } = (await res.json()) as { tenants: { slug: string; plan: string; subscriptionStatus: string; members: number }[] };
      expect(tenants.map((t) => t.slug).sort()).toEqual(expect.arrayContaining(['acme', 'globex']));
      expect(tenants.find((t) => t.slug === 'acme')).toMatchObject({ plan: expect.any(String), subscriptionStatus: expect.any(String), members: expect.any(Number) });
      expect((await h.app.request('/api/provider/tenants', { headers: owner.headers })).status).toBe(403);
    });

    it('lets only the owner start a subscription checkout, with one Stripe customer per tenant', async () => {
      await db.rows(sql`update organization set stripe_customer_id = null, subscription_status = 'none' where id = ${orgId}`);
      expect((await h.app.request('/api/billing/checkout', json(manager.headers, { kind: 'token_pack', pack: 'tokens_100k' }))).status).toBe(403);
      // Two first checkouts at once (two tabs): both ask Stripe for the customer, under one key.
      const [a, b] = await Promise.all([
        h.app.request('/api/billing/checkout', json(owner.headers, { kind: 'token_pack', pack: 'tokens_100k' })),
        h.app.request('/api/billing/checkout', json(owner.headers, { kind: 'token_pack', pack: 'tokens_1m' })),
      ]);
      expect([a.status, b.status]).toEqual([200, 200]);
      const customers = h.fake.calls('POST /v1/customers');
      expect(customers.length).toBeGreaterThanOrEqual(1);
      expect(new Set(customers.map((c) => c.idempotencyKey))).toEqual(new Set([`streamflow-customer:${orgId}`]));
      // Stripe made one customer; a request that raced the first got it replayed.
      expect(customers.filter((c) => !c.replayed)).toHaveLength(1);
      const [org] = await db.rows<{ stripe_customer_id: string | null }>(sql`select stripe_customer_id from organization where id = ${orgId}`);
      expect(org?.stripe_customer_id).toMatch(/^cus_/);
      const sessions = h.fake.calls('POST /v1/checkout/sessions').slice(-2);
      expect(sessions.map((s) => s.body.customer)).toEqual([org?.stripe_customer_id, org?.stripe_customer_id]);
      // Later checkouts use the stored customer without asking Stripe again.
      expect((await h.app.request('/api/billing/checkout', json(owner.headers, { kind: 'token_pack', pack: 'tokens_100k' }))).status).toBe(200);
      expect(h.fake.calls('POST /v1/customers')).toHaveLength(customers.length);
    });
  });
}
