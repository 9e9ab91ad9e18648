import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for Stripe's HTTP API (no stripe-mock exists here): the
 * real `stripe` SDK is pointed at it with `{ host, port, protocol: 'http' }`.
 * It implements the endpoints billing calls, parses the SDK's form-encoded
 * bodies, honours `Idempotency-Key` the way Stripe does (same key and same
 * parameters: the first response again; same key, other parameters: 400
 * idempotency_error), and records every request for assertions.
 */

export type FormValue = string | FormValue[] | { [key: string]: FormValue };
export type FormObject = { [key: string]: FormValue };

export interface RecordedRequest {
  method: string;
  path: string;
  body: FormObject;
  idempotencyKey: string | null;
  /** The HTTP status answered. */
  status: number;
  /** True when the response came from the idempotency cache (a replay). */
  replayed: boolean;
}

type Json = Record<string, unknown>;

export interface FakeStripe {
  host: string;
  port: number;
  url: string;
  requests: RecordedRequest[];
  /** Requests to one endpoint, e.g. `POST /v1/checkout/sessions`. */
  calls(route: string): RecordedRequest[];
  /** Changes a connected account's state (as onboarding on Stripe would). */
  updateAccount(id: string, patch: Json): void;
  account(id: string): Json | undefined;
  /**
   * The next `times` requests to `route` (default 1) answer this status with a
   * Stripe error body; nothing is created and, as on Stripe, a 5xx is not
   * remembered under its idempotency key (a retry is a fresh attempt).
   */
  failNext(route: string, status: number, code?: string, times?: number): void;
  close(): Promise<void>;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export function fakeStripeId(prefix: string, length = 24): string {
  const bytes = randomBytes(length);
  let s = '';
  for (const b of bytes) s += ALNUM[b % ALNUM.length];
  return `${prefix}_${s}`;
}

/** Parses `a[b][0][c]=x&...` (how the SDK encodes params) into nested objects and arrays. */
export function parseForm(raw: string): FormObject {
  const root: FormObject = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    const path = key.replace(/\]/g, '').split('[');
    let node: FormObject | FormValue[] = root;
    path.forEach((seg, i) => {
      const last = i === path.length - 1;
      const nextIsIndex = !last && /^\d+$/.test(path[i + 1] ?? '');
      const bag = node as Record<string, FormValue>;
      if (last) {
        bag[seg] = value;
        return;
      }
      bag[seg] ??= nextIsIndex ? [] : {};
      node = bag[seg] as FormObject | FormValue[];
    });
  }
  return root;
}

function read(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const now = () => Math.floor(Date.now() / 1000);
const stripeError = (type: string, message: string, code?: string) => ({ error: { type, message, ...(code ? { code } : {}) } });

/** Starts the fake on 127.0.0.1 and a free port. */
export async function startFakeStripe(): Promise<FakeStripe> {
  const requests: RecordedRequest[] = [];
  const idem = new Map<string, { bodyKey: string; status: number; body: Json }>();
  const accounts = new Map<string, Json>();
  const failures = new Map<string, { status: number; code?: string; left: number }>();

  function handle(method: string, path: string, body: FormObject): { status: number; body: Json } {
    const route = `${method} ${path}`;
    const metadata = (body.metadata ?? {}) as Json;
    if (route === 'POST /v1/customers') {
      return { status: 200, body: { id: fakeStripeId('cus', 14), object: 'customer', created: now(), email: body.email ?? null, name: body.name ?? null, metadata } };
    }
    if (route === 'POST /v1/checkout/sessions') {
      const id = fakeStripeId('cs_test', 58);
      return {
        status: 200,
        body: {
          id,
          object: 'checkout.session',
          created: now(),
          expires_at: now() + 86_400,
          mode: body.mode ?? 'payment',
          status: 'open',
          payment_status: 'unpaid',
          customer: body.customer ?? null,
          client_reference_id: body.client_reference_id ?? null,
          metadata,
          payment_intent: null,
          subscription: null,
          url: `https://checkout.stripe.com/c/pay/${id}`,
        },
      };
    }
    if (route === 'POST /v1/billing_portal/sessions') {
      const id = fakeStripeId('bps', 24);
      return { status: 200, body: { id, object: 'billing_portal.session', created: now(), customer: body.customer, return_url: body.return_url ?? null, url: `https://billing.stripe.com/p/session/test_${id.slice(4)}` } };
    }
    if (route === 'POST /v1/accounts') {
      const account = {
        id: fakeStripeId('acct', 16),
        object: 'account',
        type: body.type ?? 'express',
        country: body.country ?? 'US',
        email: body.email ?? null,
        created: now(),
        details_submitted: false,
        charges_enabled: false,
        payouts_enabled: false,
        metadata,
      };
      accounts.set(account.id, account);
      return { status: 200, body: account };
    }
    if (route === 'POST /v1/account_links') {
      const acct = String(body.account ?? '');
      if (!accounts.has(acct)) return { status: 404, body: stripeError('invalid_request_error', `No such account: '${acct}'`, 'resource_missing') };
      return { status: 200, body: { object: 'account_link', created: now(), expires_at: now() + 300, url: `https://connect.stripe.com/setup/e/${acct}/${fakeStripeId('x', 12).slice(2)}` } };
    }
    const acctMatch = /^GET \/v1\/accounts\/(acct_[A-Za-z0-9]+)$/.exec(route);
    if (acctMatch) {
      const account = accounts.get(acctMatch[1] ?? '');
      if (!account) return { status: 404, body: stripeError('invalid_request_error', `No such account: '${acctMatch[1]}'`, 'resource_missing') };
      return { status: 200, body: account };
    }
    return { status: 404, body: stripeError('invalid_request_error', `Unrecognized request URL (${method}: ${path}).`) };
  }

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const raw = await read(req);
      const method = req.method ?? 'GET';
      const body = method === 'GET' ? parseForm(url.search.slice(1)) : parseForm(raw);
      const keyHeader = req.headers['idempotency-key'];
      const key = typeof keyHeader === 'string' ? keyHeader : null;
      const route = `${method} ${url.pathname}`;
      let out: { status: number; body: Json };
      let replayed = false;
      const failure = failures.get(route);
      if (failure) {
        failure.left -= 1;
        if (failure.left <= 0) failures.delete(route);
        out = { status: failure.status, body: stripeError(failure.status >= 500 ? 'api_error' : 'invalid_request_error', 'Injected failure', failure.code) };
      } else if (key && method === 'POST' && idem.has(`${route} ${key}`)) {
        const hit = idem.get(`${route} ${key}`)!;
        replayed = true;
        out = hit.bodyKey === raw
          ? { status: hit.status, body: hit.body }
          : { status: 400, body: stripeError('idempotency_error', 'Keys for idempotent requests can only be used with the same parameters they were first used with.') };
      } else {
        out = handle(method, url.pathname, body);
        if (key && method === 'POST' && out.status < 500) idem.set(`${route} ${key}`, { bodyKey: raw, status: out.status, body: out.body });
      }
      requests.push({ method, path: url.pathname, body, idempotencyKey: key, status: out.status, replayed });
      res.writeHead(out.status, { 'content-type': 'application/json', 'request-id': fakeStripeId('req', 14), ...(replayed ? { 'idempotent-replayed': 'true' } : {}) });
      res.end(JSON.stringify(out.body));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    url: `http://127.0.0.1:${port}`,
    requests,
    calls: (route) => requests.filter((r) => `${r.method} ${r.path}` === route),
    updateAccount(id, patch) {
      const account = accounts.get(id);
      if (!account) throw new Error(`fake stripe: no account ${id}`);
      Object.assign(account, patch);
    },
    account: (id) => accounts.get(id),
    failNext(route, status, code, times = 1) {
      failures.set(route, { status, left: times, ...(code ? { code } : {}) });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
