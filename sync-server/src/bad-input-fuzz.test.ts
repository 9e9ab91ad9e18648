import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBillingHarness, type BillingHarness } from './billing/test-support.ts';
import type { Database } from './db/types.ts';
import { seedDemo } from './seed/demo.ts';
import { signIn, type SignedIn } from './testing/auth.ts';
import { createTestPglite } from './testing/db.ts';

/**
 * Bad input never answers 5xx and always comes back in the envelope
 * (issue #20, Tests). The routes are read from the real app's route table
 * (`app.routes`), so a new route is fuzzed without being listed here; every
 * state-changing route gets the whole corpus, anonymous and as a signed-in
 * owner, with path parameters filled with plausible and hostile values.
 * Billing is configured (Stripe is the local fake) so billing routes get
 * past "not configured" to their input handling.
 */

interface Probe {
  name: string;
  body?: string;
  contentType?: string | null;
  headers?: Record<string, string>;
}

const MB = 'x'.repeat(1024 * 1024);
/** Field names the routes read, each with a value of the wrong type. */
const WRONG_TYPES = {
  key: 1, name: [], roleIds: 'x', add: {}, remove: 7, scopes: {}, reason: 5, minutes: '5', password: null,
  kind: 7, plan: [], pack: {}, invoiceId: 1, amount: {}, tenantId: 1, userEmail: 1, email: 1, company: 'x',
  owner: 'x', industry: 1, signupId: [], externalCustomerId: {}, invites: 'x', modules: [], timezone: 1,
  days: 'x', status: {}, step: 1, completedStep: [], mutations: {}, clientId: 5, token: 1, callbackURL: 2,
};

const CORPUS: Probe[] = [
  { name: 'empty', body: '' },
  { name: 'no body, no type', contentType: null },
  { name: 'not JSON', body: 'this is not json' },
  { name: 'cut JSON', body: '{"name":' },
  { name: 'text/plain', body: '{"name":"x"}', contentType: 'text/plain' },
  { name: 'form', body: 'name=x&email=a%40b.test', contentType: 'application/x-www-form-urlencoded' },
  { name: 'multipart', body: '--b\r\ncontent-disposition: form-data; name="name"\r\n\r\nx\r\n--b--\r\n', contentType: 'multipart/form-data; boundary=b' },
  { name: 'upper-case JSON type', body: '{"name":"x"}', contentType: 'APPLICATION/JSON' },
  { name: 'JSON without a type', body: '{"name":"x"}', contentType: null },
  { name: 'scalars', body: 'null' },
  { name: 'array for object', body: '[{"name":"x"},[],1]' },
  { name: 'wrong types', body: JSON.stringify(WRONG_TYPES) },
  { name: '1 MB string', body: JSON.stringify({ name: MB }) },
  { name: 'NUL', body: JSON.stringify({ name: 'a\u0000b', key: 'k\u0000', email: 'a\u0000@b.test', 'na\u0000me': 1, mutations: [{ table: 'leads\u0000' }] }) },
  { name: 'lone surrogates', body: '{"name":"\\ud800","email":"\\udfff@x.test","reason":"a\\ud83d reason text","key":"\\udc00"}' },
  { name: 'deep nesting', body: `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}` },
  { name: 'deep arrays', body: `${'['.repeat(10_000)}${']'.repeat(10_000)}` },
  { name: '__proto__', body: '{"__proto__":{"isAdmin":true,"perms":["*"]},"name":"x"}' },
  { name: 'constructor', body: '{"constructor":{"prototype":{"isAdmin":true}},"toString":1,"hasOwnProperty":"x"}' },
  {
    name: 'numeric edges',
    body: '{"minutes":1e309,"amount":"NaN","limit":9223372036854775808,"roleIds":[-0],"total":-1e309,"days":[1e-400],"step":"Infinity","plan":"-0"}',
  },
  {
    name: 'hostile headers',
    body: '{}',
    headers: {
      'stripe-signature': 't=99999999999999999999,v1=zz,v0=',
      'x-streamflow-key-id': '../../etc',
      'x-streamflow-timestamp': '1e309',
      'x-streamflow-nonce': '\u00ff'.repeat(3),
      'x-streamflow-signature': 'v1=not-hex',
      'idempotency-key': "' or 1=1 --",
    },
  },
];

const ZERO = '00000000-0000-4000-8000-000000000000';
/** Values for `:param` segments (already URL-encoded). */
const PARAMS = [ZERO, '%00', "'%20or%201%3D1--", '..%2F..%2Fadmin', '%ED%A0%80', 'x'.repeat(300)];
/** Values for a trailing `*`: an endpoint that exists behind it, and junk. */
const WILDCARDS = ['sign-in/email', 'x/%00/..'];

const METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Probes sent to the URLs with a hostile parameter (the plausible URL gets the whole corpus). */
const HOSTILE_URL_PROBES = new Set(['not JSON', 'wrong types', 'NUL', 'constructor']);

/**
 * The concrete URLs of a route pattern: first every parameter plausible, then
 * each parameter in turn taking each hostile value (the others plausible).
 */
function urlsFor(pattern: string): { url: string; probes: Probe[] }[] {
  const segments = pattern.split('/');
  const slots = segments.flatMap((s, i) => (s.startsWith(':') || s === '*' ? [i] : []));
  const fill = (i: number) => (segments[i] === '*' ? WILDCARDS : PARAMS);
  const base = segments.map((s, i) => (slots.includes(i) ? (fill(i)[0] ?? '') : s));
  const hostile = new Set<string>();
  for (const i of slots) for (const v of fill(i).slice(1)) hostile.add(base.map((s, j) => (j === i ? v : s)).join('/'));
  return [
    { url: base.join('/'), probes: CORPUS },
    ...[...hostile].map((url) => ({ url, probes: CORPUS.filter((p) => HOSTILE_URL_PROBES.has(p.name)) })),
  ];
}

describe('bad input on every state-changing route: no 5xx, always the envelope', () => {
  let db: Database;
  let h: BillingHarness;
  let owner: SignedIn;
  beforeAll(async () => {
    db = await createTestPglite();
    await seedDemo(db);
    h = await startBillingHarness(db);
    owner = await signIn(h.app, 'owner@acme.test');
  });
  afterAll(async () => {
    await h.close();
    await db.close();
  });

  it('walks the real route table with the whole corpus, anonymous and as the owner', { timeout: 120_000 }, async () => {
    const routes = [...new Map(h.app.routes.filter((r) => METHODS.has(r.method)).map((r) => [`${r.method} ${r.path}`, r])).values()];
    // The table is read, not listed: the routes of issue #20 item 10 must be in it.
    const names = routes.map((r) => `${r.method} ${r.path}`);
    expect(names).toEqual(expect.arrayContaining(['POST /api/admin/roles/:id/clone', 'POST /api/write', 'POST /api/stripe/webhook/provider', 'PUT /api/onboarding/modules']));
    const failures: string[] = [];
    const requests = new Map<string, string>();
    let sent = 0;
    for (const route of routes) {
      for (const { url, probes } of urlsFor(route.path)) {
        for (const who of [undefined, owner]) {
          for (const probe of probes) {
            const headers: Record<string, string> = { ...who?.headers, ...probe.headers };
            if (probe.contentType !== null) headers['content-type'] = probe.contentType ?? 'application/json';
            const res = await h.app.request(url, { method: route.method, headers, ...(probe.body === undefined ? {} : { body: probe.body }) });
            sent++;
            const where = `${who ? 'owner' : 'anonymous'} ${route.method} ${url.slice(0, 80)} [${probe.name}] -> ${res.status}`;
            const text = await res.text();
            requests.set(res.headers.get('x-request-id') ?? '', where);
            if (res.status >= 500) failures.push(`${where} ${text.slice(0, 160)}`);
            // better-auth answers in its own shape ({ code, message }); wrapping it is issue #20's auth work (see the report).
            else if (res.status >= 300 && !route.path.startsWith('/api/auth/') && !isEnvelope(text)) failures.push(`${where} not in the envelope: ${text.slice(0, 160)}`);
          }
        }
      }
    }
    // onError's 400 for a Postgres data exception is a safety net, not the fix: input should be
    // refused before it reaches SQL. better-auth's sign-in audit lookup is the known exception (see the report).
    for (const l of h.logger.lines) {
      const where = requests.get(String(l.requestId));
      if (l.msg === 'data exception' && where && !where.includes(' /api/auth/')) failures.push(`${where} reached SQL: ${String(l.sqlState)}`);
    }
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(routes.length * CORPUS.length * 2);
    // Still alive and still serving the owner.
    expect((await h.app.request('/healthz')).status).toBe(200);
    expect((await h.app.request('/api/me', { headers: owner.headers })).status).toBe(200);
  });
});

function isEnvelope(text: string): boolean {
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    return typeof body.error?.code === 'string' && typeof body.error.message === 'string';
  } catch {
    return false;
  }
}
