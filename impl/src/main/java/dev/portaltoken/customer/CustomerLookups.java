package dev.portaltoken.customer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Looks customers up in the database, coalescing concurrent lookups into shared queries ("natural
 * batching"), so that under load one round trip and one statement answer many requests.
 *
 * <p>No lookup waits for company: while fewer than {@code maxInFlight} queries run, a lookup's query
 * is sent at once, with only its own key. Lookups that arrive while every slot is taken queue up;
 * when a query ends, its slot passes to the oldest queued lookup, which sends one query for itself
 * and everything queued behind it (at most {@code maxBatch} keys).
 *
 * <p>Invariant: a key never joins a query that was already sent. A key is queued before any query
 * that carries it is sent, so that query starts after its caller read the cache's generation (see
 * {@link dev.portaltoken.cache.GuardedCache}): a change whose invalidation ran before that read was
 * committed before the query began, and one invalidated after it makes the cache refuse the answer.
 *
 * <p>No thread of its own: the requesting threads run the queries (leader and followers). A query's
 * failure fails exactly the lookups it carried, with its exception; later lookups send new queries.
 * Waiting for an answer is not interruptible (the interrupt is kept), since a waiting lookup may be
 * handed a slot that others depend on. Thread-safe.
 */
final class CustomerLookups {
    /** Queries sent at once at most: a slow query does not stall every lookup, nor do lookups take the whole pool. */
    static final int MAX_IN_FLIGHT = 2;
    /** Keys per query at most. */
    static final int MAX_BATCH = 128;

    /** Reads customers from the database. */
    @FunctionalInterface
    interface Query {
        /** The unarchived customers among {@code keys}, by key; keys with none are absent from the map. */
        Map<CustomerKey, UUID> findActive(Set<CustomerKey> keys);
    }

    private final Query query;
    private final Runnable queried;
    private final int maxInFlight;
    private final int maxBatch;
    private final Object lock = new Object();
    /** Lookups waiting for a slot, oldest first. Guarded by {@link #lock}. */
    private final ArrayDeque<Waiter> queued = new ArrayDeque<>();
    /** Slots taken: queries running, or handed to a queued lookup that is about to send one. Guarded by {@link #lock}. */
    private int inFlight;

    /** @param queried run before every query sent; must be quick and thread-safe */
    CustomerLookups(CustomerRepository repository, Runnable queried) {
        this(repository::findActive, queried, MAX_IN_FLIGHT, MAX_BATCH);
    }

    CustomerLookups(Query query, Runnable queried, int maxInFlight, int maxBatch) {
        this.query = query;
        this.queried = queried;
        this.maxInFlight = maxInFlight;
        this.maxBatch = maxBatch;
    }

    /**
     * The id of the tenant's unarchived customer {@code key} names, if there is one. Blocks until the
     * query that carries {@code key} has answered.
     *
     * @throws dev.portaltoken.db.DataAccessException the failure of that query (every lookup it carried
     *                                                 gets the same one)
     */
    Optional<UUID> find(CustomerKey key) {
        Waiter waiter = new Waiter(key);
        boolean leads;
        synchronized (lock) {
            leads = inFlight < maxInFlight;
            if (leads) {
                inFlight++;
            } else {
                queued.add(waiter);
            }
        }
        if (leads || waiter.awaitTurn()) {
            lead(waiter);
        }
        return waiter.outcome();
    }

    /** Lookups waiting for a slot now (for tests and diagnostics). */
    int queued() {
        synchronized (lock) {
            return queued.size();
        }
    }

    /** With a slot taken: sends one query for {@code first} and what is queued, then passes the slot on. */
    private void lead(Waiter first) {
        List<Waiter> batch = new ArrayList<>();
        batch.add(first);
        synchronized (lock) {
            while (batch.size() < maxBatch && !queued.isEmpty()) {
                batch.add(queued.poll());
            }
        }
        try {
            send(batch);
        } finally {
            Waiter next;
            synchronized (lock) {
                next = queued.poll();
                if (next == null) {
                    inFlight--;
                }
            }
            if (next != null) {
                next.takeTurn();
            }
        }
    }

    private void send(List<Waiter> batch) {
        Set<CustomerKey> keys = new LinkedHashSet<>();
        batch.forEach(waiter -> keys.add(waiter.key));
        Map<CustomerKey, UUID> found;
        try {
            queried.run();
            found = query.findActive(keys);
        } catch (RuntimeException | Error e) {
            batch.forEach(waiter -> waiter.fail(e));
            return;
        }
        batch.forEach(waiter -> waiter.found(found.get(waiter.key)));
    }

    /** One lookup: its key, then its turn to send a query or its answer. Thread-safe. */
    private static final class Waiter {
        private final CustomerKey key;
        private boolean turn;
        private boolean answered;
        private UUID found;
        private Throwable failure;

        Waiter(CustomerKey key) {
            this.key = key;
        }

        synchronized void takeTurn() {
            turn = true;
            notifyAll();
        }

        synchronized void found(UUID id) {
            found = id;
            answered = true;
            notifyAll();
        }

        synchronized void fail(Throwable e) {
            failure = e;
            answered = true;
            notifyAll();
        }

        /** Waits until answered (false) or handed a slot (true). */
        synchronized boolean awaitTurn() {
            boolean interrupted = false;
            while (!answered && !turn) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            return turn;
        }

        /** What the query that carried this lookup answered; once answered. */
        synchronized Optional<UUID> outcome() {
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            if (failure instanceof Error e) {
                throw e;
            }
            return Optional.ofNullable(found);
        }
    }
}
