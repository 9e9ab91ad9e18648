import { sql, type SQL } from 'drizzle-orm';
import { ident } from './sql-bind.ts';

/**
 * SQL that renders a row as the shape's `value` object: every column as its
 * Postgres text output (JSON null for SQL NULL), as PROTOCOL.md requires. The
 * read transaction sets TimeZone UTC and DateStyle ISO, so timestamps are
 * ISO text in UTC. `json_build_object` takes at most 100 arguments, so wide
 * rows are built in parts and merged.
 */
export function valueJson(alias: string, columns: readonly string[]): SQL {
  const parts: SQL[] = [];
  for (let i = 0; i < columns.length; i += 50) {
    const cols = columns.slice(i, i + 50);
    const args = cols.map((c) => sql`${sql.raw(`'${c}'`)}, ${ident(alias)}.${ident(c)}::text`);
    parts.push(sql`json_build_object(${sql.join(args, sql`, `)})`);
  }
  if (parts.length === 1) return sql`${parts[0]}::text`;
  return sql`(${sql.join(
    parts.map((p) => sql`${p}::jsonb`),
    sql` || `,
  )})::text`;
}

/** The message key Electric uses: `"public"."<table>"/"<pk>"`, as a JSON string literal. */
export function keyPrefix(table: string): string {
  return `"public"."${table}"/`;
}

/** JSON text of a message key, built in Node. */
export function messageKey(table: string, pk: string): string {
  return JSON.stringify(`${keyPrefix(table)}"${pk}"`);
}

/** Session settings every read transaction uses, so text output is the same on every engine. */
export const READ_SETTINGS = sql`select set_config('TimeZone', 'UTC', true), set_config('DateStyle', 'ISO, MDY', true),
  set_config('IntervalStyle', 'postgres', true), set_config('extra_float_digits', '1', true)`;
