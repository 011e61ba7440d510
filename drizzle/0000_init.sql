CREATE TABLE "client_customers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"client_id" uuid NOT NULL,
	"company_name" text NOT NULL,
	"domain" text,
	"industry" text,
	"employee_count_range" text,
	"contact_email" text,
	"contact_name" text,
	"contact_title" text,
	"status" text DEFAULT 'active' NOT NULL,
	"customer_since" date,
	"churned_at" date,
	"deal_value" numeric(12, 2),
	"services" text[],
	"can_use_as_reference" boolean DEFAULT false,
	"case_study_url" text,
	"testimonial" text,
	"logo_approved" boolean DEFAULT false,
	"source" text NOT NULL,
	"external_id" text,
	"natural_key" text NOT NULL,
	"imported_at" timestamp with time zone DEFAULT now(),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "client_customers_client_natural_key" UNIQUE("client_id","natural_key"),
	CONSTRAINT "client_customers_status_check" CHECK ("client_customers"."status" in ('active', 'churned'))
);
--> statement-breakpoint
CREATE TABLE "clients" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"services" text[] DEFAULT '{}'::text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "clients_slug_key" UNIQUE("slug"),
	CONSTRAINT "clients_slug_format" CHECK ("clients"."slug" ~ '^[a-z0-9-]+$')
);
--> statement-breakpoint
CREATE TABLE "import_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"client_id" uuid NOT NULL,
	"file_name" text NOT NULL,
	"sha256" text NOT NULL,
	"header_key" text NOT NULL,
	"mapping" jsonb NOT NULL,
	"counts" jsonb NOT NULL,
	"actor" text NOT NULL,
	"status" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "platform_buyer_signals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"domain" text NOT NULL,
	"company_name" text,
	"industry" text,
	"employee_count_range" text,
	"times_bought" integer DEFAULT 1,
	"total_value" numeric(12, 2),
	"avg_deal_value" numeric(12, 2),
	"services_bought" text[],
	"buyer_score" integer DEFAULT 50,
	"first_seen_at" timestamp with time zone DEFAULT now(),
	"last_converted_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now(),
	CONSTRAINT "platform_buyer_signals_domain_key" UNIQUE("domain")
);
--> statement-breakpoint
CREATE TABLE "suppression_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"client_id" uuid NOT NULL,
	"target" text NOT NULL,
	"kind" text NOT NULL,
	"action" text NOT NULL,
	"reason_before" text,
	"reason_after" text,
	"expires_at" timestamp with time zone,
	"notes" text,
	"actor" text NOT NULL,
	"source" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "suppression_events_action_check" CHECK ("suppression_events"."action" in ('add', 'update', 'remove')),
	CONSTRAINT "suppression_events_source_check" CHECK ("suppression_events"."source" in ('manual', 'import')),
	CONSTRAINT "suppression_events_kind_check" CHECK ("suppression_events"."kind" in ('domain', 'email'))
);
--> statement-breakpoint
CREATE TABLE "suppression_list" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"client_id" uuid NOT NULL,
	"domain" text,
	"email" text,
	"company_name" text,
	"reason" text NOT NULL,
	"source" text,
	"customer_id" uuid,
	"notes" text,
	"expires_at" timestamp with time zone,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "suppression_list_client_domain_key" UNIQUE("client_id","domain"),
	CONSTRAINT "suppression_list_client_email_key" UNIQUE("client_id","email"),
	CONSTRAINT "suppression_list_reason_check" CHECK ("suppression_list"."reason" in ('existing_customer', 'past_customer', 'competitor', 'partner', 'do_not_contact', 'bounced', 'unsubscribed')),
	CONSTRAINT "suppression_list_target_check" CHECK ("suppression_list"."domain" is not null or "suppression_list"."email" is not null)
);
--> statement-breakpoint
ALTER TABLE "client_customers" ADD CONSTRAINT "client_customers_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_runs" ADD CONSTRAINT "import_runs_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "suppression_events" ADD CONSTRAINT "suppression_events_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "suppression_list" ADD CONSTRAINT "suppression_list_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "suppression_list" ADD CONSTRAINT "suppression_list_customer_id_client_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."client_customers"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "client_customers_domain_idx" ON "client_customers" USING btree ("domain");--> statement-breakpoint
CREATE INDEX "import_runs_client_header_idx" ON "import_runs" USING btree ("client_id","header_key","finished_at");--> statement-breakpoint
CREATE INDEX "suppression_events_client_target_idx" ON "suppression_events" USING btree ("client_id","target");