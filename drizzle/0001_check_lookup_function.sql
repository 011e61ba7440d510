-- The check's lookup (src/services/suppression/live-entries.ts), one call a check: the client by id
-- or by slug, as a marker row (client true) when it exists, then the live entries of that client
-- and of the agency-wide list equal to one of the newline-separated domains or emails.
-- A function only so that its plan is generic (planned once per connection): as a prepared
-- statement the server re-planned it on every execution (custom plans), which cost more than
-- running it. No client, no marker row: the caller says "unknown client", never "allowed".
-- Every column is cast to its result type, so a migration that changes a column's type leaves
-- the function's result as it was.
CREATE FUNCTION aos_check_lookup(p_client_id uuid, p_client_slug text, p_now timestamptz, p_domains text, p_emails text)
RETURNS TABLE (domain text, email text, reason text, expires_at timestamptz, all_clients boolean, client boolean)
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
    WITH c AS (SELECT cl.id FROM clients cl WHERE cl.id = p_client_id OR cl.slug = p_client_slug)
    SELECT NULL::text, NULL::text, NULL::text, NULL::timestamptz, false, true FROM c
    UNION ALL
    SELECT s.domain::text, s.email::text, s.reason::text, s.expires_at::timestamptz, false, false
      FROM suppression_list s
     WHERE s.client_id = (SELECT c.id FROM c)
       AND (s.expires_at IS NULL OR s.expires_at > p_now)
       AND (s.domain = ANY (string_to_array(p_domains, E'\n')) OR s.email = ANY (string_to_array(p_emails, E'\n')))
    UNION ALL
    SELECT a.domain::text, a.email::text, a.reason::text, a.expires_at::timestamptz, true, false
      FROM agency_suppression_list a
     WHERE EXISTS (SELECT 1 FROM c)
       AND (a.expires_at IS NULL OR a.expires_at > p_now)
       AND (a.domain = ANY (string_to_array(p_domains, E'\n')) OR a.email = ANY (string_to_array(p_emails, E'\n')));
END
$$;
