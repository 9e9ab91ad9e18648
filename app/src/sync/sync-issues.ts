import type { PGliteInterface, Transaction } from '@electric-sql/pglite';
import type { MutationResult } from './uploader.ts';

/*
 * Conflicts and rejections stay in the outbox, visible, until the user acts
 * (PRODUCT.md 5). Resolving a conflict replaces the conflicted mutation by a
 * new one whose base is the server's row now, so the server's three-way
 * merge applies it; taking theirs drops the field from the local overlay.
 */

export interface SyncIssue {
  mutationId: string;
  table: string;
  rowId: string;
  op: 'insert' | 'update' | 'delete';
  status: 'conflict' | 'rejected';
  values: Record<string, unknown>;
  base: Record<string, unknown>;
  result: MutationResult;
}

/** Every unresolved conflict and rejection, oldest first. */
export async function listSyncIssues(pg: PGliteInterface): Promise<SyncIssue[]> {
  const { rows } = await pg.query<{
    mutation_id: string;
    table_name: string;
    row_id: string;
    op: SyncIssue['op'];
    status: SyncIssue['status'];
    values: Record<string, unknown>;
    base: Record<string, unknown>;
    result: MutationResult;
  }>(`select mutation_id, table_name, row_id, op, status, "values", base, result from outbox
      where status in ('conflict', 'rejected') order by seq`);
  return rows.map((r) => ({
    mutationId: r.mutation_id,
    table: r.table_name,
    rowId: r.row_id,
    op: r.op,
    status: r.status,
    values: r.values,
    base: r.base,
    result: r.result,
  }));
}

/** Per field: keep my value, take the server's, or use an edited value. */
export type FieldDecision = { keep: 'mine' } | { keep: 'theirs' } | { value: unknown };

const q = (ident: string) => `"${ident.replaceAll('"', '""')}"`;

async function issue(tx: Transaction, mutationId: string): Promise<SyncIssue> {
  const { rows } = await tx.query<{ table_name: string; row_id: string; op: SyncIssue['op']; status: SyncIssue['status']; values: Record<string, unknown>; base: Record<string, unknown>; result: MutationResult }>(
    `select table_name, row_id, op, status, "values", base, result from outbox where mutation_id = $1 and status in ('conflict', 'rejected')`,
    [mutationId],
  );
  const r = rows[0];
  if (!r) throw new Error(`No open sync issue ${mutationId}`);
  return { mutationId, table: r.table_name, rowId: r.row_id, op: r.op, status: r.status, values: r.values, base: r.base, result: r.result };
}

async function localColumns(tx: Transaction, table: string): Promise<Set<string>> {
  const { rows } = await tx.query<{ column_name: string }>(
    `select column_name from information_schema.columns where table_name = $1`,
    [`${table}_local`],
  );
  return new Set(rows.map((r) => r.column_name));
}

function asParam(value: unknown): unknown {
  return value !== null && typeof value === 'object' ? JSON.stringify(value) : value;
}

/**
 * Resolves a conflicted update field by field. Fields the user keeps (or
 * edits) are resubmitted with the server's current values as their base;
 * fields where they take theirs leave the overlay.
 */
export async function resolveConflict(
  pg: PGliteInterface,
  mutationId: string,
  decisions: Record<string, FieldDecision>,
): Promise<void> {
  await pg.transaction(async (tx) => {
    const it = await issue(tx, mutationId);
    if (it.status !== 'conflict' || it.op !== 'update') throw new Error('Only conflicted updates are resolved field by field');
    const cols = await localColumns(tx, it.table);
    const theirsRow = it.result.row ?? {};
    const values: Record<string, unknown> = {};
    const base: Record<string, unknown> = {};
    const dropped: string[] = [];
    for (const field of Object.keys(it.values)) {
      if (!cols.has(field)) throw new Error(`Unknown field ${field}`);
      const d = decisions[field] ?? { keep: 'mine' };
      if ('keep' in d && d.keep === 'theirs') {
        dropped.push(field);
        continue;
      }
      values[field] = 'value' in d ? d.value : it.values[field];
      base[field] = theirsRow[field] ?? null;
    }
    await tx.query(`delete from outbox where mutation_id = $1`, [mutationId]);
    const local = q(`${it.table}_local`);
    if (Object.keys(values).length === 0) {
      await tx.query(`update ${local} set changed_columns = array(select unnest(changed_columns) except select unnest($2::text[])) where id = $1`, [it.rowId, dropped]);
      await tx.query(`delete from ${local} where id = $1 and cardinality(changed_columns) = 0 and not is_new`, [it.rowId]);
      await tx.query(`update ${local} set local_state = 'pending' where id = $1`, [it.rowId]);
      return;
    }
    const mid = (await tx.query<{ id: string }>(`select gen_random_uuid()::text as id`)).rows[0]?.id;
    for (const [field, value] of Object.entries(values)) {
      await tx.query(`update ${local} set ${q(field)} = $2 where id = $1`, [it.rowId, asParam(value)]);
    }
    await tx.query(
      `update ${local} set changed_columns = array(select unnest(changed_columns) except select unnest($2::text[])),
         local_write_id = $3, local_state = 'pending' where id = $1`,
      [it.rowId, dropped, mid],
    );
    await tx.query(
      `insert into outbox (mutation_id, table_name, op, row_id, "values", base, hlc) values ($1, $2, 'update', $3, $4, $5, local_hlc())`,
      [mid, it.table, it.rowId, JSON.stringify(values), JSON.stringify(base)],
    );
  });
}

/** Drops a rejected (or conflicted) change: the record shows the server's version again. */
export async function discardChange(pg: PGliteInterface, mutationId: string): Promise<void> {
  await pg.transaction(async (tx) => {
    const it = await issue(tx, mutationId);
    await tx.query(`delete from outbox where mutation_id = $1`, [mutationId]);
    const pending = await tx.query(`select 1 from outbox where table_name = $1 and row_id = $2`, [it.table, it.rowId]);
    // Other queued changes of the same record keep its overlay; otherwise it goes.
    if (pending.rows.length === 0) await tx.query(`delete from ${q(`${it.table}_local`)} where id = $1`, [it.rowId]);
  });
}
