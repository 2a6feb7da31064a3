package dev.portaltoken.meteroid;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portaltoken.customer.Customers;
import dev.portaltoken.errors.Failure;
import dev.portaltoken.ids.CustomerIds;
import java.util.UUID;

/**
 * A customer as upstream describes it (a {@code customer.created} event, a row of its customer list),
 * reduced to what this server keeps, with the values this server cannot hold dropped.
 *
 * @param alias        null when upstream has none or it cannot be an alias here
 * @param email        the billing email, null when none or not an email address here
 * @param aliasDropped upstream has an alias that cannot be one here (its characters), so it is not kept
 */
record UpstreamCustomer(UUID id, String alias, String name, String email, boolean aliasDropped) {
    /**
     * @param idField the member that holds the {@code cus_} id ({@code customer_id} in events, {@code id} in lists)
     * @throws Failure INVALID naming the member that is missing or malformed
     */
    static UpstreamCustomer from(JsonNode json, String idField) {
        JsonNode idNode = json.get(idField);
        if (idNode == null || !idNode.isTextual()) {
            throw Failure.invalid(idField + " must be a customer id (cus_...)");
        }
        UUID id = CustomerIds.parse(idNode.textValue())
                .orElseThrow(() -> Failure.invalid(idField + " must be a customer id (cus_...)"));
        String alias = text(json, "alias");
        String email = text(json, "billing_email");
        boolean aliasUsable = alias == null || Customers.isAlias(alias);
        return new UpstreamCustomer(id, aliasUsable ? alias : null, text(json, "name"),
                email == null || !Customers.isEmail(email) ? null : email, !aliasUsable);
    }

    private static String text(JsonNode json, String field) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw Failure.invalid(field + " must be a string or null");
        }
        return value.textValue();
    }
}
