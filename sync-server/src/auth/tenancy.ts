import { sql } from 'drizzle-orm';
import type { Database } from '../db/types.ts';

/**
 * The tenant a new session starts in: the one the user's most recent
 * session had active (if still a member), else their oldest membership.
 * Null for users without a tenant (platform staff).
 */
export async function pickActiveTenant(db: Database, userId: string): Promise<string | null> {
  const rows = await db.rows<{ org: string }>(sql`
    select coalesce(
      (select s.active_organization_id from session s
         join member m on m.organization_id = s.active_organization_id and m.user_id = s.user_id
        where s.user_id = ${userId} order by s.created_at desc limit 1),
      (select m.organization_id from member m where m.user_id = ${userId} order by m.created_at, m.id limit 1)
    ) as org`);
  return rows[0]?.org ?? null;
}
