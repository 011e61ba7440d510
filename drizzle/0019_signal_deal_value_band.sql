ALTER TABLE "platform_buyer_signals" ADD COLUMN "deal_value_band" text;--> statement-breakpoint
ALTER TABLE "platform_buyer_signals" ADD COLUMN "deal_value_band_clients" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Scores stored before 0019 counted one client's services and exact average deal value, which
-- told clients apart and could be solved for a victim's value: until the next refresh of their
-- domain (an import of it, or `aos signals rebuild`) they keep only the times-bought part.
UPDATE "platform_buyer_signals" SET "buyer_score" = 50 + CASE WHEN "times_bought" >= 3 THEN 30 WHEN "times_bought" >= 2 THEN 20 ELSE 10 END;
