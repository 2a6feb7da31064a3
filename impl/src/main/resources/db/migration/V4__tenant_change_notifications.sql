-- Servers cache verified API keys together with their tenant's slug and portal_url. A change to a
-- tenant (its portal_url above all) is announced on a channel so that every server drops that
-- tenant's cached keys at once, however the change was made, like the announcements of V3.
CREATE FUNCTION notify_tenant_changed() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('tenant_changed', OLD.id::text);
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER tenant_changed AFTER UPDATE OR DELETE ON tenant
    FOR EACH ROW EXECUTE FUNCTION notify_tenant_changed();
