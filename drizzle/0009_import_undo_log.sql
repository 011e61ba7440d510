CREATE TABLE "customer_events" (
	"id" bigserial NOT NULL,
	"client_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"natural_key" text NOT NULL,
	"action" text NOT NULL,
	"before" jsonb,
	"import_run_id" uuid,
	"actor" text NOT NULL,
	"source" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customer_events_pkey" PRIMARY KEY("client_id","id"),
	CONSTRAINT "customer_events_action_check" CHECK ("customer_events"."action" in ('add', 'update', 'remove')),
	CONSTRAINT "customer_events_source_check" CHECK ("customer_events"."source" in ('manual', 'undo'))
);
--> statement-breakpoint
CREATE TABLE "import_run_changes" (
	"change_set" uuid NOT NULL,
	"table_name" text NOT NULL,
	"row_id" uuid NOT NULL,
	"before" jsonb,
	"after_hash" text,
	CONSTRAINT "import_run_changes_change_set_table_name_row_id_pk" PRIMARY KEY("change_set","table_name","row_id"),
	CONSTRAINT "import_run_changes_table_check" CHECK ("import_run_changes"."table_name" in ('client_customers', 'suppression_list'))
);
--> statement-breakpoint
ALTER TABLE "suppression_events" DROP CONSTRAINT "suppression_events_source_check";--> statement-breakpoint
ALTER TABLE "import_runs" ADD COLUMN "change_set" uuid;--> statement-breakpoint
ALTER TABLE "import_runs" ADD COLUMN "undone_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "import_runs" ADD COLUMN "undone_by" text;--> statement-breakpoint
CREATE INDEX "customer_events_client_customer_idx" ON "customer_events" USING btree ("client_id","customer_id");--> statement-breakpoint
ALTER TABLE "suppression_events" ADD CONSTRAINT "suppression_events_source_check" CHECK ("suppression_events"."source" in ('manual', 'import', 'undo'));