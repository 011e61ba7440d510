CREATE TABLE "client_expiry_defaults" (
	"client_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"period" text NOT NULL,
	"period_interval" interval NOT NULL,
	"updated_by" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "client_expiry_defaults_client_id_reason_pk" PRIMARY KEY("client_id","reason"),
	CONSTRAINT "client_expiry_defaults_reason_check" CHECK ("client_expiry_defaults"."reason" in ('past_customer', 'competitor', 'partner'))
);
--> statement-breakpoint
ALTER TABLE "client_expiry_defaults" ADD CONSTRAINT "client_expiry_defaults_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE cascade ON UPDATE no action;