package dev.portaltoken.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import dev.portaltoken.api.admin.SigningKeysApi;
import dev.portaltoken.api.admin.model.SigningKey;
import dev.portaltoken.api.admin.model.SigningKeyList;
import dev.portaltoken.api.admin.model.SigningKeyRotate;
import dev.portaltoken.api.admin.model.SigningKeyRotation;
import dev.portaltoken.audit.Actor;
import dev.portaltoken.auth.Caller;
import dev.portaltoken.idempotency.IdempotencyKeys;
import dev.portaltoken.keys.SigningKeyChanges;
import dev.portaltoken.keys.SigningKeys;
import dev.portaltoken.keys.StoredKey;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.ZoneOffset;
import java.util.Optional;

/** {@code /admin/v1/signing-keys}: an admin key lists, rotates and retires the token signing keys. */
final class SigningKeysResource implements SigningKeysApi {
    private static final String BASE = "/admin/v1/signing-keys";

    private final SigningKeyChanges keys;
    private final IdempotencyKeys idempotency;
    private final ObjectMapper json;

    SigningKeysResource(SigningKeyChanges keys, IdempotencyKeys idempotency, ObjectMapper json) {
        this.keys = keys;
        this.idempotency = idempotency;
        this.json = json;
    }

    @Override
    public Response listSigningKeys() {
        CurrentCaller.admin();
        return Response.ok(new SigningKeyList().data(keys.list().stream().map(SigningKeysResource::dto).toList()),
                MediaType.APPLICATION_JSON_TYPE).build();
    }

    @Override
    public Response rotateSigningKey(String idempotencyKey, SigningKeyRotate body) {
        Caller caller = CurrentCaller.admin();
        Optional<JWSAlgorithm> algorithm = Optional.ofNullable(body).map(SigningKeyRotate::getAlg)
                .map(alg -> JWSAlgorithm.parse(alg.toString()));
        return Idempotent.once(idempotency, caller, idempotencyKey, "POST " + BASE + "/rotate\n"
                + algorithm.map(JWSAlgorithm::getName).orElse(""), () -> {
                    SigningKeys.Rotation rotation = keys.rotate(actor(caller), algorithm);
                    return answer(new SigningKeyRotation().kid(rotation.kid())
                            .alg(SigningKeyRotation.AlgEnum.fromValue(rotation.algorithm().getName()))
                            .previousKid(rotation.previousKid().orElse(null))
                            .previousRetiresAt(rotation.previousRetiresAt().map(at -> at.atOffset(ZoneOffset.UTC))
                                    .orElse(null)));
                });
    }

    @Override
    public Response retireSigningKey(String kid, String idempotencyKey) {
        Caller caller = CurrentCaller.admin();
        return Idempotent.once(idempotency, caller, idempotencyKey, "POST " + BASE + "/" + kid + "/retire",
                () -> answer(dto(keys.retire(actor(caller), kid))));
    }

    private IdempotencyKeys.Answer answer(Object dto) {
        return new IdempotencyKeys.Answer(200, Idempotent.json(json, dto), null, null);
    }

    private static Actor actor(Caller caller) {
        return Actor.adminKey(caller.apiKeyId(), caller.name());
    }

    private static SigningKey dto(StoredKey key) {
        return new SigningKey().kid(key.kid()).alg(SigningKey.AlgEnum.fromValue(key.algorithm().getName()))
                .state(SigningKey.StateEnum.fromValue(key.state().dbName()))
                .createdAt(key.createdAt().atOffset(ZoneOffset.UTC))
                .retiresAt(key.retiresAt().map(at -> at.atOffset(ZoneOffset.UTC)).orElse(null));
    }
}
