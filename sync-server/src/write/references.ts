import { getTableName, sql } from 'drizzle-orm';
import { getTableConfig } from 'drizzle-orm/pg-core';
import { WRITABLE_TABLES, type WritableTableName } from '@streamflow/schema';
import { wireColumns } from './columns.ts';
import { MEMBER_COLUMNS } from './rules.ts';
import type { ApplyContext } from './types.ts';

/** A column that points at another tenant table: drizzle prop, wire name, the table it references. */
interface Reference {
  prop: string;
  wire: string;
  table: string;
}

const cache = new Map<WritableTableName, Reference[]>();

/** The tenant references of a writable table, read from its drizzle foreign keys (org_id excluded). */
export function references(name: WritableTableName): Reference[] {
  let refs = cache.get(name);
  if (!refs) {
    const cfg = getTableConfig(WRITABLE_TABLES[name].table);
    const cols = wireColumns(name);
    refs = cfg.foreignKeys.flatMap((fk) => {
      const r = fk.reference();
      const col = r.columns[0];
      if (r.columns.length !== 1 || !col || col.name === 'org_id') return [];
      return [{ prop: cols.get(col.name)?.prop ?? col.name, wire: col.name, table: getTableName(r.foreignTable) }];
    });
    cache.set(name, refs);
  }
  return refs;
}

/** The references of `data` that do not hold: wire names of records not visible, and of user columns naming no member. */
export interface BadReferences {
  records: string[];
  members: string[];
}

/**
 * Foreign keys are checked by Postgres without row-level security, so a
 * client could point a row at another tenant's record (and learn that it
 * exists). Each referenced id in `data` must be visible in this tenant's
 * transaction. Columns naming a user (MEMBER_COLUMNS) have no foreign key at
 * all: each must name a member of the tenant (`member` has no row-level
 * security, hence the explicit tenant filter). One statement for both.
 */
export async function foreignReferences(ctx: ApplyContext, name: WritableTableName, data: Record<string, unknown>): Promise<BadReferences> {
  const wanted = references(name).filter((r) => typeof data[r.prop] === 'string');
  const cols = wireColumns(name);
  // The caller is a member (the batch checked it): naming oneself, the app's default, costs no query.
  const people = (MEMBER_COLUMNS[name] ?? []).flatMap((wire) => {
    const prop = cols.get(wire)?.prop ?? wire;
    return typeof data[prop] === 'string' && data[prop] !== ctx.principal.userId ? [{ prop, wire }] : [];
  });
  if (wanted.length === 0 && people.length === 0) return { records: [], members: [] };
  const checks = [
    ...wanted.map(
      (r, i) =>
        sql`exists (select 1 from ${sql.identifier(r.table)} where id = ${data[r.prop] as string}::uuid) as ${sql.identifier(`r${i}`)}`,
    ),
    ...people.map(
      (p, i) =>
        sql`exists (select 1 from member where organization_id = ${ctx.principal.orgId} and user_id = ${data[p.prop] as string}) as ${sql.identifier(`m${i}`)}`,
    ),
  ];
  // One text per table and set of references named: few enough to keep prepared.
  const [row] = await ctx.db.rows<Record<string, boolean>>(sql`select ${sql.join(checks, sql`, `)}`, ctx.tx, { prepare: true });
  return {
    records: wanted.filter((_, i) => row?.[`r${i}`] !== true).map((r) => r.wire),
    members: people.filter((_, i) => row?.[`m${i}`] !== true).map((p) => p.wire),
  };
}
