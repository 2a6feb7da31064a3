package dev.portaltoken.meteroid;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portaltoken.db.UnitOfWork;
import dev.portaltoken.errors.Failure;
import dev.portaltoken.keys.SecretBox;
import dev.portaltoken.tenant.Tenant;
import dev.portaltoken.tenant.Tenants;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives upstream's webhooks for a tenant: {@link #verify} checks a message against the tenant's
 * endpoint secret, {@link #receive} handles it once. {@code customer.created} creates the customer
 * here with upstream's id, alias, name and billing email, linked to upstream (so that a sync keeps it
 * in line); a message seen before, or a customer that exists, changes nothing; every other event type
 * is acknowledged and ignored. Thread-safe.
 */
public final class MeteroidWebhooks {
    private static final Logger LOG = LoggerFactory.getLogger(MeteroidWebhooks.class);
    static final String CUSTOMER_CREATED = "customer.created";

    /** What a message did. */
    public enum Outcome {
        CREATED, CREATED_WITHOUT_ALIAS, ALREADY_EXISTS, REPLAYED, IGNORED;

        /** As answered: lower case. */
        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A message whose signature verified: the tenant it is for and its id. */
    public record Verified(UUID tenantId, String messageId) {
    }

    private final DataSource dataSource;
    private final Tenants tenants;
    private final ConnectionRepository connections;
    private final WebhookRepository messages;
    private final Supplier<SecretBox> secrets;
    private final Clock clock;

    /** @param secrets opens the stored webhook secrets (resolved when first needed) */
    public MeteroidWebhooks(DataSource dataSource, Tenants tenants, Supplier<SecretBox> secrets, Clock clock) {
        this.dataSource = dataSource;
        this.tenants = tenants;
        this.connections = new ConnectionRepository(dataSource);
        this.messages = new WebhookRepository(dataSource);
        this.secrets = secrets;
        this.clock = clock;
    }

    /**
     * @param headers a request header by name, null when absent
     * @throws Failure NOT_FOUND when the tenant does not exist or has no webhook secret
     * @throws WebhookSignature.Rejected when the message does not verify
     */
    public Verified verify(String tenantSlug, Function<String, String> headers, byte[] body) {
        Tenant tenant = tenants.find(tenantSlug).orElse(null);
        Connection connection = tenant == null ? null : connections.find(tenant.id()).orElse(null);
        if (connection == null || connection.webhookSecret() == null) {
            throw Failure.notFound("no Meteroid webhook endpoint for tenant '" + tenantSlug + "'");
        }
        byte[] key = secrets.get().open(MeteroidConnections.webhookSecretContext(tenant.id()), connection.webhookSecret());
        String messageId = new WebhookSignature(key).verify(headers, body, clock.instant());
        return new Verified(tenant.id(), messageId);
    }

    /**
     * Handles a verified message once, in one transaction: the message id is recorded together with
     * what it changed, so a message that fails can be retried.
     *
     * @param type    the event's type
     * @param members its other members
     * @throws Failure INVALID naming the member of a {@code customer.created} message that is malformed
     */
    public Outcome receive(Verified message, String type, JsonNode members) {
        if (!CUSTOMER_CREATED.equals(type)) {
            return Outcome.IGNORED;
        }
        UpstreamCustomer customer = UpstreamCustomer.from(members, "customer_id");
        Outcome outcome = UnitOfWork.inTransaction(dataSource, c -> {
            if (!messages.firstSighting(message.tenantId(), message.messageId())) {
                return Outcome.REPLAYED;
            }
            Optional<Optional<String>> created = messages.create(message.tenantId(), customer);
            if (created.isEmpty()) {
                return Outcome.ALREADY_EXISTS;
            }
            return customer.alias() != null && created.get().isEmpty() ? Outcome.CREATED_WITHOUT_ALIAS : Outcome.CREATED;
        });
        if (outcome == Outcome.CREATED_WITHOUT_ALIAS || customer.aliasDropped()) {
            LOG.warn("customer {} of tenant {} from Meteroid was stored without its alias: {}", customer.id(),
                    message.tenantId(), customer.aliasDropped() ? "its characters cannot make an alias here"
                            : "another customer of the tenant holds it");
        }
        return customer.aliasDropped() && outcome == Outcome.CREATED ? Outcome.CREATED_WITHOUT_ALIAS : outcome;
    }

    /** Forgets message ids seen more than a day ago; returns how many. */
    public int forgetOldMessages() {
        return messages.forgetOld();
    }
}
