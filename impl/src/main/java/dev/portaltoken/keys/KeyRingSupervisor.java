package dev.portaltoken.keys;

import com.nimbusds.jose.jwk.JWK;
import dev.portaltoken.config.ConfigException;
import dev.portaltoken.util.BackgroundTasks;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the key ring's life on a server: opens it at start-up when the database is there (a key
 * encryption key that does not open the stored keys then fails start-up), or as soon as the
 * database arrives when it was down at start-up (the instance stays not ready meanwhile), and then
 * maintains and reloads it every interval, so that rotations made elsewhere are picked up.
 */
final class KeyRingSupervisor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KeyRingSupervisor.class);

    /** Opens the ring: checks the key encryption key, creates the first key if needed, loads. */
    interface Opener {
        KeyRing open();
    }

    private final Opener opener;
    private final BooleanSupplier databaseReady;
    private final Loaded<KeyRing> ring = new Loaded<>("the signing keys are not loaded yet");
    private volatile BackgroundTasks.Task refresher;
    private volatile BackgroundTasks.Worker notified;

    KeyRingSupervisor(Opener opener, BooleanSupplier databaseReady) {
        this.opener = opener;
        this.databaseReady = databaseReady;
    }

    /**
     * Opens the ring now if the database is ready (throwing what opening throws), then keeps it fresh
     * as a task of {@code tasks}.
     */
    void start(Duration interval, BackgroundTasks tasks) {
        if (databaseReady.getAsBoolean()) {
            ring.set(opener.open());
        }
        notified = tasks.worker("signing-key-notified");
        refresher = tasks.every("signing-key-refresh", interval, interval, this::tick);
    }

    /** Reloads (reads only) on the notified worker's thread: a change announced by another instance. Never blocks. */
    void reloadSoon() {
        BackgroundTasks.Worker worker = notified;
        if (worker != null) {
            worker.execute(this::reloadNotified);
        }
    }

    private synchronized void reloadNotified() {
        ring.current().ifPresent(KeyRing::reloadQuietly);
    }

    /** Serialised: the periodic refresh and a notified reload never maintain the ring at once. */
    private synchronized void tick() {
        Optional<KeyRing> current = ring.current();
        if (current.isPresent()) {
            current.get().maintainAndReloadQuietly();
            return;
        }
        if (!databaseReady.getAsBoolean()) {
            return;
        }
        try {
            ring.set(opener.open());
            LOG.info("signing keys loaded");
        } catch (ConfigException e) {
            LOG.error("cannot load the signing keys, staying not ready: {}", e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("cannot load the signing keys yet: {}", e.getMessage());
        }
    }

    boolean loaded() {
        return ring.current().isPresent();
    }

    /** @throws IllegalStateException while the keys are not loaded (the instance is not ready) */
    SigningKey signingKey() {
        return ring.get().signingKey();
    }

    /** @throws IllegalStateException while the keys are not loaded (the instance is not ready) */
    TokenVerifier verifier() {
        return ring.get().verifier();
    }

    /** @throws IllegalStateException while the keys are not loaded (the instance is not ready) */
    List<JWK> publishedKeys() {
        return ring.get().publishedKeys();
    }

    @Override
    public void close() {
        BackgroundTasks.Task task = refresher;
        if (task != null) {
            task.close();
        }
        BackgroundTasks.Worker worker = notified;
        if (worker != null) {
            worker.close();
        }
    }
}
