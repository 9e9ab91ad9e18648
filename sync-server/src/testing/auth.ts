import { sql } from 'drizzle-orm';
import { hashPassword } from 'better-auth/crypto';
import type { Database } from '../db/types.ts';
import { DEMO_PASSWORD } from '../seed/demo.ts';

/** Something that answers requests like a Hono app. */
export interface RequestTarget {
  request(input: string, init?: RequestInit): Response | Promise<Response>;
}

export interface SignedIn {
  /** `Cookie` header value carrying the session. */
  cookie: string;
  /** The bearer token for the same session (Authorization: Bearer). */
  token: string;
  /** Headers to send on authenticated requests (cookie and a same-origin Origin). */
  headers: Record<string, string>;
}

export const TEST_ORIGIN = 'http://localhost:3000';

/** Signs in through the real /api/auth/sign-in/email endpoint; demo users by default. */
export async function signIn(app: RequestTarget, email: string, password: string = DEMO_PASSWORD): Promise<SignedIn> {
  const res = await app.request('/api/auth/sign-in/email', {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: TEST_ORIGIN },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`sign-in of ${email} failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const token = res.headers.get('set-auth-token') ?? '';
  return { cookie, token, headers: { cookie, origin: TEST_ORIGIN } };
}

/**
 * Adds a user who signs in with `password` (the demo password by default) for a
 * test: a member of a tenant (by slug) with one of its roles, or platform staff
 * of a space (accountants may be linked to tenants). Reuses the seeded owner's
 * password hash when it fits, since hashing (scrypt) is slow. Returns the ids.
 */
export async function addTestUser(
  db: Database,
  input: { email: string; name?: string; password?: string } & (
    | { tenant: string; role: string }
    | { space: 'provider' | 'dev' | 'accounting'; tenants?: string[] }
  ),
): Promise<{ userId: string; memberId: string | null }> {
  const password = input.password ?? DEMO_PASSWORD;
  const [seeded] =
    password === DEMO_PASSWORD
      ? await db.rows<{ password: string }>(
          sql`select a.password from account a join "user" u on u.id = a.user_id where u.email = 'owner@acme.test' and a.provider_id = 'credential'`,
        )
      : [];
  const hash = seeded?.password ?? (await hashPassword(password));
  const userId = crypto.randomUUID();
  await db.rows(sql`insert into "user" (id, name, email, email_verified) values (${userId}, ${input.name ?? input.email}, ${input.email}, true)`);
  await db.rows(sql`insert into account (id, account_id, provider_id, user_id, password) values (${crypto.randomUUID()}, ${userId}, 'credential', ${userId}, ${hash})`);
  if ('space' in input) {
    await db.rows(sql`insert into platform_staff (user_id, space) values (${userId}, ${input.space})`);
    for (const slug of input.tenants ?? []) {
      await db.rows(sql`insert into accountant_tenants (user_id, org_id) select ${userId}, id from organization where slug = ${slug}`);
    }
    return { userId, memberId: null };
  }
  const [role] = await db.rows<{ org_id: string; id: string }>(
    sql`select r.org_id, r.id from roles r join organization o on o.id = r.org_id where o.slug = ${input.tenant} and r.key = ${input.role}`,
  );
  if (!role) throw new Error(`addTestUser: no role "${input.role}" in tenant "${input.tenant}"`);
  const memberId = crypto.randomUUID();
  await db.rows(
    sql`insert into member (id, organization_id, user_id, role, created_at) values (${memberId}, ${role.org_id}, ${userId}, ${input.role === 'owner' ? 'owner' : 'member'}, now())`,
  );
  await db.rows(sql`insert into member_roles (org_id, member_id, role_id) values (${role.org_id}, ${memberId}, ${role.id})`);
  return { userId, memberId };
}
