package dev.portaltoken.http;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import dev.portaltoken.api.KeysApi;
import dev.portaltoken.api.model.JwkSet;
import dev.portaltoken.api.model.PublicJwk;
import java.util.List;
import java.util.function.Supplier;

/** {@code GET /.well-known/jwks.json}: the public keys that verify portal tokens. */
final class JwksResource implements KeysApi {
    private final Supplier<List<JWK>> publicKeys;

    /** @param publicKeys the keys to publish now; must return public keys only */
    JwksResource(Supplier<List<JWK>> publicKeys) {
        this.publicKeys = publicKeys;
    }

    @Override
    public JwkSet getJwks() {
        return new JwkSet(publicKeys.get().stream().map(JwksResource::toPublic).toList());
    }

    static PublicJwk toPublic(JWK jwk) {
        PublicJwk out = new PublicJwk()
                .kty(jwk.getKeyType().getValue())
                .kid(jwk.getKeyID())
                .alg(jwk.getAlgorithm().getName())
                .use(PublicJwk.UseEnum.SIG);
        if (jwk instanceof OctetKeyPair okp) {
            out.crv(okp.getCurve().getName()).x(okp.getX().toString());
        } else if (jwk instanceof ECKey ec) {
            out.crv(ec.getCurve().getName()).x(ec.getX().toString()).y(ec.getY().toString());
        } else {
            throw new IllegalArgumentException("unsupported key type " + jwk.getKeyType());
        }
        return out;
    }
}
