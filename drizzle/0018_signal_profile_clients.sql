ALTER TABLE "platform_buyer_signals" ADD COLUMN "company_name_clients" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "platform_buyer_signals" ADD COLUMN "industry_clients" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "platform_buyer_signals" ADD COLUMN "employee_count_range_clients" integer DEFAULT 0 NOT NULL;