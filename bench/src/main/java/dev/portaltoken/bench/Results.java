package dev.portaltoken.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything one run measured, with the plan it ran under, as named JSON: what {@link Report}
 * reads. Times in microseconds or milliseconds as the names say, memory in KiB.
 */
public record Results(Machine machine, Plan plan, List<ServerRun> servers, ServerRun bare, List<Startup> startups,
                      long elapsedS, List<Curve> warmups) {

    public Results {
        warmups = warmups == null ? List.of() : warmups;
    }

    /** Where and how the run happened. */
    public record Machine(String date, String command, String commit, String cpu, int cpus, String ram, String os,
                          String java, String wrk, String loadBefore, String loadAfter, boolean builtByThisRun,
                          Map<String, String> serverSettings) {
    }

    /**
     * One server process and what was measured against it.
     *
     * @param name            e.g. {@code EdDSA}, {@code EdDSA (default JVM flags)}, {@code bare Jersey+Grizzly}
     * @param algorithm       {@code eddsa}, {@code es256}, {@code hs256}; {@code none} for the bare server
     * @param signer          what {@code portal_signer_info} reported, e.g. {@code aws-lc}
     * @param jvmFlags        the JVM flags it was launched with (empty: the JVM's defaults)
     * @param warmupS         seconds of warm-up traffic before the first measured round
     * @param jitQueue        methods still waiting for the JIT compilers after the warm-up (-1: unknown)
     * @param measurements    every wrk run against this server (round 0: warm-up), and the bare server's
     *                        measurements taken in the same rounds
     * @param latencies       the paced latency measurements of this server and, in the same rounds, of the bare
     *                        server (issue 28; empty when none was made)
     */
    public record ServerRun(String name, String algorithm, String signer, String database, List<String> jvmFlags,
                            long startupMs, long rssAfterStartupKb, long peakRssKb, long maxSampledRssKb,
                            long requestLogBytes, long errorLogLines, long warmupS, int jitQueue,
                            List<Measurement> measurements, List<Latency> latencies) {
        public ServerRun {
            latencies = latencies == null ? List.of() : latencies;
        }
    }

    /**
     * One paced run ({@link HttpLoad#paced}): {@code rate} requests per second over {@code connections}
     * connections, latencies counted from when each request was due, in microseconds.
     *
     * @param sendLagP99Us the 99th percentile of the generator's own delay in sending (included in the latencies)
     * @param unfinished   requests still unanswered when the run gave up on them (counted in the latencies
     *                     with the time they had waited)
     * @param load1        the machine's 1-minute load average when the measurement ended
     */
    public record Latency(String scenario, int connections, int round, int rate, long answered, long durationUs,
                          double p50Us, double p90Us, double p99Us, double p999Us, double maxUs, double sendLagP99Us,
                          long errors, long unfinished, double load1) {
        public long allErrors() {
            return errors + unfinished;
        }
    }

    /**
     * Throughput second by second after a launch ({@link HttpLoad#closed}), from the launch on.
     *
     * @param perSecond answers in each second since the launch (0 before the server was ready)
     * @param load1     the machine's 1-minute load average when the curve ended
     */
    public record Curve(String name, String scenario, int connections, long startupMs, List<Long> perSecond,
                        long errors, double load1) {
    }

    /**
     * One wrk run; for the cold scenario also what the server's connection pool did meanwhile (from its
     * {@code hikaricp_*} metrics): how many connections were taken, how long each was held (the lookup's
     * round trip) and waited for, on average; and how many customer lookups read the database and how
     * many queries they made (concurrent lookups share one). Zero elsewhere, and in results written
     * before lookups were counted.
     */
    public record Measurement(String scenario, int connections, int round, long requests, long durationUs,
                              double p50Us, double p99Us, long non2xx, long socketErrors, long timeouts,
                              long poolUses, double poolUseUs, double poolWaitUs, long dbLookups, long dbQueries) {
        Measurement(String scenario, int connections, int round, long requests, long durationUs, double p50Us,
                    double p99Us, long non2xx, long socketErrors, long timeouts) {
            this(scenario, connections, round, requests, durationUs, p50Us, p99Us, non2xx, socketErrors, timeouts, 0, 0, 0,
                    0, 0);
        }

        Measurement withPool(Probe.Pool before, Probe.Pool after) {
            long uses = after.uses() - before.uses();
            return new Measurement(scenario, connections, round, requests, durationUs, p50Us, p99Us, non2xx, socketErrors,
                    timeouts, uses, uses == 0 ? 0 : (after.useSeconds() - before.useSeconds()) * 1e6 / uses,
                    after.acquires() == before.acquires() ? 0 : (after.waitSeconds() - before.waitSeconds()) * 1e6
                            / (after.acquires() - before.acquires()),
                    after.lookups() - before.lookups(), after.queries() - before.queries());
        }

        /** Customer lookups per query to the database; 0 when none was counted. */
        public double batchSize() {
            return dbQueries == 0 ? 0 : (double) dbLookups / dbQueries;
        }

        public double requestsPerSecond() {
            return requests * 1e6 / Math.max(1, durationUs);
        }

        public long errors() {
            return non2xx + socketErrors + timeouts;
        }
    }

    /** Cold launches of one configuration, to the first 200 from the token endpoint. */
    public record Startup(String algorithm, String database, List<Long> millis) {
        /** The database of the production launch's start-ups without its class-data archive: the external one. */
        static final String UNARCHIVED = "external-unarchived";

        /** As the report names its database: "external PostgreSQL", "... without the class-data archive". */
        String described() {
            return database.equals(UNARCHIVED) ? "external PostgreSQL, without the class-data archive"
                    : database + " PostgreSQL";
        }
    }

    static ObjectMapper json() {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    }

    void write(Path file) throws IOException {
        json().writeValue(file.toFile(), this);
    }

    static Results read(Path file) throws IOException {
        return json().readValue(file.toFile(), Results.class);
    }
}
