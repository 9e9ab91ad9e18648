-- Tenant logos are tenant-owned infrastructure: RLS only (no client-made rows, no touch trigger).
-- Default privileges from 0002 already grant streamflow_app access to new tables.
SELECT streamflow_enable_tenant_rls('tenant_logos'::regclass);
