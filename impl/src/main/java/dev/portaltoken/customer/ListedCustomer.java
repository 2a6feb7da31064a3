package dev.portaltoken.customer;

import java.time.Instant;
import java.util.UUID;

/** A customer as listed to its tenant's operators; {@code archived} is null while it is not. */
public record ListedCustomer(UUID id, String alias, String name, String email, Instant created, Instant archived) {
}
