-- The log `aos imports undo` restores from (table import_run_changes). While a transaction has
-- set aos.change_set (the import does, for its own writes only), every statement that inserts,
-- updates or deletes customers or suppression entries records, set-based through transition
-- tables, each row's image before the run (kept from its first change in the run) and a hash of
-- its image after (from its last). Outside an import the function returns at once.
-- Timestamps are rendered in UTC so the hash does not depend on the session's time zone.
CREATE FUNCTION aos_log_import_change() RETURNS trigger LANGUAGE plpgsql SET timezone = 'UTC' AS $$
DECLARE
  cs uuid := nullif(current_setting('aos.change_set', true), '')::uuid;
BEGIN
  IF cs IS NULL THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'INSERT' THEN
    INSERT INTO import_run_changes (change_set, table_name, row_id, before, after_hash)
    SELECT cs, TG_TABLE_NAME, n.id, NULL, md5(to_jsonb(n)::text) FROM aos_new_rows n
    ON CONFLICT (change_set, table_name, row_id) DO UPDATE SET after_hash = excluded.after_hash;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO import_run_changes (change_set, table_name, row_id, before, after_hash)
    SELECT cs, TG_TABLE_NAME, n.id, to_jsonb(o), md5(to_jsonb(n)::text)
      FROM aos_old_rows o JOIN aos_new_rows n ON n.id = o.id
    ON CONFLICT (change_set, table_name, row_id) DO UPDATE SET after_hash = excluded.after_hash;
  ELSE
    INSERT INTO import_run_changes (change_set, table_name, row_id, before, after_hash)
    SELECT cs, TG_TABLE_NAME, o.id, to_jsonb(o), NULL FROM aos_old_rows o
    ON CONFLICT (change_set, table_name, row_id) DO UPDATE SET after_hash = NULL;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER aos_log_insert AFTER INSERT ON client_customers REFERENCING NEW TABLE AS aos_new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION aos_log_import_change();
--> statement-breakpoint
CREATE TRIGGER aos_log_update AFTER UPDATE ON client_customers REFERENCING OLD TABLE AS aos_old_rows NEW TABLE AS aos_new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION aos_log_import_change();
--> statement-breakpoint
CREATE TRIGGER aos_log_delete AFTER DELETE ON client_customers REFERENCING OLD TABLE AS aos_old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION aos_log_import_change();
--> statement-breakpoint
CREATE TRIGGER aos_log_insert AFTER INSERT ON suppression_list REFERENCING NEW TABLE AS aos_new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION aos_log_import_change();
--> statement-breakpoint
CREATE TRIGGER aos_log_update AFTER UPDATE ON suppression_list REFERENCING OLD TABLE AS aos_old_rows NEW TABLE AS aos_new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION aos_log_import_change();
--> statement-breakpoint
CREATE TRIGGER aos_log_delete AFTER DELETE ON suppression_list REFERENCING OLD TABLE AS aos_old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION aos_log_import_change();
