package dev.portaltoken.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;

/**
 * The server's meters, registered once in a Prometheus registry: HTTP requests by route and status
 * (with a latency histogram), tokens minted, authentication failures, rate-limited requests, and
 * the JVM's own. HikariCP reports into {@link #registry()} as well. Thread-safe.
 */
public final class Metrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    /** Built once per method, route and status: a bounded set, since routes are templates. */
    private final java.util.concurrent.ConcurrentMap<RequestKey, Timer> requestTimers =
            new java.util.concurrent.ConcurrentHashMap<>();

    public Metrics() {
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    /** Records one HTTP request. {@code route} must be a template (bounded), never a raw path. */
    public void request(String method, String route, int status, long nanos) {
        requestTimers.computeIfAbsent(new RequestKey(method, route, status), key -> Timer.builder("http.server.requests")
                        .description("HTTP requests by route template and status")
                        .tags("method", key.method(), "route", key.route(), "status", Integer.toString(key.status()))
                        .publishPercentileHistogram()
                        .minimumExpectedValue(Duration.ofMillis(1))
                        .maximumExpectedValue(Duration.ofSeconds(10))
                        .register(registry))
                .record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    private record RequestKey(String method, String route, int status) {
    }

    /**
     * Publishes {@code portal_signer_info{signer, alg} 1}: which implementation signs the tokens of
     * algorithm {@code alg} ({@code jdk} for HS256, the JDK's HMAC). Call once.
     */
    public void signer(String signer, String alg) {
        io.micrometer.core.instrument.Gauge.builder("portal.signer.info", () -> 1)
                .description("The implementation that signs portal tokens, and their algorithm")
                .tags("signer", signer, "alg", alg).register(registry);
    }

    /** Counts minted tokens by signing algorithm. */
    public Counter tokensMinted(String algorithm) {
        return Counter.builder("portal.tokens.minted").description("Portal tokens minted")
                .tag("alg", algorithm).register(registry);
    }

    /** Counts refused API-key authentications by reason (missing, malformed, invalid). */
    public void authFailure(String reason) {
        Counter.builder("portal.auth.failures").description("Requests refused for a missing or wrong API key")
                .tag("reason", reason).register(registry).increment();
    }

    /** Counts requests answered 429, by what was limited. */
    public void rateLimited(String limit) {
        Counter.builder("portal.rate.limited").description("Requests refused by a rate limit")
                .tag("limit", limit).register(registry).increment();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
