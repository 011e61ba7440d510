ALTER TABLE "suppression_events" DROP CONSTRAINT "suppression_events_client_id_clients_id_fk";
--> statement-breakpoint
ALTER TABLE "suppression_list" DROP CONSTRAINT "suppression_list_customer_id_client_customers_id_fk";
