package dev.portaltoken.metrics;

import dev.portaltoken.token.IssuedTokens;
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
 * (with a latency histogram), tokens minted, authentication failures, rate-limited requests,
 * customer lookups by source, and the JVM's own. HikariCP reports into {@link #registry()} as well. Thread-safe.
 */
public final class Metrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    /** Keeps what function-based meters read reachable for as long as the registry. */
    private final java.util.List<Object> observed = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The methods labelled by name; any other (Grizzly accepts any token as a method) is {@code OTHER}. */
    private static final java.util.Set<String> METHODS =
            java.util.Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");
    /**
     * Built once per method label, route and status: a bounded set (8 method labels, routes are
     * templates or {@code unmatched}, statuses are the server's own), whatever callers send.
     */
    private final java.util.concurrent.ConcurrentMap<RequestKey, Timer> requestTimers =
            new java.util.concurrent.ConcurrentHashMap<>();

    public Metrics() {
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        // Present at 0 from the start, so a dashboard's rate() works before the first event.
        for (String limit : new String[] {"api_key", "auth_failures"}) {
            rateLimitedCounter(limit);
        }
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    /** {@code method} as a label or log value: one of the seven methods by name, else {@code OTHER}. */
    public static String methodLabel(String method) {
        return METHODS.contains(method) ? method : "OTHER";
    }

    /** Records one HTTP request. {@code route} must be a template (bounded), never a raw path. */
    public void request(String method, String route, int status, long nanos) {
        requestTimers.computeIfAbsent(new RequestKey(methodLabel(method), route, status), key -> Timer.builder("http.server.requests")
                        .description("HTTP requests by route template and status")
                        .tags("method", key.method(), "route", key.route(), "status", Integer.toString(key.status()))
                        .serviceLevelObjectives(LATENCY_BUCKETS)
                        .register(registry))
                .record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    private record RequestKey(String method, String route, int status) {
        /* Written out, as Customers' cache key is: a record's own equals and hashCode run through method handles. */
        @Override
        public boolean equals(Object other) {
            return other instanceof RequestKey that && status == that.status && method.equals(that.method)
                    && route.equals(that.route);
        }

        @Override
        public int hashCode() {
            return (31 * method.hashCode() + route.hashCode()) * 31 + status;
        }
    }

    /**
     * The latency histogram's buckets (as Prometheus's default ones, from 1 ms to 10 s): 13 series per
     * method, route and status (with {@code +Inf}) rather than the 70 or so of a percentile
     * histogram over the same range, and a shorter search for every request.
     */
    static final Duration[] LATENCY_BUCKETS = java.util.stream.LongStream.of(
                    1, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000)
            .mapToObj(Duration::ofMillis).toArray(Duration[]::new);

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

    /** Introspections by outcome and revocations by kind. */
    public IssuedTokens.Counters issuedTokens() {
        return new IssuedTokens.Counters(
                introspections("active"), introspections("inactive"), revocations("token"), revocations("customer"));
    }

    private Counter introspections(String result) {
        return Counter.builder("portal.introspections").description("Portal-token introspections by result")
                .tag("result", result).register(registry);
    }

    private Counter revocations(String kind) {
        return Counter.builder("portal.revocations")
                .description("Portal-token revocations: one token, or every token of a customer")
                .tag("kind", kind).register(registry);
    }

    /** Counts refused API-key authentications by reason (missing, malformed, invalid). */
    public void authFailure(String reason) {
        Counter.builder("portal.auth.failures").description("Requests refused for a missing or wrong API key")
                .tag("reason", reason).register(registry).increment();
    }

    /** Counts requests answered 429, by what was limited. */
    public void rateLimited(String limit) {
        rateLimitedCounter(limit).increment();
    }

    private Counter rateLimitedCounter(String limit) {
        return Counter.builder("portal.rate.limited").description("Requests refused by a rate limit")
                .tag("limit", limit).register(registry);
    }

    /**
     * Counts HTTP requests by the thread that ran them: {@code selector} (answered from memory on the
     * thread that read the connection) or {@code worker} (handed to a request thread).
     */
    public Counter requestThreads(String thread) {
        return Counter.builder("portal.http.requests.dispatched")
                .description("HTTP requests by the thread that ran them: selector (answered from memory) or worker")
                .tag("thread", thread).register(registry);
    }

    /**
     * Counts customer lookups of the token endpoint by where they were answered: {@code database}
     * (a query: a miss of the found-customer cache, a refresh, or no cache) or {@code cache}.
     */
    public Counter customerLookups(String source) {
        return Counter.builder("portal.customer.lookups").description("Customer lookups by where they were answered")
                .tag("source", source).register(registry);
    }

    /**
     * Reports the change listener: {@code portal_change_listener_up} (1 while notifications are
     * confirmed to arrive, else 0), {@code portal_change_listener_status{status}} (1 for its current
     * status: {@code ok}, {@code reconnecting} or {@code not_delivering}; 0 for the others) and
     * {@code portal_change_listener_failures_total} (connections lost or not made).
     */
    public void changeListener(java.util.function.Supplier<dev.portaltoken.db.ChangeListener.Status> status,
                               java.util.function.LongSupplier failures) {
        observed.add(failures); // Micrometer holds what a function counter reads only weakly
        observed.add(status);
        io.micrometer.core.instrument.Gauge.builder("portal.change.listener.up",
                        () -> status.get() == dev.portaltoken.db.ChangeListener.Status.OK ? 1 : 0)
                .description("1 while notifications are confirmed to arrive on the connection that listens for changes")
                .register(registry);
        for (dev.portaltoken.db.ChangeListener.Status each : dev.portaltoken.db.ChangeListener.Status.values()) {
            io.micrometer.core.instrument.Gauge.builder("portal.change.listener.status", () -> status.get() == each ? 1 : 0)
                    .description("1 for the change listener's current status (ok, reconnecting, not_delivering)")
                    .tag("status", each.name().toLowerCase(java.util.Locale.ROOT)).register(registry);
        }
        io.micrometer.core.instrument.FunctionCounter.builder("portal.change.listener.failures", failures,
                        f -> (double) f.getAsLong())
                .description("Times the connection that listens for changes was lost or could not be made")
                .register(registry);
    }

    /**
     * Reports what the revocations hold in memory: {@code portal_revocations_token_ids},
     * {@code portal_revocations_customer_cutoffs} and {@code portal_revocations_bytes} (their tables).
     */
    public void revocations(java.util.function.Supplier<dev.portaltoken.token.Revocations.Footprint> footprint) {
        observed.add(footprint);
        io.micrometer.core.instrument.Gauge.builder("portal.revocations.token.ids", () -> footprint.get().tokenIds())
                .description("Revoked token ids held in memory").register(registry);
        io.micrometer.core.instrument.Gauge.builder("portal.revocations.customer.cutoffs",
                        () -> footprint.get().customerCutOffs())
                .description("Customer-wide cut-offs held in memory").register(registry);
        io.micrometer.core.instrument.Gauge.builder("portal.revocations.bytes",
                        () -> footprint.get().tokenBytes() + footprint.get().customerBytes())
                .description("Bytes the revocations' tables take").baseUnit("bytes").register(registry);
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
