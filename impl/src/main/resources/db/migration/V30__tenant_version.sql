-- The admin API's tenants (issue 25): a tenant carries a version, its ETag, so that a change sent with
-- If-Match is refused (412) when another one came first. Every update of a row increments it.
ALTER TABLE tenant ADD COLUMN version bigint NOT NULL DEFAULT 1;
