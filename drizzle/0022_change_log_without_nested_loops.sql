-- The change-log trigger of an UPDATE joins its OLD and NEW transition tables by id. Those have no
-- statistics and no index, and the planner took a nested loop: a sync churning 5k customers
-- compared 25M pairs (35 s), 50k never finished. No nested loops in that function (its only join
-- is of the two transition tables): a hash join, linear in the rows a statement wrote. The
-- default-expiry trigger matches suppression_list by (client_id, id), its primary key, instead of
-- id alone, so each new row is one index probe (a nested loop is right there: keep it).
-- The UPDATE branch's aggregates lose their ORDER BY n.id: the three arrays only need to be
-- aligned, and aggregates of one group see its rows in one and the same order; three sorts of
-- the statement's images cost ~9 s per 50k updated rows.
CREATE OR REPLACE FUNCTION aos_log_import_change() RETURNS trigger LANGUAGE plpgsql
  SET timezone = 'UTC' SET enable_nestloop = off AS $$
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
    SELECT n.client_id, cs, TG_TABLE_NAME, array_agg(n.id), jsonb_agg(to_jsonb(o)), array_agg(md5(to_jsonb(n)::text))
      FROM aos_old_rows o JOIN aos_new_rows n ON n.client_id = o.client_id AND n.id = o.id GROUP BY n.client_id;
  ELSE
    INSERT INTO import_run_changes (client_id, change_set, table_name, row_ids, befores, after_hashes)
    SELECT o.client_id, cs, TG_TABLE_NAME, array_agg(o.id ORDER BY o.id), jsonb_agg(to_jsonb(o) ORDER BY o.id), NULL
      FROM aos_old_rows o GROUP BY o.client_id;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION aos_default_expiry() RETURNS trigger LANGUAGE plpgsql SET timezone = 'UTC' AS $$
BEGIN
  -- An undo puts rows back as they were (aos.restoring): a restored entry is not a new one.
  IF current_setting('aos.restoring', true) = 'on' OR NOT EXISTS (SELECT 1 FROM client_expiry_defaults) THEN
    RETURN NULL;
  END IF;
  UPDATE suppression_list s SET expires_at = n.created_at + d.period_interval
    FROM aos_new_rows n JOIN client_expiry_defaults d ON d.client_id = n.client_id AND d.reason = n.reason
   WHERE s.client_id = n.client_id AND s.id = n.id AND n.expires_at IS NULL
     AND n.reason NOT IN ('unsubscribed', 'do_not_contact', 'bounced', 'existing_customer');
  RETURN NULL;
END
$$;
