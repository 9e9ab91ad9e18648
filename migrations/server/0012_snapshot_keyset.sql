-- Key order for first-snapshot chunks (sync-server/src/shapes/snapshot.ts, docs/sync.md):
-- each chunk reads a tenant's next rows by primary key,
--   ... where org_id = $1 and id > $last order by id limit n
-- which this index answers in key order, without scanning other tenants' rows
-- or sorting the whole tenant once per chunk.
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['companies', 'contacts', 'leads', 'opportunities', 'tasks', 'activities',
    'work_orders', 'work_order_status_history', 'time_entries', 'quotes', 'quote_lines', 'invoices',
    'invoice_lines', 'payments', 'payment_requests']
  LOOP
    EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I USING btree (org_id, id)', t || '_org_id_key_idx', t);
  END LOOP;
END
$$;
