import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/types.ts';
import { seedDemo } from '../seed/demo.ts';
import type { TestEngine } from '../testing/db.ts';
import { CONNECT_WHSEC, PROVIDER_WHSEC, startBillingHarness, type BillingHarness } from './test-support.ts';

/** The webhook contract (issue #7), run on PGlite and on Postgres (real concurrency). */
export function webhookSuite(engine: TestEngine) {
  describe(`stripe webhooks (${engine.kind})`, () => {
    let db: Database;
    let h: BillingHarness;
    let orgId: string;
    const customer = 'cus_AcmeTest0001';

    const state = async () => {
      const [org] = await db.rows<{ plan: string; ai_token_balance: number; subscription_status: string; entitlements: Record<string, unknown> }>(
        sql`select plan, ai_token_balance, subscription_status, entitlements from organization where id = ${orgId}`,
      );
      const [events] = await db.rows<{ n: number }>(sql`select count(*)::int as n from stripe_events`);
      return { ...org!, events: events!.n };
    };
    const tokenPack = (session: string, pack = 'tokens_100k') =>
      h.event('checkout.session.completed', { id: session, object: 'checkout.session', mode: 'payment', payment_status: 'paid', customer, client_reference_id: orgId, metadata: { org_id: orgId, kind: 'token_pack', pack } });
    const subscription = (id: string, status: string, price: string, created: number, type = 'customer.subscription.updated') =>
      h.event(type, { id, object: 'subscription', customer, status, metadata: { org_id: orgId }, items: { object: 'list', data: [{ id: `si_${id}`, object: 'subscription_item', price: { id: price, object: 'price' }, current_period_end: created + 30 * 86_400 }] } }, { created });

    beforeAll(async () => {
      db = await engine.open();
      await seedDemo(db);
      h = await startBillingHarness(db);
      const [acme] = await db.rows<{ id: string }>(sql`select id from organization where slug = 'acme'`);
      orgId = acme!.id;
      await db.rows(sql`update organization set stripe_customer_id = ${customer} where id = ${orgId}`);
    });
    afterAll(async () => {
      await h.close();
      await db.close();
    });

    it('applies a verified event once; a redelivery and concurrent deliveries change nothing more', async () => {
      const before = await state();
      const evt = tokenPack('cs_test_pack_once');
      const first = await h.deliver('provider', evt);
      expect(first).toEqual({ status: 200, body: { received: true, duplicate: false, outcome: 'tokens_credited' } });
      expect((await state()).ai_token_balance).toBe(before.ai_token_balance + 100_000);
      const again = await h.deliver('provider', evt);
      expect(again).toEqual({ status: 200, body: { received: true, duplicate: true, outcome: 'duplicate' } });

      const racing = tokenPack('cs_test_pack_race', 'tokens_1m');
      const results = await Promise.all(Array.from({ length: 6 }, () => h.deliver('provider', racing)));
      expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
      expect(results.filter((r) => r.body.duplicate === false)).toHaveLength(1);
      const after = await state();
      expect(after.ai_token_balance).toBe(before.ai_token_balance + 100_000 + 1_000_000);
      expect(after.events).toBe(before.events + 2);
      // Another event about an already credited purchase credits nothing.
      const other = await h.deliver('provider', tokenPack('cs_test_pack_race', 'tokens_1m'));
      expect(other.body).toMatchObject({ duplicate: false, outcome: 'already_credited' });
      expect((await state()).ai_token_balance).toBe(after.ai_token_balance);
    });

    it('refuses a tampered body, a wrong secret and a missing header with 400, changing nothing', async () => {
      const before = await state();
      const evt = tokenPack('cs_test_pack_tamper');
      const signed = h.sign(JSON.stringify(evt), PROVIDER_WHSEC);
      const tampered = await h.deliver('provider', evt, { header: signed, body: JSON.stringify(tokenPack('cs_test_pack_tamper', 'tokens_1m')).replace(evt.id, evt.id) });
      expect(tampered.status).toBe(400);
      expect(tampered.body).toMatchObject({ error: { code: 'WEBHOOK_SIGNATURE_INVALID' } });
      const byteChanged = await h.deliver('provider', evt, { header: signed, body: JSON.stringify(evt).replace('tokens_100k', 'tokens_1m') });
      expect(byteChanged.status).toBe(400);
      const wrong = await h.deliver('provider', evt, { secret: 'whsec_not_the_endpoint_secret' });
      expect(wrong.status).toBe(400);
      const missing = await h.deliver('provider', evt, { header: null });
      expect(missing).toMatchObject({ status: 400, body: { error: { code: 'WEBHOOK_SIGNATURE_MISSING' } } });
      const old = h.sign(JSON.stringify(evt), PROVIDER_WHSEC);
      h.clock.advance(10 * 60_000);
      expect((await h.deliver('provider', evt, { header: old })).status).toBe(400);
      expect(await state()).toEqual(before);
    });

    it('refuses a signature timestamped more than a minute ahead of the server clock, at both endpoints', async () => {
      const before = await state();
      const evt = tokenPack('cs_test_pack_future');
      const body = JSON.stringify(evt);
      for (const ahead of [600, 61]) {
        const res = await h.deliver('provider', evt, { header: h.sign(body, PROVIDER_WHSEC, ahead) });
        expect(res).toMatchObject({ status: 400, body: { error: { code: 'WEBHOOK_SIGNATURE_INVALID' } } });
      }
      const acct = h.event('account.updated', { id: 'acct_1FutureTest', object: 'account' }, { account: 'acct_1FutureTest' });
      const connectAhead = await h.deliver('connect', acct, { header: h.sign(JSON.stringify(acct), CONNECT_WHSEC, 600) });
      expect(connectAhead).toMatchObject({ status: 400, body: { error: { code: 'WEBHOOK_SIGNATURE_INVALID' } } });
      expect(await state()).toEqual(before);
      // Honest clock drift still passes.
      expect((await h.deliver('provider', evt, { header: h.sign(body, PROVIDER_WHSEC, 30) })).status).toBe(200);
      expect((await h.deliver('connect', acct, { header: h.sign(JSON.stringify(acct), CONNECT_WHSEC, 30) })).status).toBe(200);
    });

    it('refuses provider events at the Connect endpoint and Connect events at the provider endpoint', async () => {
      const before = await state();
      const providerEvt = tokenPack('cs_test_pack_cross');
      expect((await h.deliver('connect', providerEvt, { secret: PROVIDER_WHSEC })).body).toMatchObject({ error: { code: 'WEBHOOK_SIGNATURE_INVALID' } });
      expect((await h.deliver('connect', providerEvt, { secret: CONNECT_WHSEC })).body).toMatchObject({ error: { code: 'WEBHOOK_WRONG_ENDPOINT' } });
      const connectEvt = h.event('account.updated', { id: 'acct_1CrossTest', object: 'account', charges_enabled: true }, { account: 'acct_1CrossTest' });
      expect((await h.deliver('provider', connectEvt, { secret: CONNECT_WHSEC })).body).toMatchObject({ error: { code: 'WEBHOOK_SIGNATURE_INVALID' } });
      expect((await h.deliver('provider', connectEvt, { secret: PROVIDER_WHSEC })).body).toMatchObject({ error: { code: 'WEBHOOK_WRONG_ENDPOINT' } });
      expect(await state()).toEqual(before);
    });

    it('keeps the newest subscription state whatever order events arrive in', async () => {
      const t = Math.floor(h.clock.now().getTime() / 1000);
      const newer = await h.deliver('provider', subscription('sub_A', 'active', 'price_enterprise_monthly', t + 20));
      expect(newer.body).toMatchObject({ outcome: 'subscription_active' });
      const late = await h.deliver('provider', subscription('sub_A', 'active', 'price_pro_monthly', t + 10, 'customer.subscription.created'));
      expect(late.body).toMatchObject({ outcome: 'stale' });
      expect(await state()).toMatchObject({ plan: 'enterprise', subscription_status: 'active', entitlements: { plan: 'enterprise', status: 'active' } });

      // Concurrent updates: whichever commits last, the newest survives.
      await Promise.all([
        h.deliver('provider', subscription('sub_A', 'active', 'price_pro_monthly', t + 40)),
        h.deliver('provider', subscription('sub_A', 'past_due', 'price_enterprise_monthly', t + 30)),
      ]);
      expect(await state()).toMatchObject({ plan: 'pro', subscription_status: 'active' });

      // An old subscription of the same customer ending does not end the current one.
      expect((await h.deliver('provider', subscription('sub_OLD', 'canceled', 'price_pro_monthly', t + 50, 'customer.subscription.deleted'))).body).toMatchObject({ outcome: 'other_subscription' });
      const ended = await h.deliver('provider', subscription('sub_A', 'canceled', 'price_pro_monthly', t + 60, 'customer.subscription.deleted'));
      expect(ended.body).toMatchObject({ outcome: 'subscription_canceled' });
      // Same second as the deletion, delivered after it: the ending stands.
      await h.deliver('provider', subscription('sub_A', 'active', 'price_pro_monthly', t + 60));
      const final = await state();
      expect(final).toMatchObject({ subscription_status: 'canceled', entitlements: { plan: 'starter', subscribedPlan: 'pro', status: 'canceled' } });
      expect((final.entitlements['modules'] as Record<string, boolean>)['client_payments']).toBe(false);
    });

    it('flags a failed subscription invoice, clears it when paid, and ignores a late failure', async () => {
      const t = Math.floor(h.clock.now().getTime() / 1000) + 1_000;
      const invoice = (id: string) => ({ id, object: 'invoice', customer, status: 'open', metadata: {} });
      await h.deliver('provider', h.event('invoice.payment_failed', invoice('in_1'), { created: t }));
      expect((await state()).entitlements).toMatchObject({ paymentIssue: true });
      await h.deliver('provider', h.event('invoice.payment_succeeded', invoice('in_1'), { created: t + 5 }));
      const late = await h.deliver('provider', h.event('invoice.payment_failed', invoice('in_0'), { created: t + 2 }));
      expect(late.body).toMatchObject({ outcome: 'stale' });
      expect((await state()).entitlements).toMatchObject({ paymentIssue: false });
    });

    it('answers 503 BILLING_NOT_CONFIGURED when the endpoint secret is unset, naming no server variable', async () => {
      const bare = await startBillingHarness(db, { env: { CONNECT_STRIPE_WEBHOOK_SECRET: '' } });
      try {
        const res = await bare.deliver('connect', bare.event('account.updated', { id: 'acct_x', object: 'account' }, { account: 'acct_x' }));
        // A plain sentence for the caller; the missing variable only in the log.
        expect(res).toEqual({ status: 503, body: { error: { code: 'BILLING_NOT_CONFIGURED', message: 'Payments are not set up on this server yet.', details: {} } } });
        expect(bare.logger.lines).toContainEqual(expect.objectContaining({ code: 'BILLING_NOT_CONFIGURED', missing: 'CONNECT_STRIPE_WEBHOOK_SECRET' }));
      } finally {
        await bare.close();
      }
    });
  });
}
