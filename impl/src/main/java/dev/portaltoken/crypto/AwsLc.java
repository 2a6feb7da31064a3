package dev.portaltoken.crypto;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import com.amazon.corretto.crypto.provider.SelfTestStatus;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.Signature;
import java.util.Optional;

/**
 * AWS-LC through Amazon Corretto Crypto Provider (ACCP), loaded on first use and at most once per
 * JVM: its native library is extracted and loaded, and it must pass its own self-tests and offer
 * the two signatures the server needs. The provider is used by name here only; it is never
 * installed as a JVM-wide default. Thread-safe.
 */
final class AwsLc {
    static final String ED25519 = "Ed25519";
    /** ECDSA on P-256 with SHA-256, the signature as R and S of 32 bytes each: the JWS form. */
    static final String ES256 = "SHA256withECDSAinP1363Format";

    private AwsLc() {
    }

    /** The loaded provider and its version, or why it cannot be used. */
    record Status(Optional<Provider> provider, String description) {
    }

    private static final class Loaded {
        static final Status STATUS = load();
    }

    /** The provider, loaded now if this is the first call; empty where it cannot be used. */
    static Status status() {
        return Loaded.STATUS;
    }

    private static Status load() {
        try {
            AmazonCorrettoCryptoProvider accp = AmazonCorrettoCryptoProvider.INSTANCE;
            Throwable loadingError = accp.getLoadingError();
            if (loadingError != null) {
                return unavailable("its native library did not load (" + firstLine(loadingError) + ")");
            }
            SelfTestStatus selfTests = accp.runSelfTests();
            if (selfTests != SelfTestStatus.PASSED) {
                return unavailable("its self-tests did not pass (" + selfTests + ")");
            }
            Signature.getInstance(ED25519, accp);
            Signature.getInstance(ES256, accp);
            return new Status(Optional.of(accp), accp.getAwsLcVersionStr() + " through Amazon Corretto Crypto Provider "
                    + accp.getVersionStr());
        } catch (NoSuchAlgorithmException e) {
            return unavailable("it lacks a signature the server needs (" + firstLine(e) + ")");
        } catch (LinkageError | RuntimeException e) {
            return unavailable(firstLine(e));
        }
    }

    private static Status unavailable(String why) {
        return new Status(Optional.empty(), why);
    }

    private static String firstLine(Throwable t) {
        String text = t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
