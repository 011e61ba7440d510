-- drizzle-kit cannot name the old primary keys it replaces; they are PostgreSQL's defaults.
ALTER TABLE "client_customers" DROP CONSTRAINT "client_customers_pkey";--> statement-breakpoint
ALTER TABLE "import_runs" DROP CONSTRAINT "import_runs_pkey";--> statement-breakpoint
ALTER TABLE "suppression_events" DROP CONSTRAINT "suppression_events_pkey";--> statement-breakpoint
ALTER TABLE "suppression_list" DROP CONSTRAINT "suppression_list_pkey";--> statement-breakpoint
ALTER TABLE "client_customers" ADD CONSTRAINT "client_customers_pkey" PRIMARY KEY("client_id","id");--> statement-breakpoint
ALTER TABLE "import_runs" ADD CONSTRAINT "import_runs_pkey" PRIMARY KEY("client_id","id");--> statement-breakpoint
ALTER TABLE "suppression_events" ADD CONSTRAINT "suppression_events_pkey" PRIMARY KEY("client_id","id");--> statement-breakpoint
ALTER TABLE "suppression_list" ADD CONSTRAINT "suppression_list_pkey" PRIMARY KEY("client_id","id");
