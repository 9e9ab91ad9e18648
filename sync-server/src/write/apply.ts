import { eq, getTableColumns, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import {
  SERVER_OWNED_FIELDS,
  WRITABLE_TABLES,
  clampHlc,
  compareHlc,
  formatHlc,
  isWritableTable,
  parseHlc,
  tablePermission,
  workOrderStatusHistory,
  type WritableTableName,
} from '@streamflow/schema';
import { comparable, toDbValues, toWireRow, wireColumns } from './columns.ts';
import { MutationCodes } from './errors.ts';
import { OWNER_COLUMN, isRestrictedWorker } from './rules.ts';
import type { ApplyContext, FieldConflict, Mutation, MutationOutcome } from './types.ts';

type Row = Record<string, unknown>;
const SERVER_OWNED = new Set<string>(SERVER_OWNED_FIELDS);

const rejected = (code: 'FORBIDDEN' | 'NOT_FOUND' | 'INVALID', message: string, issues?: unknown): MutationOutcome => ({
  status: 'rejected',
  code,
  message,
  ...(issues === undefined ? {} : { issues }),
});

function idColumn(table: PgTable): PgColumn {
  const id = getTableColumns(table).id;
  if (!id) throw new Error('writable tables have an id column');
  return id;
}

/** The current row (drizzle props) locked for this transaction, or null; RLS hides other tenants' rows. */
async function currentRow(ctx: ApplyContext, name: WritableTableName, id: string): Promise<Row | null> {
  const table = WRITABLE_TABLES[name].table;
  const rows = await ctx.tx.select().from(table).where(eq(idColumn(table), id)).for('update');
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

function ownerAllowed(ctx: ApplyContext, name: WritableTableName, row: Row | null, next: Row): boolean {
  const ownerCol = OWNER_COLUMN[name];
  if (!ownerCol || !isRestrictedWorker(ctx.principal)) return true;
  const prop = wireColumns(name).get(ownerCol)?.prop ?? ownerCol;
  const me = ctx.principal.userId;
  if (row && row[prop] !== me) return false;
  return !(prop in next) || next[prop] === me;
}

/**
 * Applies one mutation inside its savepoint and says what happened. Never
 * throws for bad input: every refusal is an outcome (PROTOCOL.md 2).
 */
export async function applyMutation(ctx: ApplyContext, m: Mutation): Promise<MutationOutcome> {
  if (!isWritableTable(m.table)) return rejected('INVALID', `Unknown table "${m.table}".`);
  const name = m.table;
  const def = WRITABLE_TABLES[name];
  const action = m.op === 'insert' ? 'create' : m.op;
  if (!ctx.principal.perms.has(tablePermission(def.permission, action))) {
    return rejected('FORBIDDEN', `You may not ${action} ${name}.`);
  }
  const { props, unknown } = toProps(name, m.values);
  if (unknown.length > 0) return rejected('INVALID', `Unknown field(s): ${unknown.join(', ')}.`);
  if ('id' in props && props.id !== m.pk.id) return rejected('INVALID', 'values.id must equal pk.id.');

  if (def.policy === 'lww') return applyLww(ctx, name, m, props);

  if (m.op === 'insert') {
    // Fast path: a new id inserts in one statement; an existing one merges like an update without base.
    const inserted = await insertRow(ctx, name, m, props, { ifAbsent: true });
    if (inserted) return inserted;
    const existing = await currentRow(ctx, name, m.pk.id);
    if (!existing) return rejected('INVALID', 'This id cannot be used.');
    if (!ownerAllowed(ctx, name, existing, props)) return rejected('FORBIDDEN', 'This record is not yours to change.');
    return mergeInto(ctx, name, m, existing, props);
  }
  const row = await currentRow(ctx, name, m.pk.id);
  if (!row) return rejected('NOT_FOUND', `No ${name} row ${m.pk.id}.`);
  if (!ownerAllowed(ctx, name, row, props)) return rejected('FORBIDDEN', 'This record is not yours to change.');
  if (m.op === 'delete') return deleteMerge(ctx, name, m, row);
  return mergeInto(ctx, name, m, row, props);
}

/** Inserts a new row. With `ifAbsent`, answers null (writing nothing) when the id already exists. */
async function insertRow(ctx: ApplyContext, name: WritableTableName, m: Mutation, props: Row, opts?: { ifAbsent: false }): Promise<MutationOutcome>;
async function insertRow(ctx: ApplyContext, name: WritableTableName, m: Mutation, props: Row, opts: { ifAbsent: true }): Promise<MutationOutcome | null>;
async function insertRow(ctx: ApplyContext, name: WritableTableName, m: Mutation, props: Row, opts?: { ifAbsent: boolean }): Promise<MutationOutcome | null> {
  const def = WRITABLE_TABLES[name];
  const parsed = def.insert.safeParse({ ...props, id: m.pk.id });
  if (!parsed.success) return rejected('INVALID', 'Some values are not valid.', parsed.error.issues);
  if (!ownerAllowed(ctx, name, null, parsed.data)) return rejected('FORBIDDEN', 'Workers may only create their own records.');
  if (name === 'work_orders' && 'status' in parsed.data && parsed.data.status !== 'scheduled' && !(String(parsed.data.status) in ctx.transitions)) {
    return rejected('INVALID', `Unknown work-order status "${String(parsed.data.status)}".`);
  }
  const inserted = await ctx.tx
    .insert(def.table)
    .values({ ...toDbValues(name, parsed.data), orgId: ctx.principal.orgId, writeId: m.id } as never)
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
      toStatus: String(parsed.data.status ?? 'scheduled'),
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

/** Last-writer-wins by hybrid logical clock: the newest stamp's values stand, whatever the upload order. */
async function applyLww(ctx: ApplyContext, name: WritableTableName, m: Mutation, props: Row): Promise<MutationOutcome> {
  const parsedHlc = m.hlc ? parseHlc(m.hlc) : null;
  if (!parsedHlc) return rejected('INVALID', 'A last-writer-wins change needs a valid hlc stamp.');
  const { hlc, clamped } = clampHlc(parsedHlc, ctx.clock.now().getTime(), ctx.maxClockSkewMs);
  const stamp = formatHlc(hlc);
  const applied: MutationOutcome = clamped ? { status: 'applied', clamped: { from: m.hlc ?? '', to: stamp } } : { status: 'applied' };
  const def = WRITABLE_TABLES[name];
  const row = await currentRow(ctx, name, m.pk.id);
  const newer = (other: unknown) => {
    const o = typeof other === 'string' ? parseHlc(other) : null;
    return !o || compareHlc(hlc, o) > 0;
  };
  if (row && !ownerAllowed(ctx, name, row, props)) return rejected('FORBIDDEN', 'This record is not yours to change.');
  if (!row) {
    // A later stamp already deleted this row: an older change must not bring it back.
    const tomb = await ctx.db.rows<{ hlc: string | null }>(
      sql`select outcome->>'hlc' as hlc from write_mutations
          where table_name = ${name} and row_id = ${m.pk.id} and outcome->>'op' = 'delete'`,
      ctx.tx,
    );
    if (tomb.some((t) => !newer(t.hlc))) return { status: 'applied', superseded: true };
    if (m.op === 'delete') return applied;
    return insertRow(ctx, name, m, { ...props, hlc: stamp }).then((o) => (o.status === 'applied' ? applied : o));
  }
  if (!newer(row.hlc)) return { status: 'applied', superseded: true };
  if (m.op === 'delete') {
    await ctx.tx.delete(def.table).where(eq(idColumn(def.table), m.pk.id));
    return applied;
  }
  const { id: _id, ...changes } = props;
  const parsed = def.update.safeParse(changes);
  if (!parsed.success) return rejected('INVALID', 'Some values are not valid.', parsed.error.issues);
  await ctx.tx
    .update(def.table)
    .set({ ...toDbValues(name, parsed.data), hlc: stamp, writeId: m.id } as never)
    .where(eq(idColumn(def.table), m.pk.id));
  return applied;
}
