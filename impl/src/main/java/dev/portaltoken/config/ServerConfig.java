package dev.portaltoken.config;

import java.net.URI;
import java.time.Duration;

/** The server's whole configuration, validated by {@link ConfigLoader}; immutable. */
public record ServerConfig(
        String host,
        int port,
        DatabaseConfig database,
        URI portalUrl,
        String tokenIssuer,
        String tokenAudience,
        SigningConfig signing,
        Duration apiKeyCacheTtl) {
}
