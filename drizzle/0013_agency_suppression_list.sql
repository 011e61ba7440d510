CREATE TABLE "agency_suppression_list" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"domain" text,
	"email" text,
	"reason" text NOT NULL,
	"source" text,
	"notes" text,
	"expires_at" timestamp with time zone,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "agency_suppression_list_domain_key" UNIQUE("domain"),
	CONSTRAINT "agency_suppression_list_email_key" UNIQUE("email"),
	CONSTRAINT "agency_suppression_list_reason_check" CHECK ("agency_suppression_list"."reason" in ('existing_customer', 'past_customer', 'competitor', 'partner', 'do_not_contact', 'bounced', 'unsubscribed')),
	CONSTRAINT "agency_suppression_list_target_check" CHECK ("agency_suppression_list"."domain" is not null or "agency_suppression_list"."email" is not null)
);
