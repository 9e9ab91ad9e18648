/*
 * Offline payment request (issue #7, item 3), end to end: the app's own
 * "Collect payment" action writes a payment_requests row into the app's
 * local PGlite while the uploader is offline; the app's uploader then sends
 * it to the real server over a port (the first answer is lost, so it goes
 * twice, and a rebuilt batch goes a third time); the server's real job
 * worker makes the Checkout Session through the real `stripe` SDK against
 * the local fake Stripe; and the link comes back into the local database
 * through the payment_requests shape (the official pglite-sync client).
 */
import { PGlite } from '@electric-sql/pglite';
import { electricSync } from '@electric-sql/pglite-sync';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LATEST_PAYMENT_REQUESTS_SQL, requestPayment, type PaymentRequestRow } from '../app/src/invoices/payment-requests.ts';
import { buildClientDdl } from '../app/src/local-db/ddl.ts';
import { catchUpShapes } from '../app/src/sync/shape-sync.ts';
import { flushOnce } from '../app/src/sync/uploader.ts';
import { processPaymentRequests } from '../sync-server/src/billing/payment-requests.ts';
import { BILLING_ENV, startBillingHarness, type BillingHarness } from '../sync-server/src/billing/test-support.ts';
import type { Database } from '../sync-server/src/db/types.ts';
import { startJobWorker } from '../sync-server/src/jobs/start.ts';
import { capturingMailer } from '../sync-server/src/mailer/mailer.ts';
import { seedDemo } from '../sync-server/src/seed/demo.ts';
import { signIn, type SignedIn } from '../sync-server/src/testing/auth.ts';
import { createTestPglite } from '../sync-server/src/testing/db.ts';
import { listenOnLoopback } from '../sync-server/src/testing/listen.ts';

describe('Offline payment request: created offline in the app, uploaded twice, one session', () => {
  let db: Database;
  let h: BillingHarness;
  let server: Awaited<ReturnType<typeof listenOnLoopback>> | undefined;
  let origin: string;
  let collector: SignedIn;
  let account: string;

  const bearer = (s: SignedIn) => ({ authorization: `Bearer ${s.token}` });
  const count = async (pg: PGlite, q: string, params: unknown[] = []) => (await pg.query<{ n: number }>(q, params)).rows[0]?.n ?? -1;

  beforeAll(async () => {
    db = await createTestPglite();
    await seedDemo(db);
    h = await startBillingHarness(db);
    server = await listenOnLoopback(h.app.fetch);
    origin = server.origin;
    // The owner sets up card payments once and lets the dispatcher (the manager role) collect in the field:
    // no template grants payments.create beyond the owner.
    const owner = await signIn(h.app, 'owner@acme.test');
    account = await h.connectTenant(owner.headers);
    const { roles } = (await (await h.app.request('/api/admin/roles', { headers: owner.headers })).json()) as { roles: { id: string; key: string }[] };
    const manager = roles.find((r) => r.key === 'manager');
    const grant = await h.app.request(`/api/admin/roles/${manager?.id}`, { method: 'PATCH', headers: { ...owner.headers, 'content-type': 'application/json' }, body: JSON.stringify({ add: ['payments.create'] }) });
    expect(grant.status).toBe(200);
    collector = await signIn(h.app, 'manager@acme.test');
  });
  afterAll(async () => {
    await h?.close();
    await server?.close();
    await db?.close();
  });

  it('makes exactly one Checkout Session and brings its link back to the device', async () => {
    const pg = await PGlite.create({ extensions: { sync: electricSync() } });
    for (const stmt of buildClientDdl()) await pg.exec(stmt);
    const sync = () => catchUpShapes(pg as never, { origin, shapes: ['invoices', 'payment_requests'], headers: bearer(collector) });
    await sync();
    const [inv] = (
      await pg.query<{ id: string; balance: string }>(`select id, (total - amount_paid)::text as balance from invoices where status = 'open' and total - amount_paid > 25 order by number limit 1`)
    ).rows;
    expect(inv).toBeDefined();
    const sessionsBefore = h.fake.calls('POST /v1/checkout/sessions').length;

    // Offline: "Collect payment" writes locally; the uploader cannot reach the server.
    const offline: typeof fetch = () => Promise.reject(new TypeError('Failed to fetch'));
    const id = await requestPayment(pg, inv!.id, '25.00');
    expect((await flushOnce({ pg, baseUrl: origin, headers: bearer(collector), fetch: offline })).kind).toBe('offline');
    expect((await pg.query<PaymentRequestRow>(LATEST_PAYMENT_REQUESTS_SQL)).rows.find((r) => r.invoice_id === inv!.id)).toMatchObject({ id, amount: '25.00', local_state: 'pending', checkout_url: null });
    expect(await count(pg, `select count(*)::int as n from outbox where table_name = 'payment_requests' and status = 'pending'`)).toBe(1);
    expect((await db.rows(sql`select id from payment_requests where id = ${id}`)).length).toBe(0);

    // Back online, the first upload reaches the server but its answer is lost...
    let sent: { body: string; headers: Record<string, string> } | null = null;
    const lossy: typeof fetch = async (url, init) => {
      sent = { body: String(init?.body), headers: { ...(init?.headers as Record<string, string>) } };
      await fetch(url, init);
      throw new TypeError('network connection lost');
    };
    expect((await flushOnce({ pg, baseUrl: origin, headers: bearer(collector), fetch: lossy })).kind).toBe('offline');
    expect(await count(pg, `select count(*)::int as n from outbox where status = 'pending'`)).toBe(1);
    // ...so the uploader sends it again (same batch key): the server answers from its stored response.
    const second = await flushOnce({ pg, baseUrl: origin, headers: bearer(collector) });
    expect(second).toMatchObject({ kind: 'sent', results: [{ id: expect.any(String), status: 'applied' }] });
    expect(await count(pg, 'select count(*)::int as n from outbox')).toBe(0);
    // And a batch rebuilt after a crash (a new batch key, the same mutation) is a duplicate.
    const rebuilt = await fetch(`${origin}/api/write`, { method: 'POST', headers: { ...sent!.headers, 'idempotency-key': crypto.randomUUID() }, body: sent!.body });
    expect(rebuilt.status).toBe(200);
    expect(((await rebuilt.json()) as { results: { status: string }[] }).results).toEqual([expect.objectContaining({ status: 'duplicate' })]);

    const onServer = await db.rows<{ status: string; amount: string }>(sql`select status, amount::text as amount from payment_requests where id = ${id}`);
    expect(onServer).toEqual([{ status: 'requested', amount: '25.00' }]);
    expect((await db.rows(sql`select id from jobs where dedupe_key = ${`payreq:${id}`}`)).length).toBe(1);

    // The server's job worker makes the link; a recovery sweep racing it changes nothing.
    const worker = startJobWorker({ ...h.deps, env: { ...h.deps.env, JOBS_WORKER: false }, clock: { now: () => new Date() }, mailer: capturingMailer() });
    await Promise.all([worker.runDueJobs(), processPaymentRequests(h.deps)]);
    await worker.runDueJobs();
    await worker.stop();
    const created = h.fake.calls('POST /v1/checkout/sessions').slice(sessionsBefore);
    expect(created.every((r) => r.idempotencyKey === `payreq:${id}`)).toBe(true);
    const made = created.filter((r) => r.status === 200 && !r.replayed);
    expect(made).toHaveLength(1);
    expect(made[0]?.body).toMatchObject({
      mode: 'payment',
      client_reference_id: inv!.id,
      metadata: { kind: 'payment_request', payment_request_id: id, invoice_id: inv!.id },
      payment_intent_data: { on_behalf_of: account, transfer_data: { destination: account } },
      line_items: [{ price_data: { unit_amount: '2500' } }],
    });
    const [link] = await db.rows<{ checkout_url: string; stripe_checkout_session_id: string }>(sql`select checkout_url, stripe_checkout_session_id from payment_requests where id = ${id}`);
    expect(link?.checkout_url).toMatch(/^https:\/\/checkout\.stripe\.com\//);

    // The link flows back through the shape; the device's overlay and outbox are empty.
    await sync();
    expect((await pg.query<PaymentRequestRow>(LATEST_PAYMENT_REQUESTS_SQL)).rows.find((r) => r.invoice_id === inv!.id)).toEqual({
      id,
      invoice_id: inv!.id,
      amount: '25.00',
      status: 'link_ready',
      checkout_url: link!.checkout_url,
      failure_code: null,
      local_state: null,
    });
    expect(await count(pg, 'select count(*)::int as n from payment_requests_local')).toBe(0);
    expect(await count(pg, 'select count(*)::int as n from outbox')).toBe(0);

    // Nothing secret reached the browser's database: no Stripe key or webhook secret, no Connect account id.
    const secrets = [BILLING_ENV.PROVIDER_STRIPE_SECRET_KEY!, BILLING_ENV.PROVIDER_STRIPE_WEBHOOK_SECRET!, BILLING_ENV.CONNECT_STRIPE_WEBHOOK_SECRET!, BILLING_ENV.APP_ENCRYPTION_KEY!, account, 'sk_test', 'whsec_', 'acct_'];
    const tables = (await pg.query<{ schema: string; name: string }>(`select table_schema as schema, table_name as name from information_schema.tables where table_schema in ('public', 'electric') and table_type = 'BASE TABLE'`)).rows;
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['payment_requests_synced', 'invoices_synced', 'outbox']));
    for (const t of tables) {
      const dump = JSON.stringify((await pg.query(`select * from "${t.schema}"."${t.name}"`)).rows);
      for (const s of secrets) expect(dump, `${t.schema}.${t.name} holds ${s.slice(0, 8)}…`).not.toContain(s);
    }
    await pg.close();
  });
});
