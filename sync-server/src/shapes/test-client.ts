import { PGlite } from '@electric-sql/pglite';
import { electricSync } from '@electric-sql/pglite-sync';

/** Client-side copies of the server tables (the columns the shapes send; no foreign keys). */
const TABLES: Record<string, string> = {
  leads: `create table if not exists leads (id uuid primary key, org_id text not null, created_at timestamptz not null,
    updated_at timestamptz not null, updated_by text, write_id uuid, name text not null, company_name text, email text,
    phone text, source text, status text not null, score integer not null, value numeric(14, 2), assignee_id text,
    notes text, converted_opportunity_id uuid, custom jsonb not null)`,
  work_orders: `create table if not exists work_orders (id uuid primary key, org_id text not null, created_at timestamptz not null,
    updated_at timestamptz not null, updated_by text, write_id uuid, number text not null, title text not null,
    description text, company_id uuid, contact_id uuid, address text, scheduled_start timestamptz, scheduled_end timestamptz,
    assignee_id text, status text not null, priority text not null, completed_at timestamptz)`,
  companies: `create table if not exists companies (id uuid primary key, org_id text not null, created_at timestamptz not null,
    updated_at timestamptz not null, updated_by text, write_id uuid, name text not null, domain text, email text, phone text,
    address text, industry text, owner_id text, custom jsonb not null)`,
};

export type ClientDb = PGlite & { electric: { syncShapeToTable: SyncFn; syncShapesToTables: SyncManyFn } };
type SyncFn = (opts: Record<string, unknown>) => Promise<{ unsubscribe(): void; readonly isUpToDate: boolean }>;
type SyncManyFn = (opts: Record<string, unknown>) => Promise<{ unsubscribe(): void; readonly isUpToDate: boolean }>;

/** An in-memory client PGlite with pglite-sync, optionally restored from a dump (a client restart). */
export async function openClient(tables: string[], dump?: Blob | File): Promise<ClientDb> {
  const pg = await PGlite.create({ extensions: { electric: electricSync() }, ...(dump ? { loadDataDir: dump } : {}) });
  for (const t of tables) await pg.exec(TABLES[t] ?? '');
  return pg as unknown as ClientDb;
}

/** A client table's rows as text values keyed by id (UTC, ISO), to compare with the server's. */
export async function clientRows(pg: PGlite, table: string): Promise<Map<string, Record<string, string | null>>> {
  const res = await pg.transaction(async (tx) => {
    await tx.exec(`set local timezone = 'UTC'; set local datestyle = 'ISO, MDY'`);
    return tx.query<{ id: string; j: Record<string, string | null> }>(
      `select t.id::text as id, (select jsonb_object_agg(key, value) from jsonb_each_text(to_jsonb(t))) as j from "${table}" t`,
    );
  });
  return new Map(res.rows.map((r) => [r.id, r.j]));
}

/** Polls `check` until it returns true or `ms` pass. */
export async function eventually(check: () => Promise<boolean> | boolean, ms = 10_000, what = 'condition'): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
