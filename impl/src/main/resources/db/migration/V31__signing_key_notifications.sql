-- Servers reload their signing keys every PORTAL_KEY_REFRESH_SECONDS. A rotation or retirement made
-- on one instance (over the admin API, or with the CLI) is announced on a channel as well, so every
-- instance publishes a new key, and stops publishing a retired one, within a second. When a new key
-- starts signing still follows the database's clock (the publish delay), not this announcement.
CREATE FUNCTION notify_signing_key_changed() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('signing_key_changed', '');
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER signing_key_changed AFTER INSERT OR UPDATE OR DELETE ON signing_key
    FOR EACH STATEMENT EXECUTE FUNCTION notify_signing_key_changed();
