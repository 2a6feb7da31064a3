package dev.portaltoken.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import dev.portaltoken.config.ConfigException;
import dev.portaltoken.config.Secret;
import dev.portaltoken.config.Setting;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.text.ParseException;
import java.util.Optional;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the signing key at start-up: HS256 with {@code PORTAL_JWT_SECRET} when set, else the
 * Ed25519 JWK in {@code PORTAL_SIGNING_KEY}, else an Ed25519 key generated once into
 * {@code <data-dir>/signing-key.jwk} (owner-only permissions).
 */
public final class SigningKeys {
    static final String KEY_FILE = "signing-key.jwk";
    private static final Logger LOG = LoggerFactory.getLogger(SigningKeys.class);

    private SigningKeys() {
    }

    public static SigningKey load(Optional<Secret> jwtSecret, Optional<Secret> signingKeyJwk, Path dataDir) {
        if (jwtSecret.isPresent()) {
            return hmac(jwtSecret.get().reveal().getBytes(StandardCharsets.UTF_8));
        }
        if (signingKeyJwk.isPresent()) {
            return ed25519(parse(signingKeyJwk.get().reveal(), Setting.SIGNING_KEY.env()));
        }
        return ed25519(loadOrGenerate(dataDir.resolve(KEY_FILE)));
    }

    static SigningKey hmac(byte[] secret) {
        try {
            // A kid that names the secret without revealing anything usable about it.
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(concat("kid:".getBytes(StandardCharsets.UTF_8), secret));
            String kid = "hs256-" + Base64URL.encode(digest).toString().substring(0, 16);
            return new SigningKey(JWSAlgorithm.HS256, kid, new MACSigner(secret), Optional.empty());
        } catch (JOSEException | NoSuchAlgorithmException e) {
            throw new ConfigException(Setting.JWT_SECRET.env() + ": unusable as an HS256 key");
        }
    }

    static SigningKey ed25519(OctetKeyPair key) {
        JWK publicJwk = new OctetKeyPair.Builder(key.toPublicJWK())
                .algorithm(JWSAlgorithm.EdDSA)
                .keyUse(KeyUse.SIGNATURE)
                .keyID(key.getKeyID())
                .build();
        return new SigningKey(JWSAlgorithm.EdDSA, key.getKeyID(),
                new BouncyCastleEd25519Signer(key.getDecodedD()), Optional.of(publicJwk));
    }

    /** A new Ed25519 key pair as a private JWK, its kid the RFC 7638 thumbprint. */
    public static OctetKeyPair generateEd25519() {
        Ed25519PrivateKeyParameters privateKey = new Ed25519PrivateKeyParameters(new SecureRandom());
        try {
            return new OctetKeyPair.Builder(Curve.Ed25519,
                    Base64URL.encode(privateKey.generatePublicKey().getEncoded()))
                    .d(Base64URL.encode(privateKey.getEncoded()))
                    .algorithm(JWSAlgorithm.EdDSA)
                    .keyUse(KeyUse.SIGNATURE)
                    .keyIDFromThumbprint()
                    .build();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot compute a JWK thumbprint", e);
        }
    }

    private static OctetKeyPair loadOrGenerate(Path file) {
        try {
            if (Files.exists(file)) {
                return parse(Files.readString(file), file.toString());
            }
            Files.createDirectories(file.getParent());
            OctetKeyPair key = generateEd25519();
            Path temp = Files.createTempFile(file.getParent(), KEY_FILE, ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(temp, key.toJSONString());
            try {
                Files.move(temp, file); // never replaces a key another process wrote first
                LOG.info("generated a new Ed25519 signing key (kid {}) in {}", key.getKeyID(), file);
                return key;
            } catch (FileAlreadyExistsException e) {
                Files.delete(temp);
                return parse(Files.readString(file), file.toString());
            }
        } catch (IOException e) {
            throw new ConfigException("cannot read or create the signing key " + file + ": " + e.getMessage());
        }
    }

    private static OctetKeyPair parse(String json, String source) {
        try {
            JWK jwk = JWK.parse(json);
            if (jwk instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve()) && okp.isPrivate()) {
                if (okp.getKeyID() != null) {
                    return okp;
                }
                return new OctetKeyPair.Builder(okp).keyIDFromThumbprint().build();
            }
        } catch (ParseException | JOSEException e) {
            // reported below, without the key material
        }
        throw new ConfigException(source + ": not an Ed25519 private key in JWK form (kty OKP, crv Ed25519, with d)");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
