package dev.portaltoken.keys;

import com.nimbusds.jose.JWSAlgorithm;
import dev.portaltoken.audit.Actor;
import dev.portaltoken.audit.AuditTrail;
import dev.portaltoken.crypto.Signers;
import dev.portaltoken.db.UnitOfWork;
import dev.portaltoken.errors.Failure;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * The signing keys as the admin API and the CLI change them: {@link SigningKeys}' rotation and retirement, each
 * in one transaction with its audit record ({@code signing_key.rotate}, {@code signing_key.retire};
 * kids, algorithms, states and dates, never key material), which a caller's own unit of work (an
 * Idempotency-Key's) joins. Thread-safe.
 */
public final class SigningKeyChanges {
    /** What a kid can be (a JWK thumbprint, base64url); anything else names no key, never a query. */
    private static final Pattern KID = Pattern.compile("[A-Za-z0-9_-]{1,128}");

    private final DataSource dataSource;
    private final SigningKeys keys;
    private final AuditTrail audit;

    /** @param dataSource the pool {@code keys} writes through */
    public SigningKeyChanges(DataSource dataSource, SigningKeys keys) {
        this.dataSource = dataSource;
        this.keys = keys;
        this.audit = new AuditTrail(dataSource);
    }

    /** Every key ever stored, newest first. */
    public List<StoredKey> list() {
        return keys.list();
    }

    /**
     * Makes a new key the active one for {@code algorithm} (empty: the one the server signs with, or
     * EdDSA when that is HS256), as {@link SigningKeys#rotate}.
     *
     * @throws Failure INVALID for an algorithm other than EdDSA and ES256
     */
    public SigningKeys.Rotation rotate(Actor actor, Optional<JWSAlgorithm> algorithm) {
        JWSAlgorithm configured = keys.configuredAlgorithm();
        JWSAlgorithm chosen = algorithm.orElse(Signers.ASYMMETRIC.contains(configured) ? configured : JWSAlgorithm.EdDSA);
        if (!Signers.ASYMMETRIC.contains(chosen)) {
            throw Failure.invalid("alg must be EdDSA or ES256");
        }
        return UnitOfWork.inTransaction(dataSource, c -> {
            SigningKeys.Rotation rotation = keys.rotate(chosen);
            Map<String, Object> after = new LinkedHashMap<>();
            after.put("kid", rotation.kid());
            after.put("alg", rotation.algorithm().getName());
            after.put("state", KeyState.ACTIVE.dbName());
            rotation.previousKid().ifPresent(kid -> after.put("previous_kid", kid));
            rotation.previousRetiresAt().ifPresent(at -> after.put("previous_retires_at", at.toString()));
            audit.record(actor, "signing_key.rotate", null, rotation.kid(), null, after);
            return rotation;
        });
    }

    /**
     * Moves a key one step on, as {@link SigningKeys#retire}.
     *
     * @return the key as it is now
     * @throws Failure NOT_FOUND for no such kid, CONFLICT for a retired key or the only active one
     */
    public StoredKey retire(Actor actor, String kid) {
        if (kid == null || !KID.matcher(kid).matches()) {
            throw Failure.notFound("no signing key with kid '" + kid + "'");
        }
        return UnitOfWork.inTransaction(dataSource, c -> {
            Optional<StoredKey> before = find(kid);
            SigningKeys.Retirement retirement = keys.retire(kid);
            switch (retirement.outcome()) {
                case NOT_FOUND -> throw Failure.notFound("no signing key with kid '" + kid + "'");
                case ALREADY_RETIRED -> throw Failure.conflict("key " + kid + " is already retired");
                case ONLY_ACTIVE -> throw Failure.conflict("key " + kid
                        + " is the only active key and cannot be retired; rotate first (keys rotate,"
                        + " or POST /admin/v1/signing-keys/rotate)");
                default -> {
                }
            }
            StoredKey after = find(kid).orElseThrow();
            audit.record(actor, "signing_key.retire", null, kid, audited(before.orElseThrow()), audited(after));
            return after;
        });
    }

    private Optional<StoredKey> find(String kid) {
        return keys.list().stream().filter(key -> key.kid().equals(kid)).findFirst();
    }

    private static Map<String, Object> audited(StoredKey key) {
        Map<String, Object> audited = new LinkedHashMap<>();
        audited.put("kid", key.kid());
        audited.put("alg", key.algorithm().getName());
        audited.put("state", key.state().dbName());
        key.retiresAt().map(Instant::toString).ifPresent(at -> audited.put("retires_at", at));
        return audited;
    }
}
