import { getTableColumns } from 'drizzle-orm';
import { WRITABLE_TABLES, type WritableTableName } from '@streamflow/schema';

/** A writable column as the wire names it (snake_case) and as drizzle does (camelCase). */
export interface WireColumn {
  wire: string;
  prop: string;
  sqlType: string;
}

const cache = new Map<WritableTableName, Map<string, WireColumn>>();

/** The columns of a writable table, keyed by wire (SQL) name. */
export function wireColumns(table: WritableTableName): Map<string, WireColumn> {
  let cols = cache.get(table);
  if (!cols) {
    cols = new Map(
      Object.entries(getTableColumns(WRITABLE_TABLES[table].table)).map(([prop, c]) => [
        c.name,
        { wire: c.name, prop, sqlType: c.getSQLType() },
      ]),
    );
    cache.set(table, cols);
  }
  return cols;
}

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/**
 * A value reduced to a comparable form for its column type, so that what a
 * client last saw (Postgres text from the shape stream, or JSON from its
 * local database) compares equal to the same value read on the server:
 * timestamps by instant, numerics by number, jsonb by canonical JSON.
 */
export function comparable(value: unknown, sqlType: string): string | null {
  if (value === null || value === undefined) return null;
  if (sqlType.startsWith('timestamp')) {
    const ms = value instanceof Date ? value.getTime() : Date.parse(String(value));
    return Number.isNaN(ms) ? String(value) : `t:${ms}`;
  }
  if (sqlType.startsWith('numeric') || sqlType === 'integer' || sqlType === 'bigint') {
    const n = Number(value);
    return Number.isNaN(n) ? String(value) : `n:${n}`;
  }
  if (sqlType === 'boolean') return value === true || value === 't' || value === 'true' ? 'b:1' : 'b:0';
  if (sqlType === 'jsonb') return `j:${canonicalJson(typeof value === 'string' ? safeParse(value) : value)}`;
  if (sqlType === 'date') return `d:${String(value).slice(0, 10)}`;
  return `s:${value instanceof Date ? value.toISOString() : String(value)}`;
}

function safeParse(s: string): unknown {
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return s;
  }
}

/** A server row (drizzle props) as the wire sees it: snake_case keys, JSON-safe values. */
export function toWireRow(table: WritableTableName, row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const col of wireColumns(table).values()) {
    const v = row[col.prop];
    out[col.wire] = v instanceof Date ? v.toISOString() : (v ?? null);
  }
  return out;
}

/** Validated values (drizzle props) made ready for the driver: ISO timestamps become Dates. */
export function toDbValues(table: WritableTableName, data: Record<string, unknown>): Record<string, unknown> {
  const byProp = new Map([...wireColumns(table).values()].map((c) => [c.prop, c]));
  const out: Record<string, unknown> = {};
  for (const [prop, value] of Object.entries(data)) {
    const col = byProp.get(prop);
    out[prop] = col?.sqlType.startsWith('timestamp') && typeof value === 'string' ? new Date(value) : value;
  }
  return out;
}
