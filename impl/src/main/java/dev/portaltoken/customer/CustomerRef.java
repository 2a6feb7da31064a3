package dev.portaltoken.customer;

import dev.portaltoken.ids.CustomerIds;
import java.util.UUID;

/**
 * How a request names a customer: exactly one of {@code id} (a canonical {@code cus_} id) and
 * {@code alias} is not null.
 */
public record CustomerRef(UUID id, String alias) {

    /** Reads {@code id_or_alias} as upstream does: a canonical {@code cus_} id, else an alias. */
    public static CustomerRef parse(String idOrAlias) {
        return CustomerIds.parse(idOrAlias).map(id -> new CustomerRef(id, null))
                .orElseGet(() -> new CustomerRef(null, idOrAlias));
    }
}
