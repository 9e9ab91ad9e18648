import { sql } from 'drizzle-orm';
import { hashPassword } from 'better-auth/crypto';
import type { Database } from '../db/types.ts';
import type { Space } from './principal.ts';

/**
 * Creates (or moves) a platform staff account: provider, dev or accounting.
 * There is no self-service path; this runs from the CLI. Accountants are
 * linked to the tenants they serve by slug.
 */
export async function createStaff(
  db: Database,
  input: { email: string; name: string; space: Exclude<Space, 'client'>; password: string; tenants?: string[] },
): Promise<{ userId: string; created: boolean }> {
  return db.orm.transaction(async (tx) => {
    const [existing] = await db.rows<{ id: string }>(sql`select id from "user" where email = ${input.email}`, tx);
    const userId = existing?.id ?? crypto.randomUUID();
    if (!existing) {
      await db.rows(sql`insert into "user" (id, name, email, email_verified) values (${userId}, ${input.name}, ${input.email}, true)`, tx);
      await db.rows(
        sql`insert into account (id, account_id, provider_id, user_id, password)
            values (${crypto.randomUUID()}, ${userId}, 'credential', ${userId}, ${await hashPassword(input.password)})`,
        tx,
      );
    }
    const member = await db.rows(sql`select 1 from member where user_id = ${userId}`, tx);
    if (member.length > 0) throw new Error(`${input.email} is a tenant member; staff accounts are separate from tenants.`);
    await db.rows(
      sql`insert into platform_staff (user_id, space) values (${userId}, ${input.space})
          on conflict (user_id) do update set space = excluded.space`,
      tx,
    );
    for (const slug of input.tenants ?? []) {
      const [org] = await db.rows<{ id: string }>(sql`select id from organization where slug = ${slug}`, tx);
      if (!org) throw new Error(`No tenant with slug "${slug}".`);
      await db.rows(sql`insert into accountant_tenants (user_id, org_id) values (${userId}, ${org.id}) on conflict do nothing`, tx);
    }
    await db.rows(
      sql`insert into audit_log (actor_user_id, space, action, target_table, target_id, outcome, details)
          values (null, 'platform', 'staff.create', 'user', ${userId}, 'succeeded', ${JSON.stringify({ space: input.space, email: input.email })}::jsonb)`,
      tx,
    );
    return { userId, created: !existing };
  });
}
