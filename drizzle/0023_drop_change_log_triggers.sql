-- The import's change log and the clients' default expiry are written by the statements that
-- write customers and entries (src/services/import-log-writes.ts, default-expiry.ts), no longer
-- by the statement triggers of 0010, 0012, 0016 and 0022: those read session settings
-- (aos.change_set, aos.restoring) that a sharded database's workers never see, so the log would
-- silently stay empty there. Logs already written keep their shape and stay undoable.
DROP TRIGGER IF EXISTS aos_zz_default_expiry ON suppression_list;
--> statement-breakpoint
DROP TRIGGER IF EXISTS aos_log_insert ON suppression_list;
--> statement-breakpoint
DROP TRIGGER IF EXISTS aos_log_update ON suppression_list;
--> statement-breakpoint
DROP TRIGGER IF EXISTS aos_log_delete ON suppression_list;
--> statement-breakpoint
DROP TRIGGER IF EXISTS aos_log_insert ON client_customers;
--> statement-breakpoint
DROP TRIGGER IF EXISTS aos_log_update ON client_customers;
--> statement-breakpoint
DROP TRIGGER IF EXISTS aos_log_delete ON client_customers;
--> statement-breakpoint
DROP FUNCTION IF EXISTS aos_default_expiry();
--> statement-breakpoint
DROP FUNCTION IF EXISTS aos_log_import_change();
