import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { organization } from '@streamflow/schema';
import { eq } from 'drizzle-orm';
import { recordAudit } from '../audit/record.ts';
import type { TenantPrincipal } from '../auth/principal.ts';
import type { Clock } from '../clock.ts';
import { withTenant } from '../db/tenant.ts';
import type { Database } from '../db/types.ts';
import { AppError } from '../errors.ts';
import { applyMutation } from './apply.ts';
import { WriteErrors } from './errors.ts';
import { transitionsFrom } from './rules.ts';
import type { Batch, MutationOutcome, MutationResult, WriteResponse } from './types.ts';

export interface WriteDeps {
  db: Database;
  clock: Clock;
  maxClockSkewMs: number;
}

/** The stored answer of a batch: its status code and body. */
export interface WriteAnswer {
  status: 200 | 409;
  body: WriteResponse;
  replayed: boolean;
}

/** Hash of the request body: same key + same hash replays, same key + other hash is refused. */
export function bodyHash(raw: string): string {
  return createHash('sha256').update(raw).digest('hex');
}

/**
 * Processes one batch of POST /api/write in a single tenant transaction
 * (RLS on): the idempotency key is checked under an advisory lock so two
 * identical requests racing apply once; each mutation runs in its own
 * savepoint and is entered in the mutation ledger, so a mutation id seen
 * before answers `duplicate`; the full response is stored with the key.
 */
export async function applyWriteBatch(
  deps: WriteDeps,
  principal: TenantPrincipal,
  key: string,
  batch: Batch,
  hash: string,
  requestId: string | null,
): Promise<WriteAnswer> {
  const { db } = deps;
  return withTenant(db, { orgId: principal.orgId, userId: principal.userId }, async (tx) => {
    await db.rows(sql`select pg_advisory_xact_lock(hashtextextended(${`${principal.orgId}/${key}`}, 0))`, tx);
    const stored = await db.rows<{ request_hash: string; status_code: number; response: WriteResponse }>(
      sql`select request_hash, status_code, response from idempotency_keys where org_id = ${principal.orgId} and key = ${key}`,
      tx,
    );
    const prior = stored[0];
    if (prior) {
      if (prior.request_hash !== hash) {
        throw new AppError(422, WriteErrors.IDEMPOTENCY_KEY_REUSED, 'This Idempotency-Key was used with a different request body.');
      }
      await recordAudit(db, { action: 'write.replay', outcome: 'succeeded', actorUserId: principal.userId, orgId: principal.orgId, space: 'client', requestId, details: { key } }, tx);
      return { status: prior.status_code === 409 ? 409 : 200, body: prior.response, replayed: true };
    }

    const [txRow] = await db.rows<{ txid: string }>(sql`select pg_current_xact_id()::text as txid`, tx);
    const [org] = await tx.select({ settings: organization.settings }).from(organization).where(eq(organization.id, principal.orgId));
    const ctx = { db, tx, principal, clock: deps.clock, maxClockSkewMs: deps.maxClockSkewMs, transitions: transitionsFrom(org?.settings) };

    const results: MutationResult[] = [];
    for (const m of batch.mutations) {
      const claimed = await db.rows<{ id: string }>(
        sql`insert into write_mutations (org_id, id, table_name, row_id, idempotency_key)
            values (${principal.orgId}, ${m.id}, ${m.table.slice(0, 64)}, ${m.pk.id}, ${key})
            on conflict (org_id, id) do nothing returning id`,
        tx,
      );
      if (claimed.length === 0) {
        const [seen] = await db.rows<{ outcome: (MutationOutcome & { op?: string; hlc?: string }) | null }>(
          sql`select outcome from write_mutations where org_id = ${principal.orgId} and id = ${m.id}`,
          tx,
        );
        const { op: _op, hlc: _hlc, ...original } = seen?.outcome ?? { status: 'applied' as const };
        results.push({ id: m.id, status: 'duplicate', original: original as MutationOutcome });
        continue;
      }
      let outcome: MutationOutcome;
      try {
        outcome = await tx.transaction((sp) => applyMutation({ ...ctx, tx: sp }, m));
      } catch (err) {
        // A constraint the validators cannot see (a foreign key to a missing row, a duplicate number).
        const cause = (err as { cause?: { message?: string } }).cause?.message ?? (err instanceof Error ? err.message : String(err));
        outcome = { status: 'rejected', code: 'INVALID', message: `The database refused this change: ${cause}` };
      }
      await db.rows(
        sql`update write_mutations set outcome = ${JSON.stringify({ ...outcome, op: m.op, hlc: m.hlc ?? null })}::jsonb
            where org_id = ${principal.orgId} and id = ${m.id}`,
        tx,
      );
      if (outcome.status !== 'applied' || outcome.clamped) {
        await recordAudit(
          db,
          {
            action: `write.${outcome.status === 'applied' ? 'clock_clamped' : outcome.status}`,
            outcome: outcome.status === 'applied' ? 'succeeded' : outcome.status === 'conflict' ? 'failed' : 'denied',
            actorUserId: principal.userId,
            orgId: principal.orgId,
            space: 'client',
            targetTable: m.table.slice(0, 64),
            targetId: m.pk.id,
            requestId,
            details: { mutationId: m.id, op: m.op, ...outcome, row: undefined },
          },
          tx,
        );
      }
      results.push({ id: m.id, ...outcome });
    }
    const body: WriteResponse = { txid: txRow?.txid ?? '', results };
    const status = results.every((r) => r.status === 'conflict') ? 409 : 200;
    await db.rows(
      sql`insert into idempotency_keys (org_id, key, user_id, request_hash, status_code, response)
          values (${principal.orgId}, ${key}, ${principal.userId}, ${hash}, ${status}, ${JSON.stringify(body)}::jsonb)`,
      tx,
    );
    return { status, body, replayed: false };
  });
}
