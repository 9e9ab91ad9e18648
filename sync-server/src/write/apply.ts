import { eq, getTableColumns, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import {
  SERVER_OWNED_FIELDS,
  WRITABLE_TABLES,
  clampHlc,
  compareHlc,
  formatHlc,
  isWritableTable,
  moduleOfTable,
  parseHlc,
  tablePermission,
  workOrderStatusHistory,
  type WritableTableName,
} from '@streamflow/schema';
import { comparable, toDbValues, toWireRow, wireColumns } from './columns.ts';
import { MutationCodes } from './errors.ts';
import { foreignReferences } from './references.ts';
import { OWNER_COLUMN, WORKER_FIXED_FIELDS, isRestrictedWorker } from './rules.ts';
import { unstorableMutation } from './storable.ts';
import type { ApplyContext, FieldConflict, Mutation, MutationOutcome } from './types.ts';

type Row = Record<string, unknown>;
const SERVER_OWNED = new Set<string>(SERVER_OWNED_FIELDS);

const rejected = (code: 'FORBIDDEN' | 'NOT_FOUND' | 'INVALID', message: string, issues?: unknown): MutationOutcome => ({
  status: 'rejected',
  code,
  message,
  ...(issues === undefined ? {} : { issues }),
});

export function idColumn(table: PgTable): PgColumn {
  const id = getTableColumns(table).id;
  if (!id) throw new Error('writable tables have an id column');
  return id;
}

/** The current row (drizzle props) locked for this transaction, or null; RLS hides other tenants' rows. */
async function currentRow(ctx: ApplyContext, name: WritableTableName, id: string): Promise<Row | null> {
  const table = WRITABLE_TABLES[name].table;
  // One text per table: kept prepared (see RowsOptions in db/types.ts).
  const rows = await ctx.tx.select().from(table).where(eq(idColumn(table), id)).for('update').prepare('write_current_row').execute();
  return (rows[0] as Row | undefined) ?? null;
}

/** Client values (wire names) → drizzle props, minus server-owned fields; unknown fields are errors. */
function toProps(name: WritableTableName, values: Row): { props: Row; unknown: string[] } {
  const cols = wireColumns(name);
  const props: Row = {};
  const unknown: string[] = [];
  for (const [field, value] of Object.entries(values)) {
    const col = cols.get(field);
    if (!col) unknown.push(field);
    else if (!SERVER_OWNED.has(field)) props[col.prop] = value;
  }
  return { props, unknown };
}

/**
 * What restricted workers may not do (rules.ts): touch a record that is not
 * theirs, create one that does not name them, hand one to someone else, or
 * set or change a field their slice reads through (a job's customer).
 * Answers the refusal, or null. `row` is null for a new record.
 */
function workerRefusal(ctx: ApplyContext, name: WritableTableName, row: Row | null, next: Row): MutationOutcome | null {
  if (!isRestrictedWorker(ctx.principal)) return null;
  const cols = wireColumns(name);
  const ownerCol = OWNER_COLUMN[name];
  if (ownerCol) {
    const prop = cols.get(ownerCol)?.prop ?? ownerCol;
    const me = ctx.principal.userId;
    // A new record must name the worker as its owner; an existing one must already be theirs.
    if (!row && next[prop] !== me) return rejected('FORBIDDEN', 'Workers may only create their own records.');
    if (row && (row[prop] !== me || (prop in next && next[prop] !== me))) return rejected('FORBIDDEN', 'This record is not yours to change.');
  }
  for (const field of WORKER_FIXED_FIELDS[name] ?? []) {
    const prop = cols.get(field)?.prop ?? field;
    if (!(prop in next)) continue;
    const now = row ? row[prop] : null;
    const same = (now ?? null) === null ? (next[prop] ?? null) === null : typeof next[prop] === 'string' && next[prop].toLowerCase() === String(now).toLowerCase();
    if (!same) return rejected('FORBIDDEN', "Field workers may not change a job's customer.");
  }
  return null;
}

/** Rejects values that point at records this tenant cannot see (missing, or another tenant's). */
async function badReferences(ctx: ApplyContext, name: WritableTableName, data: Row): Promise<MutationOutcome | null> {
  const bad = await foreignReferences(ctx, name, data);
  if (bad.records.length > 0) return rejected('INVALID', `Unknown record referenced by: ${bad.records.join(', ')}.`);
  if (bad.members.length > 0) return rejected('INVALID', `${bad.members.join(', ')} must name a member of this workspace.`);
  return null;
}

/**
 * Applies one mutation and says what happened. Never throws for bad input:
 * every refusal is an outcome (PROTOCOL.md 2). Invariant the batch relies on
 * to run without savepoints: nothing is written before the mutation is known
 * to apply, so a conflict or rejection leaves no trace but its outcome.
 */
export async function applyMutation(ctx: ApplyContext, m: Mutation): Promise<MutationOutcome> {
  const checked = precheck(ctx, m);
  if ('outcome' in checked) return checked.outcome;
  const { name, props } = checked;
  if (WRITABLE_TABLES[name].policy === 'lww') return applyLww(ctx, name, m, props);

  if (m.op === 'insert') {
    // Fast path: a new id inserts in one statement; an existing one merges like an update without base.
    const inserted = await insertRow(ctx, name, m, props, { ifAbsent: true });
    if (inserted) return inserted;
    const existing = await currentRow(ctx, name, m.pk.id);
    if (!existing) return rejected('INVALID', 'This id cannot be used.');
    const refused = workerRefusal(ctx, name, existing, props);
    if (refused) return refused;
    return mergeInto(ctx, name, m, existing, props);
  }
  const row = await currentRow(ctx, name, m.pk.id);
  if (!row) return rejected('NOT_FOUND', `No ${name} row ${m.pk.id}.`);
  const refused = workerRefusal(ctx, name, row, props);
  if (refused) return refused;
  if (m.op === 'delete') return deleteMerge(ctx, name, m, row);
  return mergeInto(ctx, name, m, row, props);
}

/** True when the plan lets the tenant write `table` (its module is on, it has none, or `modules` is not known yet). */
export function tableEntitledBy(modules: ApplyContext['modules'], table: string): boolean {
  const module = moduleOfTable(table);
  return module === null || modules === undefined || modules[module] === true;
}

/** Table, permission, plan and field checks every mutation passes first; the values as drizzle props. */
export function precheck(ctx: ApplyContext, m: Mutation): { name: WritableTableName; props: Row } | { outcome: MutationOutcome } {
  // First, so no answer, audit record or ledger entry ever quotes what the database cannot store (storable.ts).
  const unstorable = unstorableMutation(m);
  if (unstorable) return { outcome: rejected('INVALID', unstorable) };
  if (!isWritableTable(m.table)) return { outcome: rejected('INVALID', `Unknown table "${m.table}".`) };
  const name = m.table;
  const action = m.op === 'insert' ? 'create' : m.op;
  if (!ctx.principal.perms.has(tablePermission(WRITABLE_TABLES[name].permission, action))) {
    return { outcome: rejected('FORBIDDEN', `You may not ${action} ${name}.`) };
  }
  if (!tableEntitledBy(ctx.modules, name)) {
    return { outcome: rejected('FORBIDDEN', `Your plan does not include ${String(moduleOfTable(name)).replace(/_/g, ' ')}.`) };
  }
  const { props, unknown } = toProps(name, m.values);
  if (unknown.length > 0) return { outcome: rejected('INVALID', `Unknown field(s): ${unknown.join(', ')}.`) };
  if ('id' in props && (typeof props.id === 'string' ? props.id.toLowerCase() : props.id) !== m.pk.id) {
    return { outcome: rejected('INVALID', 'values.id must equal pk.id.') };
  }
  return { name, props };
}

/** Validates a new row and builds what the driver inserts; writes nothing. */
export async function prepareInsert(ctx: ApplyContext, name: WritableTableName, m: Mutation, props: Row): Promise<{ row: Row; data: Row } | { outcome: MutationOutcome }> {
  const parsed = WRITABLE_TABLES[name].insert.safeParse({ ...props, id: m.pk.id });
  if (!parsed.success) return { outcome: rejected('INVALID', 'Some values are not valid.', parsed.error.issues) };
  const forbidden = workerRefusal(ctx, name, null, parsed.data);
  if (forbidden) return { outcome: forbidden };
  if (name === 'work_orders' && 'status' in parsed.data && parsed.data.status !== 'scheduled' && !(String(parsed.data.status) in ctx.transitions)) {
    return { outcome: rejected('INVALID', `Unknown work-order status "${String(parsed.data.status)}".`) };
  }
  const refused = await badReferences(ctx, name, parsed.data);
  if (refused) return { outcome: refused };
  return { row: { ...toDbValues(name, parsed.data), orgId: ctx.principal.orgId, writeId: m.id }, data: parsed.data };
}

/** Inserts a new row. With `ifAbsent`, answers null (writing nothing) when the id already exists. */
async function insertRow(ctx: ApplyContext, name: WritableTableName, m: Mutation, props: Row, opts?: { ifAbsent: false }): Promise<MutationOutcome>;
async function insertRow(ctx: ApplyContext, name: WritableTableName, m: Mutation, props: Row, opts: { ifAbsent: true }): Promise<MutationOutcome | null>;
async function insertRow(ctx: ApplyContext, name: WritableTableName, m: Mutation, props: Row, opts?: { ifAbsent: boolean }): Promise<MutationOutcome | null> {
  const def = WRITABLE_TABLES[name];
  const prepared = await prepareInsert(ctx, name, m, props);
  if ('outcome' in prepared) return prepared.outcome;
  const inserted = await ctx.tx
    .insert(def.table)
    .values(prepared.row as never)
    .onConflictDoNothing({ target: idColumn(def.table) })
    .returning({ id: idColumn(def.table) });
  if (inserted.length === 0) {
    if (opts?.ifAbsent) return null;
    return rejected('INVALID', 'This id cannot be used.');
  }
  if (name === 'work_orders') {
    await ctx.tx.insert(workOrderStatusHistory).values({
      orgId: ctx.principal.orgId,
      workOrderId: m.pk.id,
      fromStatus: null,
      toStatus: String(prepared.data.status ?? 'scheduled'),
      changedBy: ctx.principal.userId,
      writeId: m.id,
    });
  }
  return { status: 'applied' };
}

/** The field-level three-way merge of PROTOCOL.md 2. */
async function mergeInto(ctx: ApplyContext, name: WritableTableName, m: Mutation, row: Row, props: Row): Promise<MutationOutcome> {
  const def = WRITABLE_TABLES[name];
  const cols = wireColumns(name);
  const changes: Row = {};
  const conflicts: FieldConflict[] = [];
  for (const [field, mine] of Object.entries(m.values)) {
    const col = cols.get(field);
    if (!col || SERVER_OWNED.has(field) || field === 'id') continue;
    const theirs = row[col.prop];
    const server = comparable(theirs, col.sqlType);
    if (server === comparable(mine, col.sqlType)) continue; // already so
    const hasBase = Object.hasOwn(m.base, field);
    if (m.op === 'update' && hasBase && server === comparable(m.base[field], col.sqlType)) {
      changes[col.prop] = props[col.prop];
      continue;
    }
    const wire = toWireRow(name, row);
    conflicts.push({ field, base: hasBase ? m.base[field] : null, mine, theirs: wire[field] ?? null });
  }
  if (conflicts.length > 0) {
    return { status: 'conflict', code: MutationCodes.CONFLICT, row: toWireRow(name, row), conflicts };
  }
  const parsed = def.update.safeParse(changes);
  if (!parsed.success) return rejected('INVALID', 'Some values are not valid.', parsed.error.issues);
  const refused = await badReferences(ctx, name, parsed.data);
  if (refused) return refused;
  if (name === 'work_orders' && 'status' in parsed.data) {
    const from = String(row.status);
    const to = String(parsed.data.status);
    if (!(ctx.transitions[from] ?? []).includes(to)) {
      return rejected('INVALID', `A work order cannot go from "${from}" to "${to}".`);
    }
    await ctx.tx.insert(workOrderStatusHistory).values({
      orgId: ctx.principal.orgId,
      workOrderId: m.pk.id,
      fromStatus: from,
      toStatus: to,
      changedBy: ctx.principal.userId,
      writeId: m.id,
    });
  }
  // write_id changes even when no field does, so the row streams back and the client's overlay clears.
  await ctx.tx
    .update(def.table)
    .set({ ...toDbValues(name, parsed.data), writeId: m.id } as never)
    .where(eq(idColumn(def.table), m.pk.id));
  return { status: 'applied' };
}

async function deleteMerge(ctx: ApplyContext, name: WritableTableName, m: Mutation, row: Row): Promise<MutationOutcome> {
  const seen = m.base.updated_at;
  if (seen !== undefined && comparable(seen, 'timestamp') !== comparable(row.updatedAt, 'timestamp')) {
    const rowTime = row.updatedAt instanceof Date ? row.updatedAt.getTime() : Date.parse(String(row.updatedAt));
    if (rowTime > Date.parse(String(seen))) {
      return {
        status: 'conflict',
        code: MutationCodes.CONFLICT,
        row: toWireRow(name, row),
        conflicts: [{ field: 'updated_at', base: seen, mine: null, theirs: toWireRow(name, row).updated_at }],
      };
    }
  }
  const def = WRITABLE_TABLES[name];
  await ctx.tx.delete(def.table).where(eq(idColumn(def.table), m.pk.id));
  return { status: 'applied' };
}

/**
 * The current row of a last-writer-wins table, read after taking a lock on
 * (table, id) held until the transaction ends. Without it two batches could
 * both find the row absent (a row another transaction inserts is not in
 * this statement's snapshot, and there is no row to lock yet): two creates
 * would collide on the primary key, and a delete would leave its tombstone
 * uncommitted while an older create inserted the row. With it, the second
 * batch waits until the first commits and then sees its row or tombstone.
 * The lock statement is sent without waiting and the read goes right behind
 * it on the connection: one more statement, no more round trips. The read
 * takes its snapshot only once the lock is granted (READ COMMITTED takes one
 * per statement), which is why the lock cannot share the read's statement.
 */
async function lockedLwwRow(ctx: ApplyContext, name: WritableTableName, id: string): Promise<Row | null> {
  const locked = ctx.db.rows(sql`select pg_advisory_xact_lock(hashtextextended(${`${name}/${id}`}, 0))::text as locked`, ctx.tx, { prepare: true });
  // Awaited below; a failure aborts the transaction, so the read fails with it.
  locked.catch(() => undefined);
  const row = await currentRow(ctx, name, id).catch(async (err: unknown) => {
    await locked.catch(() => undefined);
    throw err;
  });
  await locked;
  return row;
}

/** Last-writer-wins by hybrid logical clock: the newest stamp's values stand, whatever the upload order. */
async function applyLww(ctx: ApplyContext, name: WritableTableName, m: Mutation, props: Row): Promise<MutationOutcome> {
  const parsedHlc = m.hlc ? parseHlc(m.hlc) : null;
  if (!parsedHlc) return rejected('INVALID', 'A last-writer-wins change needs a valid hlc stamp.');
  const { hlc, clamped } = clampHlc(parsedHlc, ctx.clock.now().getTime(), ctx.maxClockSkewMs);
  const stamp = formatHlc(hlc);
  const applied: MutationOutcome = clamped ? { status: 'applied', clamped: { from: m.hlc ?? '', to: stamp } } : { status: 'applied' };
  const def = WRITABLE_TABLES[name];
  const row = await lockedLwwRow(ctx, name, m.pk.id);
  const newer = (other: unknown) => {
    const o = typeof other === 'string' ? parseHlc(other) : null;
    return !o || compareHlc(hlc, o) > 0;
  };
  const forbidden = row && workerRefusal(ctx, name, row, props);
  if (forbidden) return forbidden;
  const tombKey = `${name}/${m.pk.id}`;
  if (!row) {
    // A later stamp already deleted this row: an older change must not bring it back.
    // Tombstones are deletes that took effect: applied and not superseded (a refused or
    // outdated delete deleted nothing), in earlier batches or earlier in this one.
    const tomb = await ctx.db.rows<{ hlc: string | null }>(
      sql`select outcome->>'hlc' as hlc from write_mutations
          where org_id = ${ctx.principal.orgId} and row_id = ${m.pk.id} and table_name = ${name}
            and outcome->>'op' = 'delete' and outcome->>'status' = 'applied' and outcome->'superseded' is null`,
      ctx.tx,
      { prepare: true },
    );
    const inBatch = ctx.tombstones.get(tombKey);
    if ([...tomb.map((t) => t.hlc), ...(inBatch ? [inBatch] : [])].some((t) => !newer(t))) {
      return { status: 'applied', superseded: true };
    }
    if (m.op === 'delete') {
      ctx.tombstones.set(tombKey, stamp);
      return applied;
    }
    return insertRow(ctx, name, m, { ...props, hlc: stamp }).then((o) => (o.status === 'applied' ? applied : o));
  }
  if (!newer(row.hlc)) return { status: 'applied', superseded: true };
  if (m.op === 'delete') {
    await ctx.tx.delete(def.table).where(eq(idColumn(def.table), m.pk.id));
    ctx.tombstones.set(tombKey, stamp);
    return applied;
  }
  const { id: _id, ...changes } = props;
  const parsed = def.update.safeParse(changes);
  if (!parsed.success) return rejected('INVALID', 'Some values are not valid.', parsed.error.issues);
  const refused = await badReferences(ctx, name, parsed.data);
  if (refused) return refused;
  await ctx.tx
    .update(def.table)
    .set({ ...toDbValues(name, parsed.data), hlc: stamp, writeId: m.id } as never)
    .where(eq(idColumn(def.table), m.pk.id));
  return applied;
}
