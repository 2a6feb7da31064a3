-- Servers reload their signing keys every PORTAL_KEY_REFRESH_SECONDS. A rotation or retirement made
-- on one instance (over the admin API, or with the CLI) is announced on a channel as well, so every
-- instance publishes a new key, and stops publishing a retired one, within a second. When a new key
-- starts signing still follows the database's clock (the publish delay), not this announcement.
-- FOR EACH ROW, not per statement: every refresh runs an UPDATE that retires expired keys and mostly
-- changes no row; a statement trigger would announce each of them, and every instance's refresh
-- would set off the others' without end. An announced change is only re-read, never maintained.
CREATE FUNCTION notify_signing_key_changed() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('signing_key_changed', '');
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER signing_key_changed AFTER INSERT OR UPDATE OR DELETE ON signing_key
    FOR EACH ROW EXECUTE FUNCTION notify_signing_key_changed();
