-- Each tenant may hold a bounded number of unexpired revoked tokens (PORTAL_MAX_REVOKED_TOKENS_PER_TENANT):
-- revoking counts them first, through this index.
CREATE INDEX revoked_token_tenant_expires_idx ON revoked_token (tenant_id, expires_at);

-- An archived customer's tokens are inactive (introspection checks the customer). Unarchiving must
-- not revive them: it records a customer-wide cut-off at that moment, by the database's clock, in
-- ticks of 1/4096 ms, kept for the longest token lifetime and an hour (as every cut-off), which
-- customer_revoked announces to every server. A row trigger limited to statements that set
-- archived_at and to rows that were archived: imports, which never set it, do not call it.
CREATE FUNCTION revoke_unarchived_customer() RETURNS trigger AS $$
BEGIN
    INSERT INTO customer_revocation (tenant_id, customer_id, revoked_before_ticks, expires_at)
    VALUES (NEW.tenant_id, NEW.id, floor(extract(epoch FROM clock_timestamp()) * 4096000)::bigint,
            clock_timestamp() + interval '30 days 1 hour')
    ON CONFLICT (tenant_id, customer_id) DO UPDATE
       SET revoked_before_ticks = GREATEST(customer_revocation.revoked_before_ticks,
                                           EXCLUDED.revoked_before_ticks),
           expires_at = GREATEST(customer_revocation.expires_at, EXCLUDED.expires_at),
           revoked_at = now();
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER customer_unarchived AFTER UPDATE OF archived_at ON customer
    FOR EACH ROW WHEN (OLD.archived_at IS NOT NULL AND NEW.archived_at IS NULL)
    EXECUTE FUNCTION revoke_unarchived_customer();
