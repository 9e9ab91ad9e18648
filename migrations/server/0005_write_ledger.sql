CREATE TABLE "write_mutations" (
	"org_id" text NOT NULL,
	"id" uuid NOT NULL,
	"table_name" text NOT NULL,
	"row_id" uuid NOT NULL,
	"outcome" jsonb,
	"idempotency_key" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "write_mutations_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
ALTER TABLE "write_mutations" ADD CONSTRAINT "write_mutations_org_id_organization_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organization"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "write_mutations_created_idx" ON "write_mutations" USING btree ("created_at");--> statement-breakpoint
SELECT streamflow_enable_tenant_rls('write_mutations'::regclass);
