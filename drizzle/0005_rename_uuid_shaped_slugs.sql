-- Issue 15 / SPEC §2: a slug can never look like a client id. A client whose slug PostgreSQL would
-- read as a uuid (32 hex digits once dashes are dropped) is renamed to 'client-' and the first 8
-- hex digits of that slug; when that is taken (or two renamed clients share it) the first 8 hex
-- digits of the client's own id are appended, which ids make unique. Set-based, one statement.
UPDATE "clients" AS c SET "slug" = r.new_slug
  FROM (
    SELECT u.id,
           CASE WHEN count(*) OVER (PARTITION BY u.base) = 1
                     AND NOT EXISTS (SELECT 1 FROM "clients" o WHERE o."slug" = u.base)
                THEN u.base
                ELSE u.base || '-' || left(replace(u.id::text, '-', ''), 8) END AS new_slug
      FROM (SELECT "id" AS id, 'client-' || left(replace("slug", '-', ''), 8) AS base
              FROM "clients" WHERE replace("slug", '-', '') ~ '^[0-9a-fA-F]{32}$') u
  ) r
 WHERE r.id = c."id";
