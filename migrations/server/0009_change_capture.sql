-- Change capture for the built-in shape engine (docs/sync.md).
--
-- Every synced table gets AFTER statement triggers that append each changed row to
-- sync_change_log in the writing transaction, and marks the transaction in
-- sync_commits. A deferred constraint trigger on sync_commits runs at commit
-- time: it takes a global advisory lock (held until the commit is visible) and
-- gives the transaction its lsn from a sequence. So lsn order is commit order,
-- and the set of visible lsns is always a prefix: a served watermark can never
-- be undercut by a later commit. The engine reads these tables as the owner,
-- filtering by the caller's org_id; the app role has no access to them.

CREATE SEQUENCE IF NOT EXISTS sync_lsn_seq AS bigint;
--> statement-breakpoint
INSERT INTO sync_state (id) VALUES (1) ON CONFLICT (id) DO NOTHING;
--> statement-breakpoint
REVOKE ALL ON sync_change_log, sync_commits, sync_shape_handles, sync_state FROM streamflow_app;
--> statement-breakpoint
REVOKE ALL ON SEQUENCE sync_lsn_seq, sync_change_log_seq_seq FROM streamflow_app;
--> statement-breakpoint
-- Statement-level, with transition tables: a bulk load (COPY, import) costs
-- one INSERT ... SELECT per statement instead of one per row.
CREATE OR REPLACE FUNCTION streamflow_sync_capture() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_catalog AS $$
DECLARE
  tx text := pg_current_xact_id()::text;
  n bigint := 0;
  m bigint := 0;
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO sync_change_log (org_id, tbl, op, pk, new_row)
    SELECT r.org_id, TG_TABLE_NAME, 'insert', r.id::text, to_jsonb(r) FROM sync_new r;
    GET DIAGNOSTICS n = ROW_COUNT;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO sync_change_log (org_id, tbl, op, pk, new_row, old_row)
    SELECT r.org_id, TG_TABLE_NAME, 'update', r.id::text, to_jsonb(r), to_jsonb(o)
    FROM sync_new r JOIN sync_old o ON o.id = r.id
    WHERE to_jsonb(r) <> to_jsonb(o);
    GET DIAGNOSTICS n = ROW_COUNT;
    -- A row moved to another tenant, or a changed primary key (never done by
    -- the app): the old image leaves as a delete, the new one arrives as an insert.
    INSERT INTO sync_change_log (org_id, tbl, op, pk, old_row)
    SELECT o.org_id, TG_TABLE_NAME, 'delete', o.id::text, to_jsonb(o)
    FROM sync_old o LEFT JOIN sync_new r ON r.id = o.id
    WHERE r.id IS NULL OR r.org_id IS DISTINCT FROM o.org_id;
    GET DIAGNOSTICS m = ROW_COUNT;
    n := n + m;
    INSERT INTO sync_change_log (org_id, tbl, op, pk, new_row)
    SELECT r.org_id, TG_TABLE_NAME, 'insert', r.id::text, to_jsonb(r)
    FROM sync_new r LEFT JOIN sync_old o ON o.id = r.id
    WHERE o.id IS NULL;
    GET DIAGNOSTICS m = ROW_COUNT;
    n := n + m;
  ELSE
    INSERT INTO sync_change_log (org_id, tbl, op, pk, old_row)
    SELECT o.org_id, TG_TABLE_NAME, 'delete', o.id::text, to_jsonb(o) FROM sync_old o;
    GET DIAGNOSTICS n = ROW_COUNT;
  END IF;
  -- Once per transaction (the flag is transaction-local and undone with a rolled-back savepoint).
  IF n > 0 AND current_setting('streamflow.sync_xid', true) IS DISTINCT FROM tx THEN
    INSERT INTO sync_commits (xid) VALUES (pg_current_xact_id()) ON CONFLICT (xid) DO NOTHING;
    PERFORM set_config('streamflow.sync_xid', tx, true);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- Runs at commit: the advisory lock is released only after the commit is
-- visible, so the next committer's lsn is larger and visible later.
CREATE OR REPLACE FUNCTION streamflow_sync_assign_lsn() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_catalog AS $$
DECLARE
  assigned bigint;
BEGIN
  PERFORM pg_advisory_xact_lock(7263002);
  assigned := nextval('sync_lsn_seq');
  UPDATE sync_commits SET lsn = assigned, committed_at = clock_timestamp() WHERE xid = NEW.xid;
  PERFORM pg_notify('streamflow_shapes', assigned::text || ':' || coalesce(
    (SELECT string_agg(DISTINCT org_id, ',') FROM sync_change_log WHERE xid = NEW.xid), ''));
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER sync_commits_assign_lsn AFTER INSERT ON sync_commits
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION streamflow_sync_assign_lsn();
--> statement-breakpoint
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['companies', 'contacts', 'leads', 'opportunities', 'tasks', 'activities',
    'work_orders', 'work_order_status_history', 'time_entries', 'quotes', 'quote_lines', 'invoices',
    'invoice_lines', 'payments']
  LOOP
    -- Transition tables allow one event per trigger.
    EXECUTE format('CREATE TRIGGER sync_capture_insert AFTER INSERT ON %I REFERENCING NEW TABLE AS sync_new '
      'FOR EACH STATEMENT EXECUTE FUNCTION streamflow_sync_capture()', t);
    EXECUTE format('CREATE TRIGGER sync_capture_update AFTER UPDATE ON %I REFERENCING OLD TABLE AS sync_old NEW TABLE AS sync_new '
      'FOR EACH STATEMENT EXECUTE FUNCTION streamflow_sync_capture()', t);
    EXECUTE format('CREATE TRIGGER sync_capture_delete AFTER DELETE ON %I REFERENCING OLD TABLE AS sync_old '
      'FOR EACH STATEMENT EXECUTE FUNCTION streamflow_sync_capture()', t);
  END LOOP;
END
$$;
