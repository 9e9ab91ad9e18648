import { sql } from 'drizzle-orm';
import { storableJson, storableText } from '../db/storable.ts';
import type { Database, Executor } from '../db/types.ts';

/** One audit record (PRODUCT.md 10): who, tenant, space, action, target, outcome, request id, details. */
export interface AuditEntry {
  action: string;
  outcome: 'allowed' | 'denied' | 'succeeded' | 'failed';
  actorUserId?: string | null;
  orgId?: string | null;
  space?: string | null;
  targetTable?: string | null;
  targetId?: string | null;
  requestId?: string | null;
  details?: Record<string, unknown>;
  at?: Date;
}

/**
 * Writes an audit record. Pass the request's transaction when there is one so
 * the record commits (or rolls back) with the work it describes; inside a
 * tenant transaction the record must carry that tenant (RLS checks it).
 */
export async function recordAudit(db: Database, entry: AuditEntry, ex?: Executor): Promise<void> {
  // Entries carry request input (paths, emails, ids): a NUL or lone surrogate must not make the record unstorable.
  const text = (v: string | null | undefined) => (v == null ? null : storableText(v));
  entry = {
    ...entry,
    actorUserId: text(entry.actorUserId),
    orgId: text(entry.orgId),
    space: text(entry.space),
    action: storableText(entry.action),
    targetTable: text(entry.targetTable),
    targetId: text(entry.targetId),
    requestId: text(entry.requestId),
    details: storableJson(entry.details ?? {}) as Record<string, unknown>,
  };
  await db.rows(
    sql`insert into audit_log (at, request_id, actor_user_id, org_id, space, action, target_table, target_id, outcome, details)
        values (${(entry.at ?? new Date()).toISOString()}::timestamptz, ${entry.requestId ?? null}, ${entry.actorUserId ?? null},
                ${entry.orgId ?? null}, ${entry.space ?? null}, ${entry.action}, ${entry.targetTable ?? null},
                ${entry.targetId ?? null}, ${entry.outcome}, ${JSON.stringify(entry.details ?? {})}::jsonb)`,
    ex,
    { prepare: true },
  );
}
