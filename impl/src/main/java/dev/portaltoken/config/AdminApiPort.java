package dev.portaltoken.config;

/** Where the admin API's operator part ({@code /admin/v1}) is served. */
public enum AdminApiPort {
    /** On the management port only; not at all when there is none (the default). */
    MANAGEMENT,
    /** On the main port, beside the contract. */
    MAIN,
    /** Nowhere. */
    OFF
}
