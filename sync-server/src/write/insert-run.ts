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

/** Applies a run of inserts into `name`; per mutation its outcome, or null when its id already exists. */
export async function insertRun(ctx: ApplyContext, name: WritableTableName, run: Mutation[]): Promise<(MutationOutcome | null)[]> {
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
  if (rows.length > 0) {
    const table = WRITABLE_TABLES[name].table;
    const inserted = await ctx.tx
      .insert(table)
      .values(rows as never)
      .onConflictDoNothing({ target: idColumn(table) })
      .returning({ id: idColumn(table) });
    const made = new Set(inserted.map((r) => r.id));
    for (const i of waiting) out[i] = made.has(run[i]?.pk.id ?? '') ? { status: 'applied' } : null;
  }
  return out;
}
