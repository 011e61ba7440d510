-- Issue 15 / SPEC §8 "Anonymity": signal timestamps are months. Every domain of one import shared
-- its first_seen_at (and updated_at) to the microsecond, so grouping by it recovered each client's
-- customer list. Stored instants become the first instant of their month (UTC); refreshes write
-- months from now on (src/services/buyer-signal-service.ts).
UPDATE "platform_buyer_signals"
   SET "first_seen_at" = date_trunc('month', "first_seen_at", 'UTC'),
       "last_converted_at" = date_trunc('month', "last_converted_at", 'UTC'),
       "updated_at" = date_trunc('month', "updated_at", 'UTC')
 WHERE "first_seen_at" IS DISTINCT FROM date_trunc('month', "first_seen_at", 'UTC')
    OR "last_converted_at" IS DISTINCT FROM date_trunc('month', "last_converted_at", 'UTC')
    OR "updated_at" IS DISTINCT FROM date_trunc('month', "updated_at", 'UTC');
