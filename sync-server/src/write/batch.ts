import { setTimeout as sleep } from 'node:timers/promises';
import { recordAudit } from '../audit/record.ts';
import type { WritableTableName } from '@streamflow/schema';
import type { TenantPrincipal } from '../auth/principal.ts';
import type { Clock } from '../clock.ts';
import { withTenantLast, type WithLast } from '../db/tenant.ts';
import type { Database, Tx } from '../db/types.ts';
import type { Logger } from '../logger.ts';
import { AppError } from '../errors.ts';
import { applyMutation, tableEntitledBy } from './apply.ts';
import { insertRun, prepareRun, runnable, sendRun } from './insert-run.ts';
import { dataErrorLog, dataErrorSentence, isDataError, isTransient } from './db-errors.ts';
import { WriteErrors } from './errors.ts';
import { type AuditRow, claimBatch, earlierOutcomes, finishBatch, type PrincipalCheck } from './ledger.ts';
import { transitionsFrom } from './rules.ts';
import { storableText } from './storable.ts';
import type { ApplyContext, Batch, MutationOutcome, MutationResult, WriteResponse } from './types.ts';

export { bodyHash } from './ledger.ts';

export interface WriteDeps {
  db: Database;
  clock: Clock;
  maxClockSkewMs: number;
  /** Where the database's own text of a refused mutation goes (the client hears a fixed sentence). */
  log: Logger;
}

/** The stored answer of a batch: its status code and body. */
export interface WriteAnswer {
  status: 200 | 409;
  body: WriteResponse;
  replayed: boolean;
}

/** A mutation hit a database error with no savepoint to fall back to: run the batch again with savepoints. */
class NeedSavepoints extends Error {}

/**
 * The cached principal the batch was sent with no longer holds (session
 * gone or switched, membership gone, now platform staff): nothing was kept;
 * resolve the principal afresh and decide again.
 */
export class StalePrincipal extends Error {
  constructor() {
    super('the cached principal no longer matches the session');
  }
}

/**
 * The leading inserts were sent before the claim answered, on the bet that the
 * key and their mutation ids are new and the principal unchanged; the claim
 * says otherwise. Nothing is kept: the batch runs again without betting.
 */
class SpeculationMissed extends Error {}

/** How the batch ran: the answer, and whether the cached principal's roles or permissions had changed. */
export interface WriteOutcome extends WriteAnswer {
  /** True when a cached principal was checked and its roles or permissions were out of date. */
  grantsChanged: boolean;
}

const MAX_ATTEMPTS = 4;

/**
 * Processes one batch of POST /api/write in a single tenant transaction
 * (RLS on). The idempotency key is claimed first, so two identical requests
 * racing apply once; every mutation id is entered in the ledger, so one seen
 * before answers `duplicate`; the full response is stored with the key.
 *
 * Each mutation is isolated as if in its own savepoint: the batch first runs
 * without savepoints (they cost two round trips per mutation), and if a
 * mutation hits a database error it runs again from the start with a
 * savepoint per mutation, where that error becomes the mutation's
 * `rejected INVALID`. A deadlock or serialization failure reruns the batch;
 * any other error fails it, nothing commits, and the client's retry with the
 * same key is safe.
 */
export async function applyWriteBatch(
  deps: WriteDeps,
  principal: TenantPrincipal,
  key: string,
  batch: Batch,
  hash: string,
  requestId: string | null,
  opts: { verifyPrincipal?: boolean } = {},
): Promise<WriteOutcome> {
  let savepoints = false;
  let speculate = true;
  for (let attempt = 1; ; attempt++) {
    try {
      const check = opts.verifyPrincipal ? { sessionId: principal.sessionId, nowIso: deps.clock.now().toISOString() } : undefined;
      const mode = { savepoints, speculate: speculate && !savepoints };
      return await withTenantLast(deps.db, { orgId: principal.orgId, userId: principal.userId }, (tx) =>
        runBatch(deps, tx, principal, key, batch, hash, requestId, mode, check),
      );
    } catch (err) {
      if (err instanceof SpeculationMissed && speculate) {
        speculate = false;
        continue;
      }
      if (err instanceof NeedSavepoints && !savepoints) {
        savepoints = true;
        continue;
      }
      if (isTransient(err) && attempt < MAX_ATTEMPTS) {
        await sleep(5 + Math.random() * 20 * attempt);
        continue;
      }
      throw err;
    }
  }
}

async function runBatch(
  deps: WriteDeps,
  tx: Tx,
  principal: TenantPrincipal,
  key: string,
  batch: Batch,
  hash: string,
  requestId: string | null,
  mode: { savepoints: boolean; speculate: boolean },
  check: PrincipalCheck | undefined,
): Promise<WithLast<WriteOutcome>> {
  const { db } = deps;
  const { savepoints } = mode;
  const claiming = claimBatch(db, tx, principal, key, hash, batch, check);
  // Awaited below; until then a failure must not count as unhandled.
  claiming.catch(() => undefined);
  // The common batch starts with inserts of new rows (an outbox after a day offline). Their
  // INSERT goes out right behind the claim, before its answer: one round trip for both. It
  // runs after the claim on the connection, so it waits on the key like the claim does.
  const first = batch.mutations[0];
  let bet: { run: Batch['mutations']; outcomes: Promise<(MutationOutcome | null)[]> } | undefined;
  if (mode.speculate && first && runnable(first)) {
    const run = insertRunAt(batch.mutations, 0, () => true);
    const early: ApplyContext = { db, tx, principal, clock: deps.clock, maxClockSkewMs: deps.maxClockSkewMs, transitions: {}, tombstones: new Map() };
    const outcomes = prepareRun(early, first.table as WritableTableName, run).then((prepared) => sendRun(early, prepared));
    outcomes.catch(() => undefined);
    bet = { run, outcomes };
  }
  const { claim, verdict } = await claiming;
  if (verdict?.stale) throw new StalePrincipal();
  const grantsChanged = verdict !== undefined && !sameGrants(principal, verdict);
  // The bet holds when the key and every mutation id of the run are new and the grants it was
  // checked with are the ones the database has; otherwise nothing of this attempt is kept.
  if (bet && (claim.kind !== 'new' || grantsChanged || !tableEntitledBy(claim.modules, bet.run[0]?.table ?? '') || !bet.run.every((m) => claim.fresh.has(m.id)))) {
    throw new SpeculationMissed();
  }
  // Every mutation is authorised with what the database says in this transaction.
  if (verdict) principal = { ...principal, roles: verdict.roles, perms: verdict.perms };
  if (claim.kind === 'seen') {
    if (claim.requestHash !== hash || (claim.userId !== null && claim.userId !== principal.userId)) {
      throw new AppError(422, WriteErrors.IDEMPOTENCY_KEY_REUSED, 'This Idempotency-Key was used with a different request.');
    }
    const audited = recordAudit(db, { action: 'write.replay', outcome: 'succeeded', actorUserId: principal.userId, orgId: principal.orgId, space: 'client', requestId, details: { key } }, tx);
    return { value: { status: claim.status === 409 ? 409 : 200, body: claim.response, replayed: true, grantsChanged }, last: audited };
  }

  const ctx: ApplyContext = {
    db,
    tx,
    principal,
    clock: deps.clock,
    maxClockSkewMs: deps.maxClockSkewMs,
    transitions: transitionsFrom(claim.settings),
    modules: claim.modules,
    tombstones: new Map(),
  };
  const earlier = await earlierOutcomes(db, tx, principal.orgId, batch.mutations.filter((m) => !claim.fresh.has(m.id)).map((m) => m.id));

  const results: MutationResult[] = [];
  const finished: { id: string; o: Record<string, unknown> }[] = [];
  const audits: AuditRow[] = [];
  // Outcomes already known for mutations of a multi-row insert run (see insert-run.ts), and the
  // mutations that went through one (an id that already existed takes the ordinary path).
  const decided = new Map<string, MutationOutcome>();
  const ran = new Set<string>();
  const record = (run: Batch['mutations'], outcomes: (MutationOutcome | null)[]) =>
    run.forEach((x, j) => {
      ran.add(x.id);
      const o = outcomes[j];
      if (o) decided.set(x.id, o);
    });
  if (bet) {
    record(
      bet.run,
      await bet.outcomes.catch((err: unknown) => {
        throw isDataError(err) ? new NeedSavepoints() : err;
      }),
    );
  }
  for (const [i, m] of batch.mutations.entries()) {
    const before = earlier.get(m.id);
    if (before || !claim.fresh.has(m.id)) {
      results.push({ id: m.id, status: 'duplicate', original: before ?? { status: 'applied' } });
      continue;
    }
    if (!savepoints && !ran.has(m.id) && runnable(m)) {
      const run = insertRunAt(batch.mutations, i, (x) => claim.fresh.has(x.id) && !earlier.has(x.id));
      if (run.length > 1) {
        const outcomes = await insertRun(ctx, m.table as WritableTableName, run).catch((err: unknown) => {
          throw isDataError(err) ? new NeedSavepoints() : err;
        });
        record(run, outcomes);
      }
    }
    let outcome: MutationOutcome;
    try {
      const known = decided.get(m.id);
      outcome =
        known ?? (savepoints ? await tx.transaction((sp) => applyMutation({ ...ctx, tx: sp }, m)) : await applyMutation(ctx, m));
    } catch (err) {
      if (!isDataError(err)) throw err;
      if (!savepoints) throw new NeedSavepoints();
      // A constraint the validators cannot see (a duplicate number, a check). Its text names
      // constraints and values: the log keeps it, the client hears a fixed sentence.
      deps.log.warn('write.data_error', { mutationId: m.id, table: m.table.slice(0, 64), ...dataErrorLog(err) });
      outcome = { status: 'rejected', code: 'INVALID', message: dataErrorSentence(err) };
    }
    // The same id twice in one batch: the second is a duplicate of the first.
    earlier.set(m.id, outcome);
    // The stamp kept for tombstones is the one applied (clamped if it ran ahead); only applied
    // changes keep one, so a refused mutation stores nothing of what it sent.
    const hlc = outcome.status !== 'applied' ? null : outcome.clamped ? outcome.clamped.to : (m.hlc ?? null);
    finished.push({ id: m.id, o: { ...outcome, op: m.op, hlc } });
    if (outcome.status !== 'applied' || outcome.clamped) {
      const { row: _row, ...details } = outcome as MutationOutcome & { row?: unknown };
      audits.push({
        action: `write.${outcome.status === 'applied' ? 'clock_clamped' : outcome.status}`,
        outcome: outcome.status === 'applied' ? 'succeeded' : outcome.status === 'conflict' ? 'failed' : 'denied',
        target_table: storableText(m.table.slice(0, 64)),
        target_id: m.pk.id,
        details: { mutationId: m.id, op: m.op, ...details },
      });
    }
    results.push({ id: m.id, ...outcome });
  }
  const body: WriteResponse = { txid: claim.txid, results };
  const status = results.every((r) => r.status === 'conflict') ? 409 : 200;
  // Sent together with COMMIT (db/tenant.ts): the batch's last round trip.
  const last = finishBatch(db, tx, principal, key, requestId, finished, audits, { status, body });
  return { value: { status, body, replayed: false, grantsChanged }, last };
}

function sameGrants(p: TenantPrincipal, v: { roles: string[]; perms: ReadonlySet<string> }): boolean {
  if (p.roles.length !== v.roles.length || p.roles.some((r, i) => r !== v.roles[i])) return false;
  if (p.perms.size !== v.perms.size) return false;
  for (const perm of p.perms) if (!v.perms.has(perm)) return false;
  return true;
}

/** The run of consecutive fresh inserts into one table, of distinct mutation and row ids, starting at `start`. */
function insertRunAt(ms: Batch['mutations'], start: number, fresh: (m: Batch['mutations'][number]) => boolean): Batch['mutations'] {
  const first = ms[start];
  if (!first) return [];
  const run = [first];
  const ids = new Set([first.id]);
  const rows = new Set([first.pk.id]);
  for (let j = start + 1; j < ms.length; j++) {
    const m = ms[j];
    if (!m || !runnable(m, first.table) || !fresh(m) || ids.has(m.id) || rows.has(m.pk.id)) break;
    run.push(m);
    ids.add(m.id);
    rows.add(m.pk.id);
  }
  return run;
}
