package dev.portaltoken.customer;

import java.util.UUID;

/** A tenant's customer as a request names it: by {@code cus_} id or by alias, always within that tenant. */
record CustomerKey(UUID tenantId, CustomerRef ref) {
}
