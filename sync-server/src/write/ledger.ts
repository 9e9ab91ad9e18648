import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { TenantPrincipal } from '../auth/principal.ts';
import type { Database, Tx } from '../db/types.ts';
import type { Batch, MutationOutcome, WriteResponse } from './types.ts';

/*
 * The two ledgers of POST /api/write, both tenant tables under RLS:
 * `idempotency_keys` (one row per batch key: body hash and full response)
 * and `write_mutations` (one row per mutation id ever processed, with its
 * outcome). Both are written in the batch's own transaction, so a batch and
 * its ledger entries commit or vanish together.
 */

/** Canonical JSON: object keys sorted, so a re-serialised body hashes the same. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** SHA-256 of the request as parsed JSON: whitespace and key order do not matter, content does. */
export function bodyHash(json: unknown): string {
  return createHash('sha256').update(canonicalJson(json)).digest('hex');
}

/** What claiming a key found. */
export type Claim =
  | { kind: 'new'; txid: string; settings: unknown; fresh: Set<string> }
  | { kind: 'seen'; requestHash: string; userId: string | null; status: number; response: WriteResponse };

/**
 * Claims the batch's key and enters its mutations in the ledger, in one
 * statement. The key row is inserted first (a placeholder the batch fills
 * in when it finishes): a second request with the same key blocks on the
 * primary key until this transaction ends, then finds the stored answer.
 * This holds on Postgres under READ COMMITTED without an advisory lock.
 * `fresh` holds the mutation ids entered now; the others were seen before.
 */
export async function claimBatch(db: Database, tx: Tx, p: TenantPrincipal, key: string, hash: string, batch: Batch): Promise<Claim> {
  // Sorted, so two batches sharing mutation ids lock them in the same order.
  const entries = batch.mutations
    .map((m) => ({ id: m.id, t: m.table.slice(0, 64), r: m.pk.id }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const [head] = await db.rows<{ claimed: number; txid: string; settings: unknown; fresh: string[] }>(
    sql`with k as (
          insert into idempotency_keys (org_id, key, user_id, request_hash, status_code, response)
          values (${p.orgId}, ${key}, ${p.userId}, ${hash}, 0, '{}'::jsonb)
          on conflict (org_id, key) do nothing returning 1
        ), l as (
          insert into write_mutations (org_id, id, table_name, row_id, idempotency_key)
          select ${p.orgId}, x.id, x.t, x.r, ${key}
          from jsonb_to_recordset(${JSON.stringify(entries)}::jsonb) as x(id uuid, t text, r uuid)
          where exists (select 1 from k)
          on conflict (org_id, id) do nothing returning id
        )
        select (select count(*) from k)::int as claimed, pg_current_xact_id()::text as txid,
               (select settings from organization where id = ${p.orgId}) as settings,
               coalesce((select jsonb_agg(id) from l), '[]'::jsonb) as fresh`,
    tx,
  );
  if (head && head.claimed > 0) return { kind: 'new', txid: head.txid, settings: head.settings, fresh: new Set(head.fresh) };
  const [prior] = await db.rows<{ request_hash: string; user_id: string | null; status_code: number; response: WriteResponse }>(
    sql`select request_hash, user_id, status_code, response from idempotency_keys where org_id = ${p.orgId} and key = ${key}`,
    tx,
  );
  if (!prior) throw new Error('idempotency key neither claimed nor found');
  return { kind: 'seen', requestHash: prior.request_hash, userId: prior.user_id, status: prior.status_code, response: prior.response };
}

/** Original outcomes of mutation ids processed in earlier batches. */
export async function earlierOutcomes(db: Database, tx: Tx, orgId: string, ids: string[]): Promise<Map<string, MutationOutcome>> {
  const out = new Map<string, MutationOutcome>();
  if (ids.length === 0) return out;
  const rows = await db.rows<{ id: string; outcome: (MutationOutcome & { op?: string; hlc?: string }) | null }>(
    sql`select id, outcome from write_mutations where org_id = ${orgId}
        and id in (select (jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))::uuid)`,
    tx,
  );
  for (const r of rows) {
    // op and hlc are kept for last-writer-wins tombstones; they are not part of the answer.
    const { op: _op, hlc: _hlc, ...original } = r.outcome ?? { status: 'applied' as const };
    out.set(r.id, original as MutationOutcome);
  }
  return out;
}

/** One audit record of a conflict, rejection or clamped clock. */
export interface AuditRow {
  action: string;
  outcome: 'succeeded' | 'failed' | 'denied';
  target_table: string;
  target_id: string;
  details: Record<string, unknown>;
}

/** Records the outcomes, the audit records and the answer, in one statement. */
export async function finishBatch(
  db: Database,
  tx: Tx,
  p: TenantPrincipal,
  key: string,
  requestId: string | null,
  finished: { id: string; o: Record<string, unknown> }[],
  audits: AuditRow[],
  answer: { status: number; body: WriteResponse },
): Promise<void> {
  await db.rows(
    sql`with o as (
          update write_mutations w set outcome = x.o
          from jsonb_to_recordset(${JSON.stringify(finished)}::jsonb) as x(id uuid, o jsonb)
          where w.org_id = ${p.orgId} and w.id = x.id returning 1
        ), a as (
          insert into audit_log (request_id, actor_user_id, org_id, space, action, target_table, target_id, outcome, details)
          select ${requestId}, ${p.userId}, ${p.orgId}, 'client', x.action, x.target_table, x.target_id, x.outcome, x.details
          from jsonb_to_recordset(${JSON.stringify(audits)}::jsonb)
            as x(action text, outcome text, target_table text, target_id text, details jsonb)
          returning 1
        )
        update idempotency_keys set status_code = ${answer.status}, response = ${JSON.stringify(answer.body)}::jsonb
        where org_id = ${p.orgId} and key = ${key}`,
    tx,
  );
}
