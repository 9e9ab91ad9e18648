import type { PGliteInterface, Transaction } from '@electric-sql/pglite';

/*
 * The uploader sends the local outbox to POST /api/write (PROTOCOL.md 2), in
 * order, in batches. Invariants:
 *   - a batch's Idempotency-Key is stored on its outbox rows before the first
 *     send, so a retry after a lost response resends the same body with the
 *     same key and the server answers with its stored response;
 *   - a mutation id never changes, so even a rebuilt batch answers
 *     `duplicate` instead of applying twice;
 *   - an outbox row leaves only on a definite answer (applied / duplicate);
 *     conflicts and rejections stay, visible, until the user resolves them.
 */

interface OutboxRow {
  seq: number;
  mutation_id: string;
  table_name: string;
  op: 'insert' | 'update' | 'delete';
  row_id: string;
  values: Record<string, unknown>;
  base: Record<string, unknown>;
  hlc: string;
  batch_key: string | null;
}

/** One mutation's outcome as the server reports it. */
export interface MutationResult {
  id: string;
  status: 'applied' | 'duplicate' | 'conflict' | 'rejected';
  code?: string;
  message?: string;
  row?: Record<string, unknown>;
  conflicts?: { field: string; base: unknown; mine: unknown; theirs: unknown }[];
  /** With an `INVALID` rejection: the zod issues of the values (PROTOCOL.md 2). */
  issues?: { code: string; message: string; path?: PropertyKey[]; [key: string]: unknown }[];
  original?: Omit<MutationResult, 'id' | 'original'>;
}

export type FlushOutcome =
  | { kind: 'idle' }
  | { kind: 'sent'; results: MutationResult[] }
  | { kind: 'offline'; error: string }
  | { kind: 'retry'; status: number; retryAfterMs: number | null }
  | { kind: 'too-large' }
  | { kind: 'unauthorized'; status: number };

export interface UploaderOptions {
  pg: PGliteInterface;
  /** Base URL of sync-server ('' for same origin). */
  baseUrl: string;
  fetch?: typeof fetch;
  /** Extra headers (e.g. Authorization: Bearer for non-browser clients). */
  headers?: Record<string, string>;
  batchSize?: number;
}

const q = (ident: string) => `"${ident.replaceAll('"', '""')}"`;

/** Takes the next batch: the one already keyed (resent as is), else the next pending rows under a new key. */
async function nextBatch(pg: PGliteInterface, size: number): Promise<{ key: string; rows: OutboxRow[] } | null> {
  return pg.transaction(async (tx) => {
    const keyed = await tx.query<{ batch_key: string }>(
      `select batch_key from outbox where status = 'pending' and batch_key is not null order by seq limit 1`,
    );
    let key = keyed.rows[0]?.batch_key;
    if (!key) {
      const fresh = await tx.query<{ key: string }>(`select gen_random_uuid()::text as key`);
      key = fresh.rows[0]?.key;
      if (!key) return null;
      await tx.query(
        `update outbox set batch_key = $1 where seq in
           (select seq from outbox where status = 'pending' and batch_key is null order by seq limit $2)`,
        [key, size],
      );
    }
    const rows = await tx.query<OutboxRow>(`select * from outbox where batch_key = $1 order by seq`, [key]);
    return rows.rows.length > 0 ? { key, rows: rows.rows } : null;
  });
}

/** Records the server's answer for each mutation of a batch, in one local transaction. */
async function applyResults(pg: PGliteInterface, rows: OutboxRow[], results: MutationResult[]): Promise<void> {
  const byId = new Map(results.map((r) => [r.id, r]));
  await pg.transaction(async (tx) => {
    for (const row of rows) {
      const result = byId.get(row.mutation_id);
      if (!result) continue; // not answered: stays keyed and is resent with the batch
      const outcome = result.status === 'duplicate' && result.original ? { ...result, ...result.original } : result;
      if (outcome.status === 'applied' || outcome.status === 'duplicate') {
        await tx.query(`delete from outbox where seq = $1`, [row.seq]);
        if (row.op === 'delete') await forgetDeleted(tx, row);
        // Acknowledged: the overlay goes with the next synced version of the row.
        else await tx.query(`update ${q(`${row.table_name}_local`)} set local_state = 'applied' where id = $1 and local_write_id = $2`, [row.row_id, row.mutation_id]);
      } else {
        await tx.query(`update outbox set status = $2, result = $3 where seq = $1`, [row.seq, outcome.status, JSON.stringify(outcome)]);
        await tx.query(`update ${q(`${row.table_name}_local`)} set local_state = $2 where id = $1`, [row.row_id, outcome.status]);
      }
    }
  });
}

/** A delete the server applied: drop the hidden local row unless the synced row is still there (it will go when its delete streams in). */
async function forgetDeleted(tx: Transaction, row: OutboxRow): Promise<void> {
  await tx.query(
    `delete from ${q(`${row.table_name}_local`)} l where l.id = $1 and l.is_deleted
       and not exists (select 1 from ${q(`${row.table_name}_synced`)} s where s.id = $1)`,
    [row.row_id],
  );
}

function retryAfterMs(res: Response): number | null {
  const h = res.headers.get('retry-after');
  if (!h) return null;
  const secs = Number(h);
  return Number.isFinite(secs) ? secs * 1000 : null;
}

/** Sends one batch of the outbox. Call again until it answers `idle`. */
export async function flushOnce(opts: UploaderOptions): Promise<FlushOutcome> {
  const { pg } = opts;
  const batch = await nextBatch(pg, opts.batchSize ?? 50);
  if (!batch) return { kind: 'idle' };
  const clientId = (await pg.query<{ value: string }>(`select value from local_meta where key = 'client_id'`)).rows[0]?.value;
  const body = JSON.stringify({
    clientId,
    mutations: batch.rows.map((r) => ({
      id: r.mutation_id,
      table: r.table_name,
      op: r.op,
      pk: { id: r.row_id },
      values: r.values,
      base: r.base,
      hlc: r.hlc,
    })),
  });
  let res: Response;
  try {
    res = await (opts.fetch ?? fetch)(`${opts.baseUrl}/api/write`, {
      method: 'POST',
      credentials: 'include',
      headers: { 'content-type': 'application/json', 'idempotency-key': batch.key, ...opts.headers },
      body,
    });
  } catch (err) {
    return { kind: 'offline', error: err instanceof Error ? err.message : String(err) };
  }
  if (res.status === 200 || res.status === 409) {
    const { results } = (await res.json()) as { results: MutationResult[] };
    await applyResults(pg, batch.rows, results);
    return { kind: 'sent', results };
  }
  if (res.status === 401 || res.status === 403) return { kind: 'unauthorized', status: res.status };
  if (res.status === 422) {
    // The key was used with another body (should not happen): re-key these rows and try again.
    await pg.query(`update outbox set batch_key = null where batch_key = $1`, [batch.key]);
  }
  if (res.status === 413) {
    // Too large: split by re-keying; the next call takes a smaller batch.
    await pg.query(`update outbox set batch_key = null where batch_key = $1`, [batch.key]);
    return { kind: 'too-large' };
  }
  return { kind: 'retry', status: res.status, retryAfterMs: retryAfterMs(res) };
}

/** Backoff with full jitter: base·2^attempt, capped, randomised so devices do not stampede. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const cap = 60_000;
  const exp = Math.min(cap, 1_000 * 2 ** Math.min(attempt, 10));
  return Math.floor(random() * exp);
}

export interface UploaderLoop {
  /**
   * Wake the loop. A plain kick (a local write, a timer) respects the offline
   * pause; `force` (back online, the user's "upload now") sends even if the
   * browser says offline and ends any back-off, also a server's Retry-After.
   */
  kick(force?: boolean): void;
  stop(): void;
  /** Resolves when the outbox has nothing left to send (or the loop stopped or paused). */
  idle(): Promise<void>;
}

/** What the loop reports after each step: a flush outcome, or `paused` (offline, nothing sent). */
export type LoopOutcome = FlushOutcome | { kind: 'paused' };

const navigatorOnline = () => (globalThis as { navigator?: { onLine?: boolean } }).navigator?.onLine !== false;

/**
 * Runs `flushOnce` until the outbox is drained, backing off with jitter on
 * network errors, 429 and 5xx, halving the batch on 413, pausing while the
 * browser is offline (`online()`, default `navigator.onLine`) until kicked,
 * and pausing on 401/403 until kicked again (e.g. after sign-in).
 */
export function startUploader(
  opts: UploaderOptions & {
    onOutcome?: (o: LoopOutcome) => void;
    sleep?: (ms: number) => Promise<void>;
    online?: () => boolean;
    backoff?: (attempt: number) => number;
  },
): UploaderLoop {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const online = opts.online ?? navigatorOnline;
  const backoff = opts.backoff ?? ((n: number) => backoffMs(n));
  let stopped = false;
  let running = false;
  let again = false;
  let forced = false;
  let batchSize = opts.batchSize ?? 50;
  let idleWaiters: (() => void)[] = [];
  let interrupt: ((force: boolean) => void) | null = null;

  const run = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    let attempt = 0;
    try {
      do {
        again = false;
        while (!stopped) {
          if (!forced && !online()) {
            opts.onOutcome?.({ kind: 'paused' });
            break; // the online event (or a forced kick) starts the loop again
          }
          forced = false;
          const outcome = await flushOnce({ ...opts, batchSize });
          opts.onOutcome?.(outcome);
          if (outcome.kind === 'idle' || outcome.kind === 'unauthorized') break;
          if (outcome.kind === 'sent') {
            attempt = 0;
            continue;
          }
          if (outcome.kind === 'too-large') {
            batchSize = Math.max(1, Math.floor(batchSize / 2));
            continue;
          }
          if (outcome.kind === 'offline' && !online()) continue; // pauses at the top of the loop
          const wait = outcome.kind === 'retry' && outcome.retryAfterMs !== null ? outcome.retryAfterMs : backoff(attempt);
          attempt++;
          // A kick (back online, a new local write) ends a network back-off early; a server's
          // Retry-After or 5xx back-off ends early only for a forced kick.
          const network = outcome.kind === 'offline';
          if (forced) continue; // "upload now" or back online came while this attempt ran
          await new Promise<void>((resolve) => {
            let done = false;
            const finish = () => {
              if (done) return;
              done = true;
              interrupt = null;
              resolve();
            };
            interrupt = (force) => {
              if (force || network) finish();
            };
            void sleep(wait).then(finish);
          });
        }
      } while (again && !stopped);
    } finally {
      running = false;
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const w of waiters) w();
    }
  };

  const kick = (force = false) => {
    if (stopped) return;
    if (force) forced = true;
    interrupt?.(force);
    void run();
  };
  kick();
  return {
    kick,
    stop: () => {
      stopped = true;
      interrupt?.(true);
    },
    idle: () => (running ? new Promise<void>((r) => idleWaiters.push(r)) : Promise.resolve()),
  };
}
