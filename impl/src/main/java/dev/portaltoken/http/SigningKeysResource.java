package dev.portaltoken.http;

import com.nimbusds.jose.JWSAlgorithm;
import dev.portaltoken.api.admin.SigningKeysApi;
import dev.portaltoken.api.admin.model.SigningKey;
import dev.portaltoken.api.admin.model.SigningKeyList;
import dev.portaltoken.api.admin.model.SigningKeyRotate;
import dev.portaltoken.api.admin.model.SigningKeyRotation;
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
    private final Answers answers;

    SigningKeysResource(SigningKeyChanges keys, Answers answers) {
        this.keys = keys;
        this.answers = answers;
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
        return answers.once(caller, idempotencyKey, "POST " + BASE + "/rotate",
                algorithm.map(JWSAlgorithm::getName).orElse(null), () -> {
                    SigningKeys.Rotation rotation = keys.rotate(Answers.actor(caller), algorithm);
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
        return answers.once(caller, idempotencyKey, "POST " + BASE + "/" + kid + "/retire", null,
                () -> answer(dto(keys.retire(Answers.actor(caller), kid))));
    }

    private IdempotencyKeys.Answer answer(Object dto) {
        return answers.answer(200, dto, null, null);
    }

    private static SigningKey dto(StoredKey key) {
        return new SigningKey().kid(key.kid()).alg(SigningKey.AlgEnum.fromValue(key.algorithm().getName()))
                .state(SigningKey.StateEnum.fromValue(key.state().dbName()))
                .createdAt(key.createdAt().atOffset(ZoneOffset.UTC))
                .retiresAt(key.retiresAt().map(at -> at.atOffset(ZoneOffset.UTC)).orElse(null));
    }
}
