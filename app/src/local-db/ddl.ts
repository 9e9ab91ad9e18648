import { getTableColumns } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { LOCAL_TABLES, SERVER_OWNED } from './tables.ts';

/*
 * The app's local database (ARCHITECTURE.md, "The app's local database"):
 * for each synced table `t`,
 *   - `t_synced`: filled only by pglite-sync from the server's shape;
 *   - `t_local`:  optimistic local changes (changed columns, deleted flag,
 *                 the latest mutation id, and its sync state);
 *   - view `t`:   local overlaid on synced, what the UI reads and writes;
 *   - INSTEAD OF triggers on `t` turn UI writes into local rows plus
 *     `outbox` entries, which the uploader sends to POST /api/write;
 *   - a trigger on `t_synced` clears the local row once the server's row
 *     comes back carrying that mutation's id as `write_id`.
 * This file generates that SQL from the drizzle tables, so the local schema
 * can never drift from the server's columns; migrations/client holds the
 * output (a test keeps them equal).
 */

interface Column {
  name: string;
  type: string;
  notNull: boolean;
  primary: boolean;
}

const q = (ident: string) => `"${ident}"`;

function columnsOf(table: PgTable): Column[] {
  return Object.values(getTableColumns(table)).map((c) => ({
    name: c.name,
    type: c.getSQLType(),
    notNull: c.notNull,
    primary: c.primary,
  }));
}

function syncedTable(name: string, cols: Column[]): string {
  const defs = cols.map((c) => `  ${q(c.name)} ${c.type}${c.primary ? ' PRIMARY KEY' : c.notNull ? ' NOT NULL' : ''}`);
  return `CREATE TABLE IF NOT EXISTS ${q(`${name}_synced`)} (\n${defs.join(',\n')}\n);`;
}

function localTable(name: string, cols: Column[]): string {
  const defs = cols.map((c) => `  ${q(c.name)} ${c.type}${c.primary ? ' PRIMARY KEY' : ''}`);
  defs.push(
    `  "changed_columns" text[] NOT NULL DEFAULT '{}'`,
    `  "is_new" boolean NOT NULL DEFAULT false`,
    `  "is_deleted" boolean NOT NULL DEFAULT false`,
    // The latest local mutation of this row; cleared when the server row returns with it.
    `  "local_write_id" uuid NOT NULL`,
    // pending | applied (acknowledged, waiting for the stream) | conflict | rejected
    `  "local_state" text NOT NULL DEFAULT 'pending'`,
  );
  return `CREATE TABLE IF NOT EXISTS ${q(`${name}_local`)} (\n${defs.join(',\n')}\n);`;
}

function overlayView(name: string, cols: Column[], writable: boolean): string {
  if (!writable) {
    return `CREATE OR REPLACE VIEW ${q(name)} AS\n  SELECT s.*, NULL::text AS "local_state" FROM ${q(`${name}_synced`)} s;`;
  }
  const select = cols.map((c) =>
    c.primary
      ? `  COALESCE(l.${q(c.name)}, s.${q(c.name)}) AS ${q(c.name)}`
      : `  CASE WHEN l.${q('id')} IS NOT NULL AND '${c.name}' = ANY(l."changed_columns") THEN l.${q(c.name)} ELSE s.${q(c.name)} END AS ${q(c.name)}`,
  );
  select.push(`  l."local_state" AS "local_state"`);
  return [
    `CREATE OR REPLACE VIEW ${q(name)} AS\nSELECT\n${select.join(',\n')}`,
    `FROM ${q(`${name}_synced`)} s`,
    `FULL OUTER JOIN ${q(`${name}_local`)} l ON l."id" = s."id"`,
    `WHERE l."id" IS NULL OR l."is_deleted" = false;`,
  ].join('\n');
}

/** A column's value as the write API takes it: numerics as decimal text, everything else as JSON. */
function wireValue(record: string, c: Column): string {
  return c.type.startsWith('numeric') ? `${record}.${q(c.name)}::text` : `${record}.${q(c.name)}`;
}

/** jsonb of the given record's non-server-owned columns, in wire form. */
function valuesJson(record: string, cols: Column[]): string {
  const pairs = cols.filter((c) => !SERVER_OWNED.has(c.name)).map((c) => `'${c.name}', ${wireValue(record, c)}`);
  return `jsonb_build_object(${pairs.join(', ')})`;
}

function writeTriggers(name: string, cols: Column[]): string[] {
  const local = q(`${name}_local`);
  const synced = q(`${name}_synced`);
  const editable = cols.filter((c) => !c.primary && !SERVER_OWNED.has(c.name));
  const colList = cols.map((c) => q(c.name)).join(', ');
  const newList = cols.map((c) => (c.primary ? 'v_id' : `NEW.${q(c.name)}`)).join(', ');
  const changedChecks = editable
    .map((c) => `  IF NEW.${q(c.name)} IS DISTINCT FROM OLD.${q(c.name)} THEN changed := array_append(changed, '${c.name}'); END IF;`)
    .join('\n');
  const setLocal = editable.map((c) => `${q(c.name)} = NEW.${q(c.name)}`).join(', ');

  const insertFn = `CREATE OR REPLACE FUNCTION ${q(`${name}_insert`)}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE v_id uuid := COALESCE(NEW."id", gen_random_uuid()); mid uuid := gen_random_uuid();
BEGIN
  NEW."id" := v_id;
  INSERT INTO ${local} (${colList}, "changed_columns", "is_new", "local_write_id")
    VALUES (${newList}, ARRAY[${editable.map((c) => `'${c.name}'`).join(', ')}]::text[], true, mid);
  INSERT INTO "outbox" ("mutation_id", "table_name", "op", "row_id", "values", "base", "hlc")
    VALUES (mid, '${name}', 'insert', v_id, jsonb_strip_nulls(${valuesJson('NEW', cols)}) || jsonb_build_object('id', v_id), '{}'::jsonb, local_hlc());
  RETURN NEW;
END $$;`;

  const updateFn = `CREATE OR REPLACE FUNCTION ${q(`${name}_update`)}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE changed text[] := '{}'; mid uuid := gen_random_uuid(); vals jsonb;
BEGIN
${changedChecks}
  IF cardinality(changed) = 0 THEN RETURN NEW; END IF;
  INSERT INTO ${local} (${colList}, "changed_columns", "local_write_id")
    VALUES (${cols.map((c) => (c.primary ? 'OLD."id"' : `NEW.${q(c.name)}`)).join(', ')}, changed, mid)
  ON CONFLICT ("id") DO UPDATE SET ${setLocal},
    "changed_columns" = ARRAY(SELECT DISTINCT unnest(${local}."changed_columns" || changed)),
    "local_write_id" = mid, "local_state" = 'pending';
  vals := (SELECT jsonb_object_agg(k, v) FROM jsonb_each(${valuesJson('NEW', cols)}) AS e(k, v) WHERE k = ANY(changed));
  INSERT INTO "outbox" ("mutation_id", "table_name", "op", "row_id", "values", "base", "hlc")
    VALUES (mid, '${name}', 'update', OLD."id", vals,
            -- The base is what this device saw before the edit (its earlier pending edits included),
            -- which is what the server holds once those earlier edits apply.
            COALESCE((SELECT jsonb_object_agg(k, v) FROM jsonb_each(${valuesJson('OLD', cols)}) AS e(k, v) WHERE k = ANY(changed)), '{}'::jsonb),
            local_hlc());
  RETURN NEW;
END $$;`;

  const deleteFn = `CREATE OR REPLACE FUNCTION ${q(`${name}_delete`)}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE mid uuid := gen_random_uuid(); seen timestamptz;
BEGIN
  SELECT x."updated_at" INTO seen FROM ${synced} x WHERE x."id" = OLD."id";
  IF seen IS NULL THEN
    -- Never reached the server: forget the row and its queued insert.
    DELETE FROM "outbox" WHERE "row_id" = OLD."id" AND "table_name" = '${name}' AND "status" = 'pending';
    DELETE FROM ${local} WHERE "id" = OLD."id";
    RETURN OLD;
  END IF;
  INSERT INTO ${local} ("id", "is_deleted", "local_write_id") VALUES (OLD."id", true, mid)
  ON CONFLICT ("id") DO UPDATE SET "is_deleted" = true, "local_write_id" = mid, "local_state" = 'pending';
  INSERT INTO "outbox" ("mutation_id", "table_name", "op", "row_id", "values", "base", "hlc")
    VALUES (mid, '${name}', 'delete', OLD."id", '{}'::jsonb, jsonb_build_object('updated_at', seen), local_hlc());
  RETURN OLD;
END $$;`;

  const clearFn = `CREATE OR REPLACE FUNCTION ${q(`${name}_synced_arrived`)}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM ${local} WHERE "id" = OLD."id" AND "is_deleted" AND "local_state" = 'pending'
      AND NOT EXISTS (SELECT 1 FROM "outbox" o WHERE o."row_id" = OLD."id" AND o."table_name" = '${name}');
    RETURN OLD;
  END IF;
  -- Our latest change is in this row, or the server acknowledged it and nothing of ours is still
  -- queued for the row (another device's later write may have replaced the write_id we wait for).
  DELETE FROM ${local} l WHERE l."id" = NEW."id" AND (l."local_write_id" = NEW."write_id"
    OR (l."local_state" = 'applied'
        AND NOT EXISTS (SELECT 1 FROM "outbox" o WHERE o."row_id" = NEW."id" AND o."table_name" = '${name}')));
  RETURN NEW;
END $$;`;

  const view = q(name);
  return [
    insertFn,
    updateFn,
    deleteFn,
    clearFn,
    `CREATE OR REPLACE TRIGGER ${q(`${name}_insert`)} INSTEAD OF INSERT ON ${view} FOR EACH ROW EXECUTE FUNCTION ${q(`${name}_insert`)}();`,
    `CREATE OR REPLACE TRIGGER ${q(`${name}_update`)} INSTEAD OF UPDATE ON ${view} FOR EACH ROW EXECUTE FUNCTION ${q(`${name}_update`)}();`,
    `CREATE OR REPLACE TRIGGER ${q(`${name}_delete`)} INSTEAD OF DELETE ON ${view} FOR EACH ROW EXECUTE FUNCTION ${q(`${name}_delete`)}();`,
    `CREATE OR REPLACE TRIGGER ${q(`${name}_synced_arrived`)} AFTER INSERT OR UPDATE OR DELETE ON ${synced} FOR EACH ROW EXECUTE FUNCTION ${q(`${name}_synced_arrived`)}();`,
  ];
}

/**
 * Indexes on the synced tables for the pages' windowed reads (app/src/local-db/overlay-query.ts
 * reads `<t>_synced` and `<t>_local` in two ordered branches, so an ORDER BY ... LIMIT walks
 * an index instead of sorting the table). `<t>_local` holds only this device's unconfirmed
 * changes, a handful of rows: it needs no index beyond its primary key.
 */
const SYNCED_INDEXES: Record<string, Record<string, string>> = {
  leads: {
    created: '"created_at", "id"',
    name: '"name", "id"',
    status_created: '"status", "created_at", "id"',
    assignee_created: '"assignee_id", "created_at", "id"',
    // Dedupe on email / phone (PRODUCT.md 7): case-insensitive email, phone digits only.
    email: 'lower("email")',
    phone_digits: `regexp_replace("phone", '[^0-9]', '', 'g')`,
  },
  activities: { related: '"related_table", "related_id", "occurred_at", "id"' },
  companies: { name: 'lower("name")' },
};

function syncedIndexes(name: string): string[] {
  return Object.entries(SYNCED_INDEXES[name] ?? {}).map(
    ([key, cols]) => `CREATE INDEX IF NOT EXISTS ${q(`${name}_synced_${key}_idx`)} ON ${q(`${name}_synced`)} (${cols});`,
  );
}

/** Shared objects: the outbox, local metadata (device id) and the local clock. */
const COMMON = [
  `CREATE TABLE IF NOT EXISTS "local_meta" ("key" text PRIMARY KEY, "value" text NOT NULL);`,
  `INSERT INTO "local_meta" ("key", "value") VALUES ('client_id', gen_random_uuid()::text) ON CONFLICT DO NOTHING;`,
  `CREATE TABLE IF NOT EXISTS "outbox" (
  "seq" bigserial PRIMARY KEY,
  "mutation_id" uuid NOT NULL UNIQUE,
  "table_name" text NOT NULL,
  "op" text NOT NULL CHECK ("op" IN ('insert', 'update', 'delete')),
  "row_id" uuid NOT NULL,
  "values" jsonb NOT NULL DEFAULT '{}',
  "base" jsonb NOT NULL DEFAULT '{}',
  "hlc" text NOT NULL,
  "created_at" timestamptz NOT NULL DEFAULT now(),
  -- The Idempotency-Key of the batch it was first sent in, kept across retries.
  "batch_key" uuid,
  -- pending | conflict | rejected
  "status" text NOT NULL DEFAULT 'pending',
  "result" jsonb
);`,
  `CREATE INDEX IF NOT EXISTS "outbox_pending_idx" ON "outbox" ("status", "seq");`,
  // The pages' per-row sync badge reads the latest outbox entry of a row.
  `CREATE INDEX IF NOT EXISTS "outbox_row_idx" ON "outbox" ("table_name", "row_id", "seq");`,
  // Wakes the uploader after a local write (pg.listen in the leader's worker).
  `CREATE OR REPLACE FUNCTION outbox_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('outbox_changed', '');
  RETURN NULL;
END $$;`,
  `CREATE OR REPLACE TRIGGER "outbox_changed" AFTER INSERT ON "outbox" FOR EACH STATEMENT EXECUTE FUNCTION outbox_changed();`,
  `CREATE SEQUENCE IF NOT EXISTS "local_hlc_counter";`,
  // Hybrid logical clock stamp: wall milliseconds, a counter, this device's id.
  `CREATE OR REPLACE FUNCTION local_hlc() RETURNS text LANGUAGE sql VOLATILE AS $$
  SELECT lpad(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint::text, 15, '0') || ':' ||
         lpad((nextval('local_hlc_counter') % 10000)::text, 4, '0') || ':' ||
         (SELECT "value" FROM "local_meta" WHERE "key" = 'client_id')
$$;`,
];

/** Every statement of the local schema, in order. */
export function buildClientDdl(): string[] {
  const out = [...COMMON];
  for (const [name, { table, writable }] of Object.entries(LOCAL_TABLES)) {
    const cols = columnsOf(table);
    out.push(syncedTable(name, cols), ...syncedIndexes(name));
    if (writable) out.push(localTable(name, cols));
    out.push(overlayView(name, cols, writable));
    if (writable) out.push(...writeTriggers(name, cols));
  }
  return out;
}

/** The local schema as one SQL file (what migrations/client holds). */
export function clientSchemaSql(): string {
  return `-- Generated by \`npm run db:generate-client\` from schema/ (app/src/local-db/ddl.ts). Do not edit.\n\n${buildClientDdl().join('\n\n')}\n`;
}
