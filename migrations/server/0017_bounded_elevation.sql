-- Bounded break-glass (docs/elevation.md, ADR 013): per-role elevation ceilings, owner-approved
-- requests beyond them, and the start of each elevation's clock for the renewal caps.
CREATE TABLE "elevation_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text,
	"write_id" uuid,
	"user_id" text NOT NULL,
	"scopes" text[] NOT NULL,
	"reason" text NOT NULL,
	"minutes" integer NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"note" text,
	CONSTRAINT "elevation_requests_status_ck" CHECK ("elevation_requests"."status" in ('pending', 'approved', 'denied', 'cancelled'))
);
--> statement-breakpoint
ALTER TABLE "elevations" ADD COLUMN "granted_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "elevations" ADD COLUMN "request_id" uuid;--> statement-breakpoint
ALTER TABLE "elevations" ADD COLUMN "approved_by" text;--> statement-breakpoint
ALTER TABLE "roles" ADD COLUMN "elevation_ceiling" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "roles" ADD COLUMN "elevation_beyond" text DEFAULT 'ask_owner' NOT NULL;--> statement-breakpoint
ALTER TABLE "elevation_requests" ADD CONSTRAINT "elevation_requests_org_id_organization_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "elevation_requests_status_idx" ON "elevation_requests" USING btree ("org_id","status","requested_at");--> statement-breakpoint
ALTER TABLE "elevations" ADD CONSTRAINT "elevations_request_id_elevation_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."elevation_requests"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "elevations_user_granted_idx" ON "elevations" USING btree ("org_id","user_id","granted_at");--> statement-breakpoint
ALTER TABLE "roles" ADD CONSTRAINT "roles_elevation_beyond_ck" CHECK ("roles"."elevation_beyond" in ('ask_owner', 'refuse'));--> statement-breakpoint
-- Bounded break-glass (docs/elevation.md, ADR 013). Requests are tenant data:
-- row-level security and the touch trigger, like elevations (0002).
SELECT streamflow_tenant_table('elevation_requests'::regclass);
--> statement-breakpoint
-- Tenant data for the tenant role (ADR 011: a new table gets nothing until its migration grants it).
GRANT SELECT, INSERT, UPDATE, DELETE ON elevation_requests TO streamflow_app;
--> statement-breakpoint
-- Existing elevations started when they were made.
UPDATE "elevations" SET "granted_at" = "created_at";
--> statement-breakpoint
-- Existing tenants' default roles get the defaults' ceilings (schema/src/elevation.ts);
-- every other role starts with none: an owner approves each of its elevations.
UPDATE "roles" SET "elevation_ceiling" = '{reports.read}'::text[] WHERE "key" = 'staff';
--> statement-breakpoint
UPDATE "roles" SET "elevation_ceiling" = '{leads.read,quotes.read}'::text[] WHERE "key" = 'worker';
