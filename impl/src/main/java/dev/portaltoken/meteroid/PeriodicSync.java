package dev.portaltoken.meteroid;

import dev.portaltoken.errors.Failure;
import dev.portaltoken.util.BackgroundTasks;
import java.time.Duration;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's periodic customer sync: every interval, each tenant with a Meteroid API key is synced
 * in turn ({@link CustomerSync}); a tenant whose sync another instance or the CLI holds is skipped
 * this time, and a failure is logged (without a secret) and retried next time. Also forgets the
 * webhook message ids older than a day, hourly.
 */
public final class PeriodicSync {
    private static final Logger LOG = LoggerFactory.getLogger(PeriodicSync.class);

    private PeriodicSync() {
    }

    /** @param interval zero: no periodic sync (the message ids are still forgotten) */
    public static void start(DataSource dataSource, MeteroidWebhooks webhooks,
                             CustomerSync sync, Duration interval, BackgroundTasks tasks) {
        tasks.every("meteroid-webhook-ids", Duration.ofMinutes(1), Duration.ofHours(1), webhooks::forgetOldMessages);
        if (interval.isZero()) {
            return;
        }
        ConnectionRepository repository = new ConnectionRepository(dataSource);
        tasks.every("meteroid-sync", interval, interval, () -> {
            for (Connection connection : repository.withApiKey()) {
                syncOne(sync, connection.tenantId());
            }
        });
    }

    private static void syncOne(CustomerSync sync, UUID tenantId) {
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
}
