package dev.portaltoken.ops;

import dev.portaltoken.util.BackgroundTasks;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this instance can serve tokens: database reachable, migrations applied, signing key
 * loaded, and every background task running (one that ended would leave caches or revocations
 * stale for good). Whether it hears about changes (its change listener) is reported beside them but
 * does not decide readiness: without it the caches only trust recent entries. The database is
 * probed in the background every {@link #PROBE_INTERVAL} so that {@code /readyz} answers at once,
 * even while the database hangs. Thread-safe.
 */
public final class Readiness implements AutoCloseable {
    static final Duration PROBE_INTERVAL = Duration.ofSeconds(1);
    private static final Logger LOG = LoggerFactory.getLogger(Readiness.class);

    /**
     * The state of each check at one moment.
     *
     * @param changeListener informational: not part of {@link #ready()}
     * @param stoppedTasks   the background tasks that ended without being stopped; none when all run
     */
    public record State(boolean database, boolean migrations, boolean signingKey, boolean changeListener,
                        List<String> stoppedTasks) {
        public boolean ready() {
            return database && migrations && signingKey && stoppedTasks.isEmpty();
        }
    }

    private final DataSource dataSource;
    private final BooleanSupplier migrated;
    private final BooleanSupplier signingKeyLoaded;
    private final BooleanSupplier listening;
    private final BackgroundTasks tasks;
    private final BackgroundTasks.Task prober;
    private volatile boolean databaseReachable;

    /**
     * Probes the database now, then every {@link #PROBE_INTERVAL} as a task of {@code tasks}.
     *
     * @param listening whether changes are being heard about (the change listener is alive)
     */
    public Readiness(DataSource dataSource, BooleanSupplier migrated, BooleanSupplier signingKeyLoaded,
                     BooleanSupplier listening, BackgroundTasks tasks) {
        this.dataSource = dataSource;
        this.migrated = migrated;
        this.signingKeyLoaded = signingKeyLoaded;
        this.listening = listening;
        this.tasks = tasks;
        probe();
        this.prober = tasks.every("readiness-probe", PROBE_INTERVAL, PROBE_INTERVAL, this::probe);
    }

    public State state() {
        return new State(databaseReachable, migrated.getAsBoolean(), signingKeyLoaded.getAsBoolean(),
                listening.getAsBoolean(), tasks.stopped());
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
        prober.close();
    }
}
