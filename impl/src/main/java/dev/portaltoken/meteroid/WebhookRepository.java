package dev.portaltoken.meteroid;

import dev.portaltoken.db.Sql;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/** Webhook messages seen, and customers created from them. Thread-safe. */
final class WebhookRepository {
    private static final String SEEN = "INSERT INTO meteroid_webhook_message (tenant_id, message_id) VALUES (?, ?)"
            + " ON CONFLICT DO NOTHING";
    private static final String FORGET_OLD = "DELETE FROM meteroid_webhook_message WHERE received_at < now() - interval '1 day'";
    /**
     * The customer with upstream's id, its alias unless another customer of the tenant holds it, and
     * its link to upstream; nothing when the id exists (or the alias was taken meanwhile). Returns the
     * alias stored.
     */
    private static final String CREATE = """
            WITH created AS (
                INSERT INTO customer (id, tenant_id, alias, name, email)
                VALUES (?, ?, CASE WHEN EXISTS (SELECT 1 FROM customer WHERE tenant_id = ? AND alias = ?) THEN NULL
                                   ELSE ? END, ?, ?)
                ON CONFLICT DO NOTHING
                RETURNING id, tenant_id, alias),
            linked AS (
                INSERT INTO meteroid_customer (customer_id, tenant_id) SELECT id, tenant_id FROM created)
            SELECT alias FROM created""";

    private final DataSource dataSource;

    WebhookRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** @return false when the tenant's message was seen before */
    boolean firstSighting(UUID tenantId, String messageId) {
        return Sql.update(dataSource, SEEN, ps -> {
            ps.setObject(1, tenantId);
            ps.setString(2, messageId);
        }) == 1;
    }

    /** Forgets the message ids seen more than a day ago. */
    int forgetOld() {
        return Sql.update(dataSource, FORGET_OLD, Sql.NO_PARAMETERS);
    }

    /**
     * @return empty when nothing was created (the id exists); else the alias stored, null when the
     *         customer was stored without one
     */
    Optional<Optional<String>> create(UUID tenantId, UpstreamCustomer customer) {
        return Sql.first(dataSource, CREATE, ps -> {
            ps.setObject(1, customer.id());
            ps.setObject(2, tenantId);
            ps.setObject(3, tenantId);
            ps.setString(4, customer.alias());
            ps.setString(5, customer.alias());
            ps.setString(6, customer.name());
            ps.setString(7, customer.email());
        }, rs -> Optional.ofNullable(rs.getString(1)));
    }
}
