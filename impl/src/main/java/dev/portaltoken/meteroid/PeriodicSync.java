package dev.portaltoken.meteroid;

import dev.portaltoken.errors.Failure;
import dev.portaltoken.keys.SecretBox;
import dev.portaltoken.util.BackgroundTasks;
import dev.portaltoken.util.Managed;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's periodic customer sync: every interval, each tenant with a Meteroid API key is synced
 * in turn ({@link CustomerSync}); a tenant whose sync another instance or the CLI holds is skipped
 * this time, and a failure is logged (without a secret) and retried next time. Also forgets the
 * webhook message ids older than a day, hourly. Starts nothing until the lifecycle starts it.
 */
public final class PeriodicSync implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(PeriodicSync.class);

    private final ConnectionRepository connections;
    private final MeteroidWebhooks webhooks;
    private final CustomerSync sync;
    private final Duration interval;
    private final List<BackgroundTasks.Task> tasks = new ArrayList<>();

    /**
     * @param secrets  opens the stored API keys (resolved when first needed)
     * @param interval zero: no periodic sync (the message ids are still forgotten)
     */
    public PeriodicSync(DataSource dataSource, MeteroidWebhooks webhooks, Supplier<SecretBox> secrets, Duration interval) {
        this.connections = new ConnectionRepository(dataSource);
        this.webhooks = webhooks;
        this.sync = new CustomerSync(dataSource, new MeteroidConnections(dataSource, secrets), CustomerSync.FIRST_RETRY_PAUSE);
        this.interval = interval;
    }

    @Override
    public synchronized void start(BackgroundTasks background) {
        tasks.add(background.every("meteroid-webhook-ids", Duration.ofMinutes(1), Duration.ofHours(1),
                webhooks::forgetOldMessages));
        if (!interval.isZero()) {
            tasks.add(background.every("meteroid-sync", interval, interval, this::syncAll));
        }
    }

    /** Syncs every tenant with a Meteroid API key once, in turn. */
    void syncAll() {
        for (Connection connection : connections.withApiKey()) {
            syncOne(connection.tenantId());
        }
    }

    private void syncOne(UUID tenantId) {
        try {
            SyncResult result = sync.run(tenantId, "server pid " + ProcessHandle.current().pid(), CustomerSync.Progress.NONE);
            LOG.info("customer sync of tenant {} with Meteroid: {}", tenantId, result.summary());
        } catch (Failure e) {
            if (e.kind() == Failure.Kind.CONFLICT) {
                LOG.info("customer sync of tenant {} skipped this time: {}", tenantId, e.getMessage());
            } else {
                LOG.warn("customer sync of tenant {} failed; retried at the next interval: {}", tenantId, e.getMessage());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("customer sync of tenant {} failed; retried at the next interval", tenantId, e);
        }
    }

    @Override
    public synchronized void close() {
        for (BackgroundTasks.Task task : tasks) {
            task.close();
        }
        tasks.clear();
    }
}
