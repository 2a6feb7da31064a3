package dev.portaltoken.idempotency;

import dev.portaltoken.db.UnitOfWork;
import dev.portaltoken.errors.Failure;
import dev.portaltoken.util.BackgroundTasks;
import dev.portaltoken.util.Managed;
import java.time.Duration;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * {@code Idempotency-Key} with Stripe's semantics: the first successful answer to a request made with
 * a key is kept 24 hours, per API key that made it; the same key with the same request replays that
 * answer, with another request it is refused. The key is claimed in the transaction of the change
 * itself ({@link UnitOfWork}), so the change, its audit record and its answer commit together or not
 * at all; a second request with the same key waits for the first to commit (then replays its answer)
 * or roll back (then runs). A failed request keeps nothing: it may be retried with the same key.
 * Started, it deletes the answers older than 24 hours every hour (an expired key is taken over by a
 * new request in any case). Thread-safe.
 */
public final class IdempotencyKeys implements Managed {
    private static final Duration EXPIRY_INTERVAL = Duration.ofHours(1);

    /** What a key may be: 1 to 255 visible ASCII characters (a UUID, say). */
    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7e]{1,255}");

    private final DataSource dataSource;
    private final IdempotencyRepository repository;
    private volatile BackgroundTasks.Task expiry;

    public IdempotencyKeys(DataSource dataSource) {
        this.dataSource = dataSource;
        this.repository = new IdempotencyRepository(dataSource);
    }

    /**
     * An answer as kept and replayed.
     *
     * @param body     the JSON body as sent
     * @param location the {@code Location} header; null for none
     * @param etag     the {@code ETag} header; null for none
     */
    public record Answer(int status, String body, String location, String etag) {
    }

    /** An answer, and whether it is the replay of an earlier one. */
    public record Outcome(Answer answer, boolean replayed) {
    }

    /**
     * Runs {@code work} once per key: without a key at once, with one in a transaction that claims the
     * key first and keeps the answer.
     *
     * @param apiKeyId      the key that made the request (keys are per caller)
     * @param key           the request's {@code Idempotency-Key}; null for none
     * @param requestSha256 the SHA-256 of what identifies the request (method, path, body)
     * @throws Failure INVALID for a malformed key, REUSED when it was used for another request
     */
    public Outcome once(UUID apiKeyId, String key, byte[] requestSha256, Supplier<Answer> work) {
        return once(apiKeyId, key, requestSha256, work, UnaryOperator.identity());
    }

    /**
     * As {@link #once(UUID, String, byte[], Supplier)}, keeping {@code toKeep} of the answer for replays:
     * an answer that carries a secret (a new key) is kept without it, so a replay never shows it.
     */
    public Outcome once(UUID apiKeyId, String key, byte[] requestSha256, Supplier<Answer> work,
                        UnaryOperator<Answer> toKeep) {
        if (key == null) {
            return new Outcome(work.get(), false);
        }
        if (!KEY.matcher(key).matches()) {
            throw Failure.invalid("Idempotency-Key must be 1 to 255 visible ASCII characters");
        }
        return UnitOfWork.inTransaction(dataSource, c -> {
            if (!repository.claim(apiKeyId, key, requestSha256)) {
                Optional<IdempotencyRepository.Kept> kept = repository.find(apiKeyId, key);
                if (kept.isPresent()) {
                    if (!MessageDigest.isEqual(kept.get().requestSha256(), requestSha256)) {
                        throw Failure.reused("Idempotency-Key '" + key + "' was used for another request in the last"
                                + " 24 hours; use a new key for a new request");
                    }
                    return new Outcome(kept.get().answer(), true);
                }
                // expired and removed meanwhile: claim it afresh
                repository.claim(apiKeyId, key, requestSha256);
            }
            Answer answer = work.get();
            repository.keep(apiKeyId, key, toKeep.apply(answer));
            return new Outcome(answer, false);
        });
    }

    /** Forgets the answers older than 24 hours. @return how many */
    public int expire() {
        return repository.expire();
    }

    @Override
    public void start(BackgroundTasks tasks) {
        expiry = tasks.every("idempotency-key-expiry", EXPIRY_INTERVAL, EXPIRY_INTERVAL, this::expire);
    }

    @Override
    public void close() {
        BackgroundTasks.Task task = expiry;
        if (task != null) {
            task.close();
        }
    }
}
