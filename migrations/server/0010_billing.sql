CREATE TABLE "billing_token_credits" (
	"checkout_session_id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"pack" text NOT NULL,
	"tokens" integer NOT NULL,
	"event_id" text NOT NULL,
	"credited_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payment_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text,
	"write_id" uuid,
	"invoice_id" uuid NOT NULL,
	"amount" numeric(14, 2) NOT NULL,
	"currency" text DEFAULT 'USD' NOT NULL,
	"status" text DEFAULT 'requested' NOT NULL,
	"checkout_url" text,
	"stripe_checkout_session_id" text,
	"requested_by" text DEFAULT nullif(current_setting('app.user_id', true), ''),
	"failure_code" text
);
--> statement-breakpoint
ALTER TABLE "organization" ADD COLUMN "stripe_customer_id" text;--> statement-breakpoint
ALTER TABLE "organization" ADD COLUMN "stripe_subscription_id" text;--> statement-breakpoint
ALTER TABLE "organization" ADD COLUMN "subscription_status" text DEFAULT 'none' NOT NULL;--> statement-breakpoint
ALTER TABLE "organization" ADD COLUMN "subscription_current_period_end" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "organization" ADD COLUMN "subscription_state_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tenant_stripe_connect" ADD COLUMN "account_id_hash" text;--> statement-breakpoint
ALTER TABLE "billing_token_credits" ADD CONSTRAINT "billing_token_credits_org_id_organization_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_requests" ADD CONSTRAINT "payment_requests_org_id_organization_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_requests" ADD CONSTRAINT "payment_requests_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "billing_token_credits_org_idx" ON "billing_token_credits" USING btree ("org_id");--> statement-breakpoint
CREATE INDEX "payment_requests_org_status_idx" ON "payment_requests" USING btree ("org_id","status");--> statement-breakpoint
CREATE INDEX "payment_requests_org_invoice_idx" ON "payment_requests" USING btree ("org_id","invoice_id");--> statement-breakpoint
ALTER TABLE "organization" ADD CONSTRAINT "organization_stripe_customer_id_unique" UNIQUE("stripe_customer_id");--> statement-breakpoint
ALTER TABLE "tenant_stripe_connect" ADD CONSTRAINT "tenant_stripe_connect_account_id_hash_unique" UNIQUE("account_id_hash");