package dev.portaltoken.crypto;

import com.nimbusds.jose.JOSEException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;

/** Raw Ed25519 keys (RFC 8032 encodings, as in a JWK) as JDK keys of the SunEC provider. */
final class JdkEd25519 {
    static final String ALGORITHM = "Ed25519";
    /** DER prefixes of a PKCS#8 private key and an X.509 public key for Ed25519 (RFC 8410). */
    private static final byte[] PKCS8_PREFIX = HexFormat.of().parseHex("302e020100300506032b657004220420");
    private static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
    private static final int KEY_BYTES = 32;

    private JdkEd25519() {
    }

    /** The JDK's own provider, named explicitly so that a provider installed later cannot take over. */
    static Provider sunEc() throws JOSEException {
        Provider provider = Security.getProvider("SunEC");
        if (provider == null) {
            throw new JOSEException("the JDK's SunEC provider is not available");
        }
        return provider;
    }

    static PrivateKey privateKey(byte[] seed) throws JOSEException {
        return key("private key", factory -> factory.generatePrivate(new PKCS8EncodedKeySpec(der(PKCS8_PREFIX, seed))));
    }

    static PublicKey publicKey(byte[] encoded) throws JOSEException {
        return key("public key", factory -> factory.generatePublic(new X509EncodedKeySpec(der(X509_PREFIX, encoded))));
    }

    private interface KeyMaker<K> {
        K make(KeyFactory factory) throws GeneralSecurityException, JOSEException;
    }

    private static <K> K key(String what, KeyMaker<K> maker) throws JOSEException {
        try {
            return maker.make(KeyFactory.getInstance(ALGORITHM, sunEc()));
        } catch (GeneralSecurityException e) {
            throw new JOSEException("not an Ed25519 " + what, e);
        }
    }

    private static byte[] der(byte[] prefix, byte[] key) throws JOSEException {
        if (key.length != KEY_BYTES) {
            throw new JOSEException("an Ed25519 key is " + KEY_BYTES + " bytes");
        }
        byte[] out = new byte[prefix.length + key.length];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        System.arraycopy(key, 0, out, prefix.length, key.length);
        return out;
    }
}
