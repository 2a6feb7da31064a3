package dev.portaltoken.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The server's whole configuration, validated by {@link ConfigLoader}; immutable.
 *
 * @param managementPort where /healthz, /readyz and /metrics are served; empty: on {@code port}
 * @param portalUrl      the portal's base URL; empty: this server's own URL
 * @param trustedProxies address blocks whose {@code X-Forwarded-For} is believed; empty: none
 * @param publicUrl      this server's public base URL as clients reach it; empty: its own address
 * @param maxRevokedTokensPerTenant how many unexpired revoked token ids one tenant may hold
 * @param drainDelay     how long it still serves, not ready, after it is told to stop
 * @param adminApi       where the admin API's operator part is served
 * @param revocationsReread how often the revocations recorded elsewhere are re-read, should a notification be lost
 * @param meteroidSyncInterval how often connected tenants' customers are synced with Meteroid; zero: never
 */
public record ServerConfig(
        String host,
        int port,
        OptionalInt managementPort,
        LogFormat logFormat,
        DatabaseConfig database,
        Optional<URI> portalUrl,
        Optional<URI> publicUrl,
        String tokenIssuer,
        TokenAudience tokenAudience,
        SigningConfig signing,
        Duration apiKeyCacheTtl,
        Duration customerCacheTtl,
        int maxRevokedTokensPerTenant,
        Duration revocationsReread,
        RateLimitConfig rateLimits,
        List<Cidr> trustedProxies,
        int workerThreads,
        Duration drainDelay,
        AdminApiPort adminApi,
        Duration meteroidSyncInterval) {
}
