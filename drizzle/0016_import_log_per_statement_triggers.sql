-- The import change log takes one row per statement (import_run_changes as of 0010): the ids of
-- the rows the statement wrote, their images before it (null for an insert) and a hash of each
-- image after it (null for a delete), aligned by id. One row per statement instead of one per
-- written row keeps the log's cost to a fraction of the import's own writes.
-- The triggers of 0005 call this function by name and stay as they are.
CREATE OR REPLACE FUNCTION aos_log_import_change() RETURNS trigger LANGUAGE plpgsql SET timezone = 'UTC' AS $$
DECLARE
  cs uuid := nullif(current_setting('aos.change_set', true), '')::uuid;
BEGIN
  IF cs IS NULL THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'INSERT' THEN
    INSERT INTO import_run_changes (client_id, change_set, table_name, row_ids, befores, after_hashes)
    SELECT n.client_id, cs, TG_TABLE_NAME, array_agg(n.id ORDER BY n.id), NULL, array_agg(md5(to_jsonb(n)::text) ORDER BY n.id)
      FROM aos_new_rows n GROUP BY n.client_id;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO import_run_changes (client_id, change_set, table_name, row_ids, befores, after_hashes)
    SELECT n.client_id, cs, TG_TABLE_NAME, array_agg(n.id ORDER BY n.id), jsonb_agg(to_jsonb(o) ORDER BY n.id), array_agg(md5(to_jsonb(n)::text) ORDER BY n.id)
      FROM aos_old_rows o JOIN aos_new_rows n ON n.client_id = o.client_id AND n.id = o.id GROUP BY n.client_id;
  ELSE
    INSERT INTO import_run_changes (client_id, change_set, table_name, row_ids, befores, after_hashes)
    SELECT o.client_id, cs, TG_TABLE_NAME, array_agg(o.id ORDER BY o.id), jsonb_agg(to_jsonb(o) ORDER BY o.id), NULL
      FROM aos_old_rows o GROUP BY o.client_id;
  END IF;
  RETURN NULL;
END
$$;
