-- Servers cache found customers and verified API keys. Any change to a customer (archive, alias,
-- ...) or an API key (revocation) is announced on a channel so that every server drops what it
-- cached at once, however the change was made. Payloads are deduplicated per transaction, so an
-- import of many customers of one tenant sends one notification.
CREATE FUNCTION notify_customer_changed() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('customer_changed', OLD.tenant_id::text);
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER customer_changed AFTER UPDATE OR DELETE ON customer
    FOR EACH ROW EXECUTE FUNCTION notify_customer_changed();

CREATE FUNCTION notify_api_key_changed() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('api_key_changed', OLD.id::text);
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER api_key_changed AFTER UPDATE OF revoked_at, secret_sha256, tenant_id OR DELETE ON api_key
    FOR EACH ROW EXECUTE FUNCTION notify_api_key_changed();
