ALTER TABLE "platform_buyer_signals" ADD COLUMN "company_name_clients" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "platform_buyer_signals" ADD COLUMN "industry_clients" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "platform_buyer_signals" ADD COLUMN "employee_count_range_clients" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Before 0018 a Services cell holding the import's list separator (\x1f) was stored as the same
-- service several times, which the signals counted as several clients: each list made distinct.
UPDATE "client_customers" SET "services" = array(select distinct s from unnest("services") as s order by s)
 WHERE cardinality("services") > 1 AND cardinality("services") <> (select count(distinct s) from unnest("services") as s);
