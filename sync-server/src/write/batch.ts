import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
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

    const [head] = await db.rows<{ txid: string; settings: unknown }>(
      sql`select pg_current_xact_id()::text as txid, settings from organization where id = ${principal.orgId}`,
      tx,
    );
    const ctx = { db, tx, principal, clock: deps.clock, maxClockSkewMs: deps.maxClockSkewMs, transitions: transitionsFrom(head?.settings) };

    // Enter every mutation in the ledger in one statement; ids already there were seen before.
    const entries = batch.mutations.map((m) => ({ id: m.id, t: m.table.slice(0, 64), r: m.pk.id }));
    const claimed = new Set(
      (
        await db.rows<{ id: string }>(
          sql`insert into write_mutations (org_id, id, table_name, row_id, idempotency_key)
              select ${principal.orgId}, x.id, x.t, x.r, ${key} from jsonb_to_recordset(${JSON.stringify(entries)}::jsonb) as x(id uuid, t text, r uuid)
              on conflict (org_id, id) do nothing returning id`,
          tx,
        )
      ).map((r) => r.id),
    );
    const earlier = new Map<string, MutationOutcome>();
    const unclaimed = batch.mutations.filter((m) => !claimed.has(m.id)).map((m) => m.id);
    if (unclaimed.length > 0) {
      const seen = await db.rows<{ id: string; outcome: (MutationOutcome & { op?: string; hlc?: string }) | null }>(
        sql`select id, outcome from write_mutations where org_id = ${principal.orgId}
            and id in (select (jsonb_array_elements_text(${JSON.stringify(unclaimed)}::jsonb))::uuid)`,
        tx,
      );
      for (const r of seen) {
        const { op: _op, hlc: _hlc, ...original } = r.outcome ?? { status: 'applied' as const };
        earlier.set(r.id, original as MutationOutcome);
      }
    }

    const results: MutationResult[] = [];
    const finished: { id: string; o: Record<string, unknown> }[] = [];
    for (const m of batch.mutations) {
      const before = earlier.get(m.id);
      if (!claimed.has(m.id) || before) {
        results.push({ id: m.id, status: 'duplicate', original: before ?? { status: 'applied' } });
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
      // The same id twice in one batch: the second is a duplicate of the first.
      earlier.set(m.id, outcome);
      finished.push({ id: m.id, o: { ...outcome, op: m.op, hlc: m.hlc ?? null } });
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
    if (finished.length > 0) {
      await db.rows(
        sql`update write_mutations w set outcome = x.o
            from jsonb_to_recordset(${JSON.stringify(finished)}::jsonb) as x(id uuid, o jsonb)
            where w.org_id = ${principal.orgId} and w.id = x.id`,
        tx,
      );
    }
    const body: WriteResponse = { txid: head?.txid ?? '', results };
    const status = results.every((r) => r.status === 'conflict') ? 409 : 200;
    await db.rows(
      sql`insert into idempotency_keys (org_id, key, user_id, request_hash, status_code, response)
          values (${principal.orgId}, ${key}, ${principal.userId}, ${hash}, ${status}, ${JSON.stringify(body)}::jsonb)`,
      tx,
    );
    return { status, body, replayed: false };
  });
}
