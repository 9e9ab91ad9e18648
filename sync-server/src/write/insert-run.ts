import { WRITABLE_TABLES, isWritableTable, type WritableTableName } from '@streamflow/schema';
import { idColumn, precheck, prepareInsert } from './apply.ts';
import type { ApplyContext, Mutation, MutationOutcome } from './types.ts';

/**
 * Consecutive inserts of new rows into one table are written in one
 * multi-row statement instead of one round trip each: the common shape of an
 * outbox after a day offline, and most of a batch's cost otherwise.
 *
 * Equivalent to applying them one by one because the run only holds inserts
 * of distinct ids into one merge table (no self references, so no row of the
 * run depends on another), each is validated exactly as alone, and an id that
 * already exists is left out and handed back (null) for the ordinary path.
 * Work orders are excluded (their history row is written per insert), as are
 * last-writer-wins tables (their stamp decides). A database error fails the
 * statement; the batch then reruns with a savepoint per mutation.
 */
export function runnable(m: Mutation, table?: string): boolean {
  if (m.op !== 'insert' || !isWritableTable(m.table) || (table !== undefined && m.table !== table)) return false;
  return WRITABLE_TABLES[m.table].policy === 'merge' && m.table !== 'work_orders';
}

/** A run validated and turned into rows, not yet sent. */
export interface PreparedRun {
  name: WritableTableName;
  run: Mutation[];
  /** Outcomes decided without the database (rejections); holes for the rows to insert. */
  out: (MutationOutcome | null)[];
  rows: Record<string, unknown>[];
  /** Index in `run` of each row of `rows`. */
  waiting: number[];
}

/** Checks and validates a run of inserts into `name`, building the rows to insert. */
export async function prepareRun(ctx: ApplyContext, name: WritableTableName, run: Mutation[]): Promise<PreparedRun> {
  const out: (MutationOutcome | null)[] = [];
  const rows: Record<string, unknown>[] = [];
  const waiting: number[] = [];
  for (const [i, m] of run.entries()) {
    const checked = precheck(ctx, m);
    if ('outcome' in checked) {
      out[i] = checked.outcome;
      continue;
    }
    const prepared = await prepareInsert(ctx, name, m, checked.props);
    if ('outcome' in prepared) {
      out[i] = prepared.outcome;
      continue;
    }
    rows.push(prepared.row);
    waiting.push(i);
  }
  return { name, run, out, rows, waiting };
}

/**
 * Sends a prepared run's one multi-row INSERT at once (the statement is on
 * the connection when this returns); per mutation its outcome, or null when
 * its id already exists.
 */
export function sendRun(ctx: ApplyContext, p: PreparedRun): Promise<(MutationOutcome | null)[]> {
  if (p.rows.length === 0) return Promise.resolve(p.out);
  const table = WRITABLE_TABLES[p.name].table;
  const insert = ctx.tx
    .insert(table)
    .values(p.rows as never)
    .onConflictDoNothing({ target: idColumn(table) })
    .returning({ id: idColumn(table) });
  // A one-row insert has one text per table and set of fields sent: few enough to keep
  // prepared (one round trip instead of two). Longer runs vary with their length.
  return (p.rows.length === 1 ? insert.prepare('write_insert_one').execute() : insert)
    .then((inserted) => {
      const made = new Set(inserted.map((r) => r.id));
      const out = [...p.out];
      for (const i of p.waiting) out[i] = made.has(p.run[i]?.pk.id ?? '') ? { status: 'applied' } : null;
      return out;
    });
}

/** Applies a run of inserts into `name`; per mutation its outcome, or null when its id already exists. */
export async function insertRun(ctx: ApplyContext, name: WritableTableName, run: Mutation[]): Promise<(MutationOutcome | null)[]> {
  return sendRun(ctx, await prepareRun(ctx, name, run));
}

