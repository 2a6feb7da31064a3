package dev.portaltoken.meteroid;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portaltoken.db.Bulk;
import dev.portaltoken.db.DataAccessException;
import dev.portaltoken.errors.Failure;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Brings a tenant's customers here in line with its upstream Meteroid, which sends no event for a
 * change, an archive or an unarchive: pages through upstream's unarchived, then archived customers
 * with the tenant's API key, staging each page in the database as it is read (memory holds one page,
 * whatever the number of customers), then applies the whole listing in one transaction
 * ({@link SyncApply}). A failure while listing keeps what was staged: the next run resumes at the page
 * after the last one staged. A failure while applying changes nothing. One run per tenant at a time,
 * across processes. Thread-safe.
 */
public final class CustomerSync {
    /** Told how a run goes; called on the running thread. */
    public interface Progress {
        Progress NONE = new Progress() {
        };

        /** The run resumed a run that stopped after {@code listed} customers. */
        default void resumed(long listed, boolean archived, int page) {
        }

        /** Another page was staged: {@code listed} customers in all so far. */
        default void listed(long listed, boolean archived, int page) {
        }

        /** The listing is complete; {@code listed} customers are applied now. */
        default void applying(long listed) {
        }
    }

    /** The pause before the first retry of a page upstream failed to serve; each next one doubles it. */
    public static final Duration FIRST_RETRY_PAUSE = Duration.ofSeconds(1);

    private final DataSource dataSource;
    private final MeteroidConnections connections;
    private final ConnectionRepository results;
    private final SyncRepository runs;
    private final Duration firstRetryPause;

    /** @param firstRetryPause the pause before retrying a page upstream failed to serve (doubling each time) */
    public CustomerSync(DataSource dataSource, MeteroidConnections connections, Duration firstRetryPause) {
        this.dataSource = dataSource;
        this.connections = connections;
        this.results = new ConnectionRepository(dataSource);
        this.runs = new SyncRepository(dataSource);
        this.firstRetryPause = firstRetryPause;
    }

    /**
     * @param holder who runs it, for the message another run gets meanwhile (e.g. {@code cli on host})
     * @throws Failure NOT_FOUND without a connection or API key, CONFLICT while another run holds the
     *                 tenant's sync, UNAVAILABLE when upstream refuses or fails to answer
     */
    public SyncResult run(UUID tenantId, String holder, Progress progress) throws InterruptedException {
        MeteroidConnections.Upstream upstream = connections.upstream(tenantId);
        String claimant = holder + " " + UUID.randomUUID();
        SyncRepository.Run run = runs.claim(tenantId, claimant).orElseThrow(() -> alreadyRunning(tenantId));
        if (run.resumed()) {
            progress.resumed(run.listed(), run.archived(), run.nextPage());
        }
        try {
            long listed = list(tenantId, claimant, new UpstreamClient(upstream, firstRetryPause), run, progress);
            progress.applying(listed);
            SyncResult result = apply(tenantId, claimant);
            results.recordSync(tenantId, result.summary());
            return result;
        } catch (RuntimeException | InterruptedException e) {
            runs.release(tenantId, claimant);
            results.recordSync(tenantId, "failed: " + (e instanceof Failure ? e.getMessage() : e.getClass().getSimpleName()));
            throw e;
        }
    }

    private long list(UUID tenantId, String claimant, UpstreamClient client, SyncRepository.Run run, Progress progress)
            throws InterruptedException {
        boolean archived = run.archived();
        int page = run.nextPage();
        long listed = run.listed();
        while (true) {
            UpstreamClient.Page read = client.customers(archived, page);
            List<UpstreamCustomer> customers = new ArrayList<>(read.customers().size());
            for (JsonNode json : read.customers()) {
                try {
                    customers.add(UpstreamCustomer.from(json, "id"));
                } catch (Failure e) {
                    throw Failure.unavailable("Meteroid's customer list, page " + page + (archived ? " of archived" : "")
                            + ": " + e.getMessage());
                }
            }
            boolean done = read.last() && archived;
            boolean nextArchived = archived || read.last();
            int nextPage = read.last() ? (archived ? page : 0) : page + 1;
            if (!runs.stage(tenantId, claimant, customers, archived, nextArchived, nextPage)) {
                throw Failure.conflict("this sync was taken over by another run (it made no progress for "
                        + SyncRepository.STALE_AFTER.toMinutes() + " minutes)");
            }
            listed += customers.size();
            progress.listed(listed, archived, page);
            if (done) {
                return listed;
            }
            archived = nextArchived;
            page = nextPage;
        }
    }

    private SyncResult apply(UUID tenantId, String claimant) {
        try (Connection c = dataSource.getConnection()) {
            Bulk.begin(c);
            try {
                SyncResult result = SyncApply.apply(c, tenantId);
                SyncRepository.finish(c, tenantId, claimant);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                Bulk.rollback(c, e);
                throw e;
            }
        } catch (SQLException e) {
            throw new DataAccessException(e);
        }
    }

    private Failure alreadyRunning(UUID tenantId) {
        return runs.heldBy(tenantId)
                .map(h -> Failure.conflict("a sync of this tenant is running (" + h.holder().replaceFirst(" [0-9a-f-]{36}$", "")
                        + ", since " + DateTimeFormatter.ISO_INSTANT.format(h.startedAt()) + "); try again when it is done"))
                .orElseGet(() -> Failure.conflict("a sync of this tenant is running; try again when it is done"));
    }
}
