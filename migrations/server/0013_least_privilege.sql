-- Least privilege for the tenant role (docs/decisions/011-least-privilege-tenant-role.md).
--
-- 0002 granted streamflow_app SELECT/INSERT/UPDATE/DELETE on every table, and
-- by default privileges on every future one; row-level security covers only
-- tenant tables, so the role could read every session token and password
-- hash, add platform staff and move members between tenants. From here on
-- the role gets only what tenant work needs, table by table, and a new table
-- gets nothing until its migration grants it (and the grants suite, which
-- walks every table, classifies it: sync-server/src/db/grants.suite.ts).

-- Deny by default: new tables and sequences get nothing.
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM streamflow_app;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM streamflow_app;
--> statement-breakpoint
-- Revoking a table privilege revokes its column privileges too: this migration is re-runnable.
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM streamflow_app;
--> statement-breakpoint
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM streamflow_app;
--> statement-breakpoint
-- Tenant data: rows made and changed by the app, under forced RLS (0002, 0011).
GRANT SELECT, INSERT, UPDATE, DELETE ON
  roles, role_permissions, member_roles, role_versions, elevations,
  companies, contacts, leads, opportunities, tasks, activities,
  work_orders, work_order_status_history, time_entries,
  quotes, quote_lines, invoices, invoice_lines, payments, payment_requests
TO streamflow_app;
--> statement-breakpoint
-- Tenant infrastructure under forced RLS: the write ledgers (pruned by the owner),
-- the connected Stripe account and the logo. Nothing here is deleted by tenant work.
GRANT SELECT, INSERT, UPDATE ON idempotency_keys, write_mutations, tenant_stripe_connect, tenant_logos TO streamflow_app;
--> statement-breakpoint
-- The audit log is append-only for tenant work: a tenant transaction can add
-- records and read its own tenant's, never change or remove one.
GRANT SELECT, INSERT ON audit_log TO streamflow_app;
--> statement-breakpoint
GRANT USAGE ON SEQUENCE audit_log_id_seq TO streamflow_app;
--> statement-breakpoint
-- Platform tables the tenant reads about itself: only the columns it needs,
-- only its own rows (RLS enabled, not forced: the owner, which better-auth,
-- provisioning and billing run as, is unaffected). Stripe ids, metadata and
-- the AI token balance of the tenant stay out of reach.
GRANT SELECT (id, name, slug, logo, plan, industry, settings, entitlements, created_at, updated_at) ON organization TO streamflow_app;
--> statement-breakpoint
GRANT SELECT (id, organization_id, user_id, role, created_at) ON member TO streamflow_app;
--> statement-breakpoint
GRANT SELECT (id, name, email) ON "user" TO streamflow_app;
--> statement-breakpoint
ALTER TABLE organization ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE member ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "user" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
DROP POLICY IF EXISTS tenant_self ON organization;
--> statement-breakpoint
CREATE POLICY tenant_self ON organization FOR SELECT TO streamflow_app USING (id = streamflow_current_org());
--> statement-breakpoint
DROP POLICY IF EXISTS tenant_members ON member;
--> statement-breakpoint
CREATE POLICY tenant_members ON member FOR SELECT TO streamflow_app USING (organization_id = streamflow_current_org());
--> statement-breakpoint
-- A user is visible to a tenant while they are one of its members (the subquery runs under member's policy).
DROP POLICY IF EXISTS tenant_member_users ON "user";
--> statement-breakpoint
CREATE POLICY tenant_member_users ON "user" FOR SELECT TO streamflow_app
  USING (EXISTS (SELECT 1 FROM member m WHERE m.user_id = "user".id AND m.organization_id = streamflow_current_org()));
--> statement-breakpoint
-- The write path re-checks a cached principal inside the batch's tenant
-- transaction (ADR 007). These two answers are all it needs from `session`
-- and `platform_staff`, which the role cannot read: a yes/no for one session
-- of one user in the transaction's own tenant, and a user's staff space.
CREATE OR REPLACE FUNCTION streamflow_session_active(p_session_id text, p_user_id text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_catalog AS $$
  SELECT EXISTS (SELECT 1 FROM session s WHERE s.id = p_session_id AND s.user_id = p_user_id
    AND s.active_organization_id = streamflow_current_org() AND s.expires_at > now())
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION streamflow_staff_space(p_user_id text) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_catalog AS $$
  SELECT space FROM platform_staff WHERE user_id = p_user_id
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION streamflow_session_active(text, text), streamflow_staff_space(text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION streamflow_session_active(text, text), streamflow_staff_space(text) TO streamflow_app;
