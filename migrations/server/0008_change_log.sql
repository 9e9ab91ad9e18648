CREATE TABLE "sync_change_log" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"xid" "xid8" DEFAULT pg_current_xact_id() NOT NULL,
	"org_id" text NOT NULL,
	"tbl" text NOT NULL,
	"op" text NOT NULL,
	"pk" text NOT NULL,
	"new_row" jsonb,
	"old_row" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sync_commits" (
	"xid" "xid8" PRIMARY KEY NOT NULL,
	"lsn" bigint,
	"committed_at" timestamp with time zone,
	CONSTRAINT "sync_commits_lsn_unique" UNIQUE("lsn")
);
--> statement-breakpoint
CREATE TABLE "sync_shape_handles" (
	"handle" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"shape_name" text NOT NULL,
	"shape_key" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sync_state" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"epoch" text DEFAULT replace(gen_random_uuid()::text, '-', '') NOT NULL,
	"pruned_through_lsn" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX "sync_change_log_xid_idx" ON "sync_change_log" USING btree ("xid","seq");--> statement-breakpoint
CREATE INDEX "sync_change_log_created_idx" ON "sync_change_log" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "sync_commits_committed_idx" ON "sync_commits" USING btree ("committed_at");--> statement-breakpoint
CREATE INDEX "sync_shape_handles_key_idx" ON "sync_shape_handles" USING btree ("shape_key","created_at");