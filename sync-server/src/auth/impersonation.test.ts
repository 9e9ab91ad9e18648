import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/types.ts';
import { seedDemo } from '../seed/demo.ts';
import { buildTestApp } from '../testing/app.ts';
import { signIn, type SignedIn } from '../testing/auth.ts';
import { createTestPglite } from '../testing/db.ts';
import { createStaff } from './staff.ts';

describe('provider staff impersonation', () => {
  let db: Database;
  let t: ReturnType<typeof buildTestApp>;
  let staff: SignedIn;
  let acme: string;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await t.app.request(path, { method, headers: { ...staff.headers, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
    return { status: res.status, body: (res.status === 204 ? null : await res.json()) as Record<string, unknown> };
  };
  beforeAll(async () => {
    db = await createTestPglite();
    await seedDemo(db);
    t = buildTestApp(db);
    await createStaff(db, { email: 'support@platform.test', name: 'Support', space: 'provider', password: 'support-password-1' });
    staff = await signIn(t.app, 'support@platform.test', 'support-password-1');
    acme = (await db.rows<{ id: string }>(sql`select id from organization where slug = 'acme'`))[0]?.id ?? '';
  });
  afterAll(async () => {
    await db.close();
  });

  it('is refused without an elevation: staff stay in their space', async () => {
    expect((await call('GET', '/api/admin/members')).status).toBe(403);
    const wrong = await call('POST', '/api/provider/impersonations', { tenantId: acme, userEmail: 'owner@acme.test', reason: 'Ticket 42: owner cannot see invoices', minutes: 10, password: 'nope' });
    expect(wrong.status).toBe(403);
    const noReason = await call('POST', '/api/provider/impersonations', { tenantId: acme, userEmail: 'owner@acme.test', reason: 'because', minutes: 10, password: 'support-password-1' });
    expect(noReason.status).toBe(422);
  });

  it('acts as the user with a justification, masks sensitive fields, audits every request, and ends', async () => {
    const start = await call('POST', '/api/provider/impersonations', { tenantId: acme, userEmail: 'owner@acme.test', reason: 'Ticket 42: owner cannot see invoices', minutes: 10, password: 'support-password-1' });
    expect(start.status).toBe(201);
    const me = await call('GET', '/api/me');
    expect(me.body).toMatchObject({ space: 'client', orgId: acme, roles: ['owner'] });
    expect(me.body.email).not.toBe('owner@acme.test');
    expect(String(me.body.email)).toMatch(/^o•+t$/);
    const members = (await call('GET', '/api/admin/members')).body.members as { email: string }[];
    expect(members.length).toBeGreaterThan(0);
    for (const m of members) expect(m.email).toContain('•');
    const audit = await db.rows<{ actor_user_id: string; details: { path: string } }>(
      sql`select actor_user_id, details from audit_log where action = 'impersonation.request' order by id`,
    );
    expect(audit.map((a) => a.details.path)).toEqual(['/api/me', '/api/admin/members']);
    expect((await call('DELETE', '/api/impersonation')).status).toBe(204);
    expect((await call('GET', '/api/me')).body).toMatchObject({ space: 'provider', orgId: null });
  });
});
