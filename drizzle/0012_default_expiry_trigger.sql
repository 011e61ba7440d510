-- A client's default expiry per reason (client_expiry_defaults) is given to each entry that a
-- statement inserts with that reason and no expiry, whatever wrote it (a manual add, an import).
-- Only inserted rows: an existing entry that an upsert updates keeps its expiry, so a default
-- never silently shortens what is there. The trigger is named to fire after aos_log_insert, so an
-- import's change log sees the row as inserted by the run (undo removes it).
-- Opt-outs and existing_customer never get one (the table's check, and again here). Rows an
-- undo puts back (aos.restoring set) are not new entries and keep the expiry they had.
CREATE FUNCTION aos_default_expiry() RETURNS trigger LANGUAGE plpgsql SET timezone = 'UTC' AS $$
BEGIN
  -- An undo puts rows back as they were (aos.restoring): a restored entry is not a new one.
  IF current_setting('aos.restoring', true) = 'on' OR NOT EXISTS (SELECT 1 FROM client_expiry_defaults) THEN
    RETURN NULL;
  END IF;
  UPDATE suppression_list s SET expires_at = n.created_at + d.period_interval
    FROM aos_new_rows n JOIN client_expiry_defaults d ON d.client_id = n.client_id AND d.reason = n.reason
   WHERE s.id = n.id AND n.expires_at IS NULL
     AND n.reason NOT IN ('unsubscribed', 'do_not_contact', 'bounced', 'existing_customer');
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER aos_zz_default_expiry AFTER INSERT ON suppression_list REFERENCING NEW TABLE AS aos_new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION aos_default_expiry();
