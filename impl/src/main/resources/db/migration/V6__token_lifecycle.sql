-- Operator portal keys live beside API keys: a key without a tenant is a portal's. It may introspect
-- every tenant's tokens and do nothing else. As for API keys, only a hash of its secret is stored.
ALTER TABLE api_key ALTER COLUMN tenant_id DROP NOT NULL;
ALTER TABLE api_key ADD COLUMN portal boolean NOT NULL DEFAULT false;
ALTER TABLE api_key ADD CONSTRAINT api_key_portal_has_no_tenant CHECK (portal = (tenant_id IS NULL));

-- A revoked token, by its jti, kept until it would have expired anyway (then deleted): there is a row
-- per revoked token only, never per minted one.
CREATE TABLE revoked_token (
    jti        uuid        PRIMARY KEY,
    tenant_id  uuid        NOT NULL REFERENCES tenant (id),
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX revoked_token_expires_idx ON revoked_token (expires_at);
CREATE INDEX revoked_token_revoked_idx ON revoked_token (revoked_at);

-- Every token of a customer issued before revoked_before is revoked ("log out everywhere",
-- invalidate_existing). The time is in ticks of 1/4096 ms since the epoch, the resolution token ids
-- carry, so tokens minted in the same second are still told apart. Kept for the longest token
-- lifetime after that time (expires_at), by when every token it revokes has expired.
CREATE TABLE customer_revocation (
    tenant_id            uuid        NOT NULL REFERENCES tenant (id),
    customer_id          uuid        NOT NULL REFERENCES customer (id),
    revoked_before_ticks bigint      NOT NULL,
    expires_at           timestamptz NOT NULL,
    revoked_at           timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, customer_id)
);
CREATE INDEX customer_revocation_revoked_idx ON customer_revocation (revoked_at);
CREATE INDEX customer_revocation_expires_idx ON customer_revocation (expires_at);

-- Every server keeps the revocations in memory and applies these announcements at once; after a
-- lost connection it re-reads the tables.
CREATE FUNCTION notify_token_revoked() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('token_revoked', NEW.jti::text || ' ' || NEW.tenant_id::text || ' '
        || floor(extract(epoch FROM NEW.expires_at))::bigint::text);
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER token_revoked AFTER INSERT ON revoked_token
    FOR EACH ROW EXECUTE FUNCTION notify_token_revoked();

CREATE FUNCTION notify_customer_revoked() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('customer_revoked', NEW.tenant_id::text || ' ' || NEW.customer_id::text || ' '
        || NEW.revoked_before_ticks::text);
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER customer_revoked AFTER INSERT OR UPDATE ON customer_revocation
    FOR EACH ROW EXECUTE FUNCTION notify_customer_revoked();
