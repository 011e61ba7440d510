-- Signals are keyed by domain: the uuid primary key index goes (nothing reads by id; the column
-- stays, NOT NULL with its default) and domain's unique constraint becomes the primary key.
ALTER TABLE "platform_buyer_signals" DROP CONSTRAINT "platform_buyer_signals_pkey";--> statement-breakpoint
ALTER TABLE "platform_buyer_signals" DROP CONSTRAINT "platform_buyer_signals_domain_key";--> statement-breakpoint
ALTER TABLE "platform_buyer_signals" ADD CONSTRAINT "platform_buyer_signals_pkey" PRIMARY KEY ("domain");
