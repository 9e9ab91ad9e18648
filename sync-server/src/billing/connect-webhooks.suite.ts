import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, Tx } from '../db/types.ts';
import { seedDemo } from '../seed/demo.ts';
import { signIn, type SignedIn } from '../testing/auth.ts';
import type { TestEngine } from '../testing/db.ts';
import { mutation, postWrite } from '../testing/mutations.ts';
import { accountHash } from './connect-account.ts';
import { processPaymentRequests } from './payment-requests.ts';
import { CONNECT_WHSEC, json, PROVIDER_WHSEC, startBillingHarness, type BillingHarness } from './test-support.ts';
import { processEvent } from './webhook-core.ts';

interface Invoice extends Record<string, unknown> {
  id: string;
  total: string;
  status: string;
  amount_paid: string;
}

/**
 * The Connect side of the webhooks (issue #7): tenant invoice payments,
 * refunds, onboarding state and deauthorization reach invoices, payments and
 * connect_status exactly once; misdirected or unsigned deliveries change
 * nothing. Run on PGlite and on Postgres.
 */
export function connectWebhookSuite(engine: TestEngine) {
  describe(`stripe connect webhooks (${engine.kind})`, () => {
    let db: Database;
    let h: BillingHarness;
    let owner: SignedIn;
    let orgId: string;
    let otherOrg: string;
    let account: string;
    let open: Invoice[];

    const minor = (amount: string) => Math.round(Number(amount) * 100);
    const invoice = async (id: string) =>
      (await db.rows<Invoice>(sql`select id::text as id, total::text as total, status, amount_paid::text as amount_paid from invoices where id = ${id}`))[0]!;
    const paymentsOf = async (invoiceId: string) =>
      db.rows<{ amount: string; status: string; stripe_payment_intent_id: string | null }>(
        sql`select amount::text as amount, status, stripe_payment_intent_id from payments where invoice_id = ${invoiceId} order by stripe_payment_intent_id`,
      );
    const connectRow = async () =>
      (await db.rows<{ connect_status: string; details_submitted: boolean; charges_enabled: boolean; payouts_enabled: boolean }>(
        sql`select connect_status, details_submitted, charges_enabled, payouts_enabled from tenant_stripe_connect where org_id = ${orgId}`,
      ))[0]!;
    /** Everything a webhook could change, for "nothing changed" assertions. */
    const snapshot = async () => ({
      invoices: await db.rows(sql`select id, status, amount_paid::text from invoices order by id`),
      payments: await db.rows(sql`select id, status, amount::text from payments order by id`),
      connect: await db.rows(sql`select org_id, connect_status, charges_enabled from tenant_stripe_connect order by org_id`),
      requests: await db.rows(sql`select id, status from payment_requests order by id`),
      events: (await db.rows<{ n: number }>(sql`select count(*)::int as n from stripe_events`))[0]!.n,
    });

    const meta = (inv: Invoice, extra: Record<string, string> = {}) => ({ kind: 'invoice', org_id: orgId, invoice_id: inv.id, ...extra });
    const sessionCompleted = (inv: Invoice, o: { session: string; pi: string; amount?: number; account?: string | null; metadata?: Record<string, string> }) =>
      h.event(
        'checkout.session.completed',
        {
          id: o.session,
          object: 'checkout.session',
          mode: 'payment',
          status: 'complete',
          payment_status: 'paid',
          amount_total: o.amount ?? minor(inv.total),
          currency: 'usd',
          payment_intent: o.pi,
          client_reference_id: inv.id,
          metadata: o.metadata ?? meta(inv),
        },
        o.account === null ? {} : { account: o.account ?? account },
      );
    const paymentIntent = (type: string, inv: Invoice, o: { pi: string; amount?: number; account?: string | null; destination?: string; metadata?: Record<string, string> }) => {
      const amount = o.amount ?? minor(inv.total);
      return h.event(
        type,
        {
          id: o.pi,
          object: 'payment_intent',
          amount,
          amount_received: type === 'payment_intent.succeeded' ? amount : 0,
          currency: 'usd',
          status: type === 'payment_intent.succeeded' ? 'succeeded' : 'requires_payment_method',
          metadata: o.metadata ?? meta(inv),
          ...(o.destination ? { on_behalf_of: o.destination, transfer_data: { destination: o.destination } } : {}),
        },
        o.account === null ? {} : { account: o.account ?? account },
      );
    };
    const refunded = (inv: Invoice, pi: string, amountRefunded: number) =>
      h.event(
        'charge.refunded',
        { id: `ch_${pi.slice(3)}`, object: 'charge', amount: minor(inv.total), amount_refunded: amountRefunded, refunded: amountRefunded >= minor(inv.total), currency: 'usd', payment_intent: pi, metadata: meta(inv) },
        { account },
      );

    beforeAll(async () => {
      db = await engine.open();
      await seedDemo(db);
      h = await startBillingHarness(db);
      owner = await signIn(h.app, 'owner@acme.test');
      const orgs = await db.rows<{ id: string; slug: string }>(sql`select id, slug from organization where slug in ('acme', 'globex')`);
      orgId = orgs.find((o) => o.slug === 'acme')!.id;
      otherOrg = orgs.find((o) => o.slug === 'globex')!.id;
      account = await h.connectTenant(owner.headers);
      open = await db.rows<Invoice>(
        sql`select id::text as id, total::text as total, status, amount_paid::text as amount_paid from invoices
            where org_id = ${orgId} and status = 'open' and amount_paid = 0 order by number`,
      );
      expect(open.length).toBeGreaterThanOrEqual(3);
    });
    afterAll(async () => {
      await h?.close();
      await db?.close();
    });

    it("maps account.updated to the tenant's connect_status; an unknown account changes nothing", async () => {
      const acct = (flags: Record<string, boolean>, id = account) => h.event('account.updated', { id, object: 'account', type: 'express', ...flags }, { account: id });
      expect((await h.deliver('connect', acct({ details_submitted: false, charges_enabled: false, payouts_enabled: false }))).body).toMatchObject({ outcome: 'account_pending' });
      expect(await connectRow()).toEqual({ connect_status: 'pending', details_submitted: false, charges_enabled: false, payouts_enabled: false });
      expect((await h.deliver('connect', acct({ details_submitted: true, charges_enabled: false, payouts_enabled: false }))).body).toMatchObject({ outcome: 'account_restricted' });
      expect(await connectRow()).toMatchObject({ connect_status: 'restricted', details_submitted: true });
      // Charges without payouts is still restricted: the tenant cannot be paid out.
      await h.deliver('connect', acct({ details_submitted: true, charges_enabled: true, payouts_enabled: false }));
      expect((await connectRow()).connect_status).toBe('restricted');
      expect((await h.deliver('connect', acct({ details_submitted: true, charges_enabled: true, payouts_enabled: true }))).body).toMatchObject({ outcome: 'account_active' });
      expect(await connectRow()).toEqual({ connect_status: 'active', details_submitted: true, charges_enabled: true, payouts_enabled: true });

      // Delivered out of order: the older snapshot of the account does not overwrite the newer.
      const t = Math.floor(h.clock.now().getTime() / 1000);
      const at = (flags: Record<string, boolean>, created: number) => h.event('account.updated', { id: account, object: 'account', ...flags }, { account, created });
      await h.deliver('connect', at({ details_submitted: true, charges_enabled: true, payouts_enabled: true }, t + 20));
      expect((await h.deliver('connect', at({ details_submitted: true, charges_enabled: false, payouts_enabled: false }, t + 10))).body).toMatchObject({ outcome: 'stale' });
      expect((await connectRow()).connect_status).toBe('active');

      const before = await snapshot();
      const stranger = await h.deliver('connect', acct({ details_submitted: true, charges_enabled: false, payouts_enabled: false }, 'acct_1NotOurs0000000'));
      expect(stranger.body).toMatchObject({ duplicate: false, outcome: 'unknown_account' });
      expect({ ...(await snapshot()), events: before.events }).toEqual(before);
    });

    it('records an invoice paid through Checkout as one payment whichever events arrive, and settles the invoice', async () => {
      const inv = open[0]!;
      const paid = await h.deliver('connect', sessionCompleted(inv, { session: 'cs_test_conn_1', pi: 'pi_conn_1' }));
      expect(paid).toMatchObject({ status: 200, body: { duplicate: false, outcome: 'payment_succeeded' } });
      expect(await paymentsOf(inv.id)).toEqual([{ amount: inv.total, status: 'succeeded', stripe_payment_intent_id: 'pi_conn_1' }]);
      expect(await invoice(inv.id)).toMatchObject({ status: 'paid', amount_paid: inv.total });

      // The payment intent's own event, and both again at once under new event ids: still one payment.
      expect((await h.deliver('connect', paymentIntent('payment_intent.succeeded', inv, { pi: 'pi_conn_1' }))).body).toMatchObject({ outcome: 'payment_succeeded' });
      await Promise.all([
        h.deliver('connect', sessionCompleted(inv, { session: 'cs_test_conn_1', pi: 'pi_conn_1' })),
        h.deliver('connect', paymentIntent('payment_intent.succeeded', inv, { pi: 'pi_conn_1' })),
      ]);
      // A failure reported late for the same payment does not undo it.
      await h.deliver('connect', paymentIntent('payment_intent.payment_failed', inv, { pi: 'pi_conn_1' }));
      expect(await paymentsOf(inv.id)).toEqual([{ amount: inv.total, status: 'succeeded', stripe_payment_intent_id: 'pi_conn_1' }]);
      expect(await invoice(inv.id)).toMatchObject({ status: 'paid', amount_paid: inv.total });
    });

    it('records a failed payment as failed without paying the invoice', async () => {
      const inv = open[1]!;
      const failed = await h.deliver('connect', paymentIntent('payment_intent.payment_failed', inv, { pi: 'pi_conn_fail' }));
      expect(failed.body).toMatchObject({ outcome: 'payment_failed' });
      expect(await paymentsOf(inv.id)).toEqual([{ amount: inv.total, status: 'failed', stripe_payment_intent_id: 'pi_conn_fail' }]);
      expect(await invoice(inv.id)).toMatchObject({ status: 'open', amount_paid: '0.00' });
    });

    it('a partial refund lowers the amount paid and reopens the invoice; a full refund marks the payment refunded', async () => {
      const inv = open[0]!;
      const partial = await h.deliver('connect', refunded(inv, 'pi_conn_1', 1_000));
      expect(partial.body).toMatchObject({ outcome: 'partially_refunded' });
      const net = (minor(inv.total) - 1_000) / 100;
      expect(await paymentsOf(inv.id)).toEqual([{ amount: net.toFixed(2), status: 'succeeded', stripe_payment_intent_id: 'pi_conn_1' }]);
      expect(await invoice(inv.id)).toMatchObject({ status: 'open', amount_paid: net.toFixed(2) });

      expect((await h.deliver('connect', refunded(inv, 'pi_conn_1', minor(inv.total)))).body).toMatchObject({ outcome: 'refunded' });
      expect((await paymentsOf(inv.id))[0]).toMatchObject({ status: 'refunded' });
      expect(await invoice(inv.id)).toMatchObject({ status: 'open', amount_paid: '0.00' });
      // A late success for the refunded payment does not revive it.
      await h.deliver('connect', paymentIntent('payment_intent.succeeded', inv, { pi: 'pi_conn_1' }));
      expect((await paymentsOf(inv.id))[0]).toMatchObject({ status: 'refunded' });
    });

    it('marks an offline payment request paid when its Checkout Session completes', async () => {
      const inv = open[2]!;
      const id = crypto.randomUUID();
      expect((await postWrite(h.app, owner.headers, [mutation.insert('payment_requests', { id, invoice_id: inv.id, amount: '10.00' })])).body.results[0]).toMatchObject({ status: 'applied' });
      await processPaymentRequests(h.deps);
      const [req] = await db.rows<{ status: string; stripe_checkout_session_id: string; currency: string }>(
        sql`select status, stripe_checkout_session_id, currency from payment_requests where id = ${id}`,
      );
      expect(req).toMatchObject({ status: 'link_ready', currency: 'USD' });
      const done = await h.deliver('connect', sessionCompleted(inv, { session: req!.stripe_checkout_session_id, pi: 'pi_conn_req', amount: 1_000, metadata: meta(inv, { kind: 'payment_request', payment_request_id: id }) }));
      expect(done.body).toMatchObject({ outcome: 'payment_succeeded' });
      expect((await db.rows<{ status: string }>(sql`select status from payment_requests where id = ${id}`))[0]?.status).toBe('paid');
      expect(await invoice(inv.id)).toMatchObject({ status: 'open', amount_paid: '10.00' });
    });

    it("ignores a Connect event that names another tenant's invoice", async () => {
      const [theirs] = await db.rows<Invoice>(
        sql`select id::text as id, total::text as total, status, amount_paid::text as amount_paid from invoices where org_id = ${otherOrg} and status = 'open' limit 1`,
      );
      const before = await snapshot();
      const forged = await h.deliver('connect', sessionCompleted(theirs!, { session: 'cs_test_forged', pi: 'pi_forged', metadata: { kind: 'invoice', org_id: otherOrg, invoice_id: theirs!.id } }));
      expect(forged.body).toMatchObject({ outcome: 'unknown_tenant' });
      // Our account, our org id, their invoice: the payment is ours but pays nothing of theirs.
      const crossed = await h.deliver('connect', paymentIntent('payment_intent.succeeded', theirs!, { pi: 'pi_crossed', metadata: { kind: 'invoice', org_id: orgId, invoice_id: theirs!.id } }));
      expect(crossed.body).toMatchObject({ outcome: 'payment_succeeded' });
      const after = await snapshot();
      expect(after.invoices).toEqual(before.invoices);
      expect(await invoice(theirs!.id)).toEqual(theirs);
      expect((await db.rows<{ org_id: string; invoice_id: string | null }>(sql`select org_id, invoice_id from payments where stripe_payment_intent_id = 'pi_crossed'`))).toEqual([{ org_id: orgId, invoice_id: null }]);
    });

    it("takes a destination charge's events at the provider endpoint, by the destination account", async () => {
      const inv = open[1]!;
      const platform = await h.deliver('provider', paymentIntent('payment_intent.succeeded', inv, { pi: 'pi_dest_1', account: null, destination: account }));
      expect(platform.body).toMatchObject({ outcome: 'payment_succeeded' });
      expect(await invoice(inv.id)).toMatchObject({ status: 'paid', amount_paid: inv.total });
      // The metadata's tenant must agree with the destination's.
      const before = await snapshot();
      const mismatch = await h.deliver('provider', paymentIntent('payment_intent.succeeded', inv, { pi: 'pi_dest_2', account: null, destination: account, metadata: { kind: 'invoice', org_id: otherOrg, invoice_id: inv.id } }));
      expect(mismatch.body).toMatchObject({ outcome: 'unknown_tenant' });
      expect({ ...(await snapshot()), events: before.events }).toEqual(before);
    });

    it('refuses a tampered body, a wrong secret, a missing header and a platform event at the Connect endpoint, changing nothing', async () => {
      const before = await snapshot();
      const evt = sessionCompleted(open[2]!, { session: 'cs_test_tamper', pi: 'pi_tamper' });
      const signed = h.sign(JSON.stringify(evt), CONNECT_WHSEC);
      const tampered = await h.deliver('connect', evt, { header: signed, body: JSON.stringify(evt).replace('"pi_tamper"', '"pi_tamper2"') });
      expect(tampered).toMatchObject({ status: 400, body: { error: { code: 'WEBHOOK_SIGNATURE_INVALID' } } });
      expect(await h.deliver('connect', evt, { secret: PROVIDER_WHSEC })).toMatchObject({ status: 400, body: { error: { code: 'WEBHOOK_SIGNATURE_INVALID' } } });
      expect(await h.deliver('connect', evt, { header: null })).toMatchObject({ status: 400, body: { error: { code: 'WEBHOOK_SIGNATURE_MISSING' } } });
      expect(await h.deliver('connect', evt, { header: 'garbage' })).toMatchObject({ status: 400 });
      const platformEvt = sessionCompleted(open[2]!, { session: 'cs_test_platform', pi: 'pi_platform', account: null });
      expect(await h.deliver('connect', platformEvt)).toMatchObject({ status: 400, body: { error: { code: 'WEBHOOK_WRONG_ENDPOINT' } } });
      expect(await snapshot()).toEqual(before);
    });

    it('applies an event and records its id in one transaction: a failing handler leaves neither, the retry applies once', async () => {
      const balance = async () => (await db.rows<{ n: number }>(sql`select ai_token_balance as n from organization where id = ${orgId}`))[0]!.n;
      const recorded = async (id: string) => (await db.rows(sql`select 1 from stripe_events where id = ${id}`)).length;
      const start = await balance();
      const evt = h.event('test.effect', { id: 'obj_1', object: 'thing' });
      const deps = { db, logger: h.logger, now: h.clock.now() };
      const credit = async (tx: Tx) => {
        await db.rows(sql`update organization set ai_token_balance = ai_token_balance + 7 where id = ${orgId}`, tx);
        return { outcome: 'credited' };
      };
      const failing = {
        'test.effect': async (tx: Tx) => {
          await credit(tx);
          throw new Error('handler failed after its effect');
        },
      };
      await expect(processEvent(deps, 'provider', evt as never, failing)).rejects.toThrow('handler failed after its effect');
      expect(await balance()).toBe(start);
      expect(await recorded(evt.id)).toBe(0);

      const ok = { 'test.effect': credit };
      const results = await Promise.all([processEvent(deps, 'provider', evt as never, ok), processEvent(deps, 'provider', evt as never, ok)]);
      expect(results.map((r) => r.duplicate).sort()).toEqual([false, true]);
      expect(await processEvent(deps, 'provider', evt as never, ok)).toEqual({ duplicate: true, outcome: 'duplicate' });
      expect(await balance()).toBe(start + 7);
      expect(await recorded(evt.id)).toBe(1);
    });

    it('deauthorization sets connect_status, stops checkout, and only a new start connects again', async () => {
      const gone = await h.deliver('connect', h.event('account.application.deauthorized', { id: 'ca_test_app', object: 'application', name: 'StreamFlow' }, { account }));
      expect(gone.body).toMatchObject({ outcome: 'deauthorized' });
      expect(await connectRow()).toMatchObject({ connect_status: 'deauthorized', charges_enabled: false, payouts_enabled: false });
      const [audit] = await db.rows<{ n: number }>(sql`select count(*)::int as n from audit_log where action = 'billing.connect_deauthorized' and org_id = ${orgId}`);
      expect(audit?.n).toBe(1);
      // A late account.updated does not revive it.
      await h.deliver('connect', h.event('account.updated', { id: account, object: 'account', details_submitted: true, charges_enabled: true, payouts_enabled: true }, { account }));
      expect((await connectRow()).connect_status).toBe('deauthorized');
      const status = (await (await h.app.request('/api/client-billing/connect/status', { headers: owner.headers })).json()) as { status: string };
      expect(status.status).toBe('deauthorized');
      const checkout = await h.app.request('/api/client-billing/checkout', json(owner.headers, { invoiceId: open[2]!.id, amount: '1.00' }));
      expect(checkout.status).toBe(409);
      expect(((await checkout.json()) as { error: { code: string } }).error.code).toBe('CONNECT_NOT_READY');

      const created = h.fake.calls('POST /v1/accounts').filter((r) => !r.replayed).length;
      const again = (await (await h.app.request('/api/client-billing/connect/start', json(owner.headers, {}))).json()) as { created: boolean; status: string };
      expect(again).toMatchObject({ created: true, status: 'pending' });
      const fresh = h.fake.calls('POST /v1/accounts').filter((r) => !r.replayed);
      expect(fresh).toHaveLength(created + 1);
      expect(fresh.at(-1)?.idempotencyKey).toMatch(new RegExp(`^streamflow-connect-account:${orgId}:after:\\d+$`));
      expect((await connectRow()).connect_status).toBe('pending');
    });

    it('keeps no connected account id in plain text anywhere in the database', async () => {
      const ids = [...new Set(h.fake.calls('POST /v1/account_links').map((r) => String(r.body.account)))];
      expect(ids.length).toBeGreaterThanOrEqual(2);
      const tables = await db.rows<{ name: string }>(
        sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
      );
      expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['stripe_events', 'tenant_stripe_connect', 'audit_log', 'jobs']));
      const hits: string[] = [];
      for (const { name } of tables) {
        for (const id of ids) {
          const [row] = await db.rows<{ n: number }>(sql`select count(*)::int as n from ${sql.identifier(name)} x where x::text like ${`%${id}%`}`);
          if (row!.n > 0) hits.push(`${name}: ${row!.n}`);
        }
      }
      expect(hits).toEqual([]);
      // What is kept instead: the hash, which names the account without revealing it.
      const [kept] = await db.rows<{ n: number }>(sql`select count(*)::int as n from stripe_events where account = ${accountHash(account)} and payload->>'account' = ${`acct_sha256_${accountHash(account)}`}`);
      expect(kept!.n).toBeGreaterThan(0);
    });
  });
}
