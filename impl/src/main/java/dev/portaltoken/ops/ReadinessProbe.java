package dev.portaltoken.ops;

import dev.portaltoken.db.ChangeListener;
import dev.portaltoken.util.BackgroundTasks;
import dev.portaltoken.util.Managed;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this instance can serve tokens: database reachable, migrations applied, signing key
 * loaded, every background task running (one that ended would leave caches or revocations stale for
 * good), and not shutting down ({@link #startDraining()}: a load balancer must stop sending requests
 * before the instance stops accepting them). Whether it hears about changes (its change listener) is
 * reported beside them but does not decide readiness: without it the caches only trust recent
 * entries. The database is probed in the background every {@link #PROBE_INTERVAL} so that
 * {@code /readyz} answers at once, even while the database hangs. Thread-safe.
 */
public final class ReadinessProbe implements Managed {
    static final Duration PROBE_INTERVAL = Duration.ofSeconds(1);
    private static final Logger LOG = LoggerFactory.getLogger(ReadinessProbe.class);

    /**
     * The state of each check at one moment.
     *
     * @param changeListener informational: not part of {@link #ready()}
     * @param stoppedTasks   the background tasks that ended without being stopped; none when all run
     * @param draining       shutting down: not ready, whatever the other checks say
     */
    public record State(boolean database, boolean migrations, boolean signingKey, ChangeListener.Status changeListener,
                        List<String> stoppedTasks, boolean draining) {
        public boolean ready() {
            return database && migrations && signingKey && stoppedTasks.isEmpty() && !draining;
        }

        /** Why it is not ready, the first failing check in the order they depend on each other; empty when it is. */
        public Optional<String> whyNot(String databaseDescription) {
            if (ready()) {
                return Optional.empty();
            }
            return Optional.of(!database ? "database " + databaseDescription + " is unreachable (retrying)"
                    : !migrations ? "database migrations not applied yet"
                    : !signingKey ? "signing keys not loaded yet"
                    : !stoppedTasks.isEmpty() ? "background tasks stopped: " + String.join(", ", stoppedTasks)
                    : "shutting down");
        }
    }

    private final DataSource dataSource;
    private final BooleanSupplier migrated;
    private final BooleanSupplier signingKeyLoaded;
    private final Supplier<ChangeListener.Status> listening;
    private volatile BackgroundTasks tasks;
    private volatile BackgroundTasks.Task prober;
    private volatile boolean databaseReachable;
    private volatile boolean draining;

    /**
     * Probes nothing until started.
     *
     * @param listening whether changes are being heard about (the change listener's status)
     */
    public ReadinessProbe(DataSource dataSource, BooleanSupplier migrated, BooleanSupplier signingKeyLoaded,
                     Supplier<ChangeListener.Status> listening) {
        this.dataSource = dataSource;
        this.migrated = migrated;
        this.signingKeyLoaded = signingKeyLoaded;
        this.listening = listening;
    }

    /** Probes the database now, then every {@link #PROBE_INTERVAL}; every task of {@code tasks} counts. */
    @Override
    public void start(BackgroundTasks tasks) {
        this.tasks = tasks;
        probe();
        this.prober = tasks.every("readiness-probe", PROBE_INTERVAL, PROBE_INTERVAL, this::probe);
    }

    public State state() {
        return new State(databaseReachable, migrated.getAsBoolean(), signingKeyLoaded.getAsBoolean(),
                listening.get(), tasks == null ? List.of() : tasks.stopped(), draining);
    }

    /** From now on the instance reports not ready: it is shutting down. */
    public void startDraining() {
        draining = true;
    }

    private void probe() {
        boolean reachable;
        try (Connection connection = dataSource.getConnection()) {
            reachable = connection.isValid(2);
        } catch (Exception e) {
            reachable = false;
        }
        if (reachable != databaseReachable) {
            LOG.info(reachable ? "database reachable" : "database unreachable");
        }
        databaseReachable = reachable;
    }

    @Override
    public void close() {
        BackgroundTasks.Task task = prober;
        if (task != null) {
            task.close();
        }
    }
}
