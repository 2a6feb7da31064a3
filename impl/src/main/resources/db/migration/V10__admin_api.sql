-- The admin API (issue 25).
-- Admin keys live beside API keys and portal keys: a key without a tenant is an operator's, a portal's
-- (introspection only) or an admin's (the admin API). As for every key, only a hash of its secret is
-- stored; revoking one is announced by V3's api_key_changed like any other.
ALTER TABLE api_key ADD COLUMN admin boolean NOT NULL DEFAULT false;
ALTER TABLE api_key DROP CONSTRAINT api_key_portal_has_no_tenant;
ALTER TABLE api_key ADD CONSTRAINT api_key_kind CHECK (NOT (portal AND admin) AND (portal OR admin) = (tenant_id IS NULL));

-- The api_url returned to a tenant's callers, when it is not the server-wide PUBLIC_URL. Verified keys
-- are cached with it: V4's tenant_changed announces a change to every server.
ALTER TABLE tenant ADD COLUMN api_url text;

-- Every write, whoever made it (an admin key, a tenant's API key, the CLI): the object before and
-- after as JSON, never a secret. Ids are UUIDv7, so their order is the order of the events; pages
-- are read newest first, for every tenant or one.
CREATE TABLE audit_event (
    id           uuid        PRIMARY KEY,
    at           timestamptz NOT NULL DEFAULT now(),
    actor_kind   text        NOT NULL CHECK (actor_kind IN ('admin_key', 'api_key', 'cli', 'system')),
    actor_key_id uuid,
    actor_name   text        NOT NULL,
    action       text        NOT NULL,
    tenant_id    uuid,
    target       text        NOT NULL,
    before       jsonb,
    after        jsonb,
    request_id   text
);
CREATE INDEX audit_event_tenant_idx ON audit_event (tenant_id, id);

-- Idempotency-Key (Stripe's semantics): the first successful answer to a POST, per key that made it,
-- kept 24 hours, with the SHA-256 of the request it answered. The row is inserted in the transaction
-- of the change itself, so a second request with the same key waits for the first to commit (then
-- replays its answer) or roll back (then runs). An answer that carried a secret (a new key) is kept
-- without it.
CREATE TABLE idempotency_key (
    api_key_id     uuid        NOT NULL,
    key            text        NOT NULL,
    request_sha256 bytea       NOT NULL CHECK (octet_length(request_sha256) = 32),
    status         integer,
    body           text,
    location       text,
    etag           text,
    withheld       boolean     NOT NULL DEFAULT false,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (api_key_id, key)
);
CREATE INDEX idempotency_key_created_idx ON idempotency_key (created_at);
