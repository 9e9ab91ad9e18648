-- Billing (docs/billing.md): row-level security, change capture and the
-- payment-request job trigger.

-- payment_requests is a tenant data table written by the app through /api/write.
SELECT streamflow_tenant_table('payment_requests'::regclass);
--> statement-breakpoint
-- Token credits are tenant-owned infrastructure: RLS only (written by webhooks as the owner).
SELECT streamflow_enable_tenant_rls('billing_token_credits'::regclass);
--> statement-breakpoint
-- Payment links flow back to the app through the shape engine's change log
-- (statement triggers with transition tables, as 0009_change_capture.sql).
CREATE TRIGGER sync_capture_insert AFTER INSERT ON payment_requests REFERENCING NEW TABLE AS sync_new
FOR EACH STATEMENT EXECUTE FUNCTION streamflow_sync_capture();
--> statement-breakpoint
CREATE TRIGGER sync_capture_update AFTER UPDATE ON payment_requests REFERENCING OLD TABLE AS sync_old NEW TABLE AS sync_new
FOR EACH STATEMENT EXECUTE FUNCTION streamflow_sync_capture();
--> statement-breakpoint
CREATE TRIGGER sync_capture_delete AFTER DELETE ON payment_requests REFERENCING OLD TABLE AS sync_old
FOR EACH STATEMENT EXECUTE FUNCTION streamflow_sync_capture();
--> statement-breakpoint
-- A new payment request queues exactly one job in the same transaction, so
-- a request exists exactly when its job does, whoever inserted it (the
-- write API runs as streamflow_app, which owns nothing: SECURITY DEFINER).
CREATE OR REPLACE FUNCTION streamflow_payment_request_job() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_catalog AS $$
BEGIN
  IF NEW.status = 'requested' THEN
    INSERT INTO jobs (kind, org_id, payload, dedupe_key)
    VALUES ('billing.payment_request', NEW.org_id,
            jsonb_build_object('orgId', NEW.org_id, 'paymentRequestId', NEW.id::text),
            'payreq:' || NEW.id::text)
    ON CONFLICT (dedupe_key) DO NOTHING;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS payment_request_job ON payment_requests;
--> statement-breakpoint
CREATE TRIGGER payment_request_job AFTER INSERT ON payment_requests
FOR EACH ROW EXECUTE FUNCTION streamflow_payment_request_job();
