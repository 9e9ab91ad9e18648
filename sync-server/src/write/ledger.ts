import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { resolveEntitlements, type ModuleKey, type Permission } from '@streamflow/schema';
import type { TenantPrincipal } from '../auth/principal.ts';
import { grantsFrom, principalQuery, type PrincipalRow } from '../auth/resolve-principal.ts';
import type { Database, Tx } from '../db/types.ts';
import { storableText } from './storable.ts';
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

/**
 * A Postgres array literal of uuids (already validated by the batch schema),
 * sent as one bound parameter. Looking ledger rows up with `id = any(...)`
 * keeps the plan on the primary key: a join against `jsonb_to_recordset` is
 * estimated at 100 rows and planned as a scan of the tenant's whole ledger,
 * which grows with every batch.
 */
function uuidArray(ids: readonly string[]): string {
  return `{${ids.join(',')}}`;
}

/** What claiming a key found. */
export type Claim =
  | { kind: 'new'; txid: string; settings: unknown; modules: Record<ModuleKey, boolean>; fresh: Set<string> }
  | { kind: 'seen'; requestHash: string; userId: string | null; status: number; response: WriteResponse };

/** A cached principal to check again in the claiming statement (see auth/principal-cache.ts). */
export interface PrincipalCheck {
  sessionId: string;
  /** The app clock's now, for elevation expiry. */
  nowIso: string;
}

/**
 * What the database says now about a cached principal: `stale` when its
 * session is gone, expired or switched to another tenant, the user became
 * platform staff, or the membership is gone or another one; otherwise its
 * current roles and permissions.
 */
export type PrincipalVerdict = { stale: true } | { stale: false; roles: string[]; perms: ReadonlySet<Permission> };

type ClaimRow = PrincipalRow & {
  claimed: number;
  txid: string;
  settings: unknown;
  plan: string;
  entitlements: unknown;
  fresh: string[];
  prior: { request_hash: string; user_id: string | null; status_code: number; response: WriteResponse } | null;
  session_ok: boolean | null;
};

/**
 * Claims the batch's key and enters its mutations in the ledger, in one
 * statement. The key row is inserted first (a placeholder the batch fills
 * in when it finishes): a second request with the same key blocks on the
 * primary key until this transaction ends, then finds the stored answer.
 * This holds on Postgres under READ COMMITTED without an advisory lock.
 * `fresh` holds the mutation ids entered now; the others were seen before.
 *
 * With `check`, the same statement also reads the principal again (its
 * session, membership, roles and elevations, as `resolvePrincipal` does):
 * the batch then authorises every mutation with what the database says in
 * this transaction, not with what a cache remembered.
 */
export async function claimBatch(
  db: Database,
  tx: Tx,
  p: TenantPrincipal,
  key: string,
  hash: string,
  batch: Batch,
  check?: PrincipalCheck,
): Promise<{ claim: Claim; verdict?: PrincipalVerdict }> {
  // Sorted, so two batches sharing mutation ids lock them in the same order.
  const entries = batch.mutations
    .map((m) => ({ id: m.id, t: storableText(m.table.slice(0, 64)), r: m.pk.id }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const verify = check
    ? // The tenant role cannot read `session` (ADR 011): a SECURITY DEFINER function answers for
      // this one session, of this user, active in this transaction's tenant and unexpired.
      sql`, streamflow_session_active(${check.sessionId}, ${p.userId}) as session_ok, pr.*
          from (${principalQuery(p.userId, p.orgId, check.nowIso)}) pr`
    : sql``;
  const [head] = await db.rows<ClaimRow>(
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
               (select plan from organization where id = ${p.orgId}) as plan,
               (select entitlements from organization where id = ${p.orgId}) as entitlements,
               coalesce((select jsonb_agg(id) from l), '[]'::jsonb) as fresh,
               (select jsonb_build_object('request_hash', request_hash, 'user_id', user_id, 'status_code', status_code, 'response', response)
                  from idempotency_keys where org_id = ${p.orgId} and key = ${key}) as prior
               ${verify}`,
    tx,
    { prepare: true },
  );
  if (!head) throw new Error('the claiming statement answered no row');
  const verdict: PrincipalVerdict | undefined = !check
    ? undefined
    : !head.session_ok || head.staff || head.member_id !== p.memberId
      ? { stale: true }
      : { stale: false, ...grantsFrom(head) };
  if (head.claimed > 0) {
    // The plan's modules as this transaction sees them: a downgrade refuses the next batch's writes to its tables.
    const modules = resolveEntitlements(head.entitlements, head.plan).modules;
    return { claim: { kind: 'new', txid: head.txid, settings: head.settings, modules, fresh: new Set(head.fresh) }, verdict };
  }
  // Taken by a batch that committed before this statement began (its row is in the statement's
  // snapshot), or by one this statement waited for (then only a new statement sees it).
  const prior =
    head.prior ??
    (
      await db.rows<NonNullable<ClaimRow['prior']>>(
        sql`select request_hash, user_id, status_code, response from idempotency_keys where org_id = ${p.orgId} and key = ${key}`,
        tx,
        { prepare: true },
      )
    )[0];
  if (!prior) throw new Error('idempotency key neither claimed nor found');
  return {
    claim: { kind: 'seen', requestHash: prior.request_hash, userId: prior.user_id, status: prior.status_code, response: prior.response },
    verdict,
  };
}

/** Original outcomes of mutation ids processed in earlier batches. */
export async function earlierOutcomes(db: Database, tx: Tx, orgId: string, ids: string[]): Promise<Map<string, MutationOutcome>> {
  const out = new Map<string, MutationOutcome>();
  if (ids.length === 0) return out;
  const rows = await db.rows<{ id: string; outcome: (MutationOutcome & { op?: string; hlc?: string }) | null }>(
    sql`select id, outcome from write_mutations where org_id = ${orgId} and id = any(${uuidArray(ids)}::uuid[])`,
    tx,
    { prepare: true },
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
          update write_mutations w set outcome = ${JSON.stringify(Object.fromEntries(finished.map((f) => [f.id, f.o])))}::jsonb -> w.id::text
          where w.org_id = ${p.orgId} and w.id = any(${uuidArray(finished.map((f) => f.id))}::uuid[]) returning 1
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
    { prepare: true },
  );
}
