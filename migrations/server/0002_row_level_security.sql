-- Row-level security: the tenant backstop (docs/decisions/004-rls-tenant-backstop.md).
--
-- sync-server runs tenant work as `streamflow_app`, a role that owns nothing,
-- inside a transaction that sets `app.org_id` (and `app.user_id`) with
-- set_config(..., true). Every tenant table has RLS enabled and forced, with a
-- policy that admits only rows of that tenant, so a query that forgets its
-- `WHERE org_id` still sees and changes only its own tenant's rows.

DO $$
BEGIN
  CREATE ROLE streamflow_app NOLOGIN;
EXCEPTION
  -- Another database on the same cluster (or a concurrent migration) made it.
  WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;
--> statement-breakpoint
DO $$
BEGIN
  -- A non-superuser owner must be a member to SET ROLE to it.
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    EXECUTE format('GRANT streamflow_app TO %I', current_user);
  END IF;
END
$$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO streamflow_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO streamflow_app;
--> statement-breakpoint
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO streamflow_app;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO streamflow_app;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO streamflow_app;
--> statement-breakpoint
-- The tenant of the current transaction, or NULL outside tenant work.
CREATE OR REPLACE FUNCTION streamflow_current_org() RETURNS text
LANGUAGE sql STABLE AS $$ SELECT nullif(current_setting('app.org_id', true), '') $$;
--> statement-breakpoint
-- Enables and forces RLS on a tenant table with the one tenant policy.
-- Later migrations call it for every new tenant table.
CREATE OR REPLACE FUNCTION streamflow_enable_tenant_rls(tbl regclass) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl);
  EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', tbl);
  EXECUTE format('DROP POLICY IF EXISTS tenant_isolation ON %s', tbl);
  EXECUTE format(
    'CREATE POLICY tenant_isolation ON %s USING (org_id = streamflow_current_org()) '
    'WITH CHECK (org_id = streamflow_current_org())', tbl);
END
$$;
--> statement-breakpoint
-- Server-set bookkeeping on every write: updated_at, and updated_by from the
-- acting user of the transaction when there is one.
CREATE OR REPLACE FUNCTION streamflow_touch() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    NEW.updated_at := now();
  END IF;
  NEW.updated_by := coalesce(nullif(current_setting('app.user_id', true), ''), NEW.updated_by);
  RETURN NEW;
END
$$;
--> statement-breakpoint
-- A tenant data table: RLS plus the touch trigger.
CREATE OR REPLACE FUNCTION streamflow_tenant_table(tbl regclass) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM streamflow_enable_tenant_rls(tbl);
  EXECUTE format('DROP TRIGGER IF EXISTS streamflow_touch ON %s', tbl);
  EXECUTE format(
    'CREATE TRIGGER streamflow_touch BEFORE INSERT OR UPDATE ON %s '
    'FOR EACH ROW EXECUTE FUNCTION streamflow_touch()', tbl);
END
$$;
--> statement-breakpoint
SELECT streamflow_tenant_table(t::regclass) FROM unnest(ARRAY[
  'roles', 'role_permissions', 'member_roles', 'role_versions', 'elevations',
  'companies', 'contacts', 'leads', 'opportunities', 'tasks', 'activities',
  'work_orders', 'work_order_status_history', 'time_entries',
  'quotes', 'quote_lines', 'invoices', 'invoice_lines', 'payments'
]) AS t;
--> statement-breakpoint
-- Tenant-owned infrastructure: RLS only (no client-made rows, no touch trigger).
SELECT streamflow_enable_tenant_rls(t::regclass) FROM unnest(ARRAY[
  'idempotency_keys', 'audit_log', 'tenant_stripe_connect'
]) AS t;
