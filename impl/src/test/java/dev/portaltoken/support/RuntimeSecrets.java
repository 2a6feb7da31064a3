package dev.portaltoken.support;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import dev.portaltoken.config.Setting;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Every secret the tests create or receive at run time (API key secrets, key encryption keys, the
 * private halves of signing keys in each encoding they could be printed in, secret settings), noted
 * for the log scan ({@code security.LogScanIT}), which runs in another JVM after all other tests and
 * looks for each in every captured log line.
 *
 * <p>A secret is never written out whole: each line of {@code <portal.runtime.secrets>/<pid>.tsv}
 * (default {@code target/runtime-secrets}) holds its kind, length, first {@value #PREFIX} characters
 * and SHA-256. The scan finds candidates by the prefix and confirms them by the hash. The
 * TypeScript suite writes the same format. Thread-safe.
 */
public final class RuntimeSecrets {
    /** Characters of each secret kept in clear, to find candidates quickly. */
    public static final int PREFIX = 6;
    /** Shorter values are not secrets worth a finding (and would match by chance). */
    public static final int MIN_LENGTH = 16;
    private static final Pattern API_KEY = Pattern.compile("pt_(?:live|admin|portal)_([A-Za-z0-9]{43})/");
    private static final Path FILE = Path.of(System.getProperty("portal.runtime.secrets", "target/runtime-secrets"))
            .resolve(ProcessHandle.current().pid() + ".tsv");

    private RuntimeSecrets() {
    }

    /** Notes {@code value} as a secret of {@code kind} (a few words, no tab). */
    public static synchronized void record(String kind, String value) {
        if (value == null || value.length() < MIN_LENGTH) {
            return;
        }
        String line = kind + "\t" + value.length() + "\t" + value.substring(0, PREFIX) + "\t" + sha256(value) + "\n";
        try {
            Files.createDirectories(FILE.getParent());
            Files.writeString(FILE, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Notes the secret part of every API, admin and portal key in {@code text} (what a command printed). */
    public static void recordApiKeysIn(String text) {
        Matcher m = API_KEY.matcher(text == null ? "" : text);
        while (m.find()) {
            record("API key secret", m.group(1));
        }
    }

    /** Notes the values of the secret settings ({@code PORTAL_JWT_SECRET}, ...) among {@code env}. */
    public static void recordSecretSettings(Map<String, String> env) {
        for (Setting<?> setting : Setting.values()) {
            if (setting.secret() && env.get(setting.env()) != null) {
                record(setting.env(), env.get(setting.env()).strip());
            }
        }
    }

    /** Notes a base64 key encryption key and its other encodings (unpadded, URL-safe, hex). */
    public static void recordKeyEncryptionKey(String base64) {
        String key = base64.strip();
        byte[] bytes = Base64.getDecoder().decode(key);
        record("key encryption key", key);
        recordBytes("key encryption key", bytes);
    }

    /** Notes the generated key encryption key in {@code dataDir}, if there is one. */
    public static void recordKeyEncryptionKeyIn(Path dataDir) {
        Path file = dataDir.resolve("key-encryption-key");
        if (Files.isRegularFile(file)) {
            try {
                recordKeyEncryptionKey(Files.readString(file, StandardCharsets.US_ASCII));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * Opens every stored signing key with the key encryption key (AES-256-GCM, the key's kid as
     * associated data, as the README describes the storage) and notes its private half.
     *
     * @param base64Kek the key encryption key the keys were sealed with
     * @return how many private keys were noted
     */
    public static int recordSigningKeys(Connection connection, String base64Kek) throws SQLException {
        List<JWK> keys = signingKeys(connection, base64Kek);
        keys.forEach(RuntimeSecrets::recordPrivateKey);
        return keys.size();
    }

    /**
     * The private halves of the stored signing keys that {@code base64Kek} opens (tests sign tokens
     * with them that the server would never issue), each noted as a secret for the log scan.
     */
    public static List<JWK> signingKeys(Connection connection, String base64Kek) throws SQLException {
        byte[] kek = Base64.getDecoder().decode(base64Kek.strip());
        List<JWK> opened = new java.util.ArrayList<>();
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT kid, private_key_nonce, private_key_sealed FROM signing_key WHERE private_key_sealed IS NOT NULL")) {
            while (rs.next()) {
                open(kek, rs.getString(1), rs.getBytes(2), rs.getBytes(3)).ifPresent(jwk -> {
                    recordPrivateKey(jwk);
                    opened.add(jwk);
                });
            }
        }
        return opened;
    }

    /** Notes a private JWK's secret in every encoding it could be printed in. */
    public static void recordPrivateKey(JWK jwk) {
        try {
            if (jwk instanceof OctetKeyPair okp && okp.getD() != null) {
                byte[] d = okp.getD().decode();
                recordBytes("Ed25519 private key", d);
                // PKCS#8 (RFC 8410): the body of a PEM "PRIVATE KEY", one 64-character line.
                byte[] prefix = HexFormat.of().parseHex("302e020100300506032b657004220420");
                byte[] pkcs8 = new byte[prefix.length + d.length];
                System.arraycopy(prefix, 0, pkcs8, 0, prefix.length);
                System.arraycopy(d, 0, pkcs8, prefix.length, d.length);
                recordPem("Ed25519 private key (PKCS#8)", pkcs8);
            } else if (jwk instanceof ECKey ec && ec.getD() != null) {
                recordBytes("P-256 private key", ec.getD().decode());
                recordPem("P-256 private key (PKCS#8)", ec.toECPrivateKey().getEncoded());
            }
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void recordBytes(String kind, byte[] bytes) {
        record(kind + " (base64url)", Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
        record(kind + " (base64)", Base64.getEncoder().withoutPadding().encodeToString(bytes));
        record(kind + " (hex)", HexFormat.of().formatHex(bytes));
        record(kind + " (HEX)", HexFormat.of().formatHex(bytes).toUpperCase(Locale.ROOT));
    }

    /** The base64 of DER, whole and as the 64-character lines of a PEM block. */
    private static void recordPem(String kind, byte[] der) {
        String base64 = Base64.getEncoder().encodeToString(der);
        record(kind, base64);
        for (int i = 0; i < base64.length(); i += 64) {
            record(kind + " (PEM line)", base64.substring(i, Math.min(base64.length(), i + 64)));
        }
    }

    private static Optional<JWK> open(byte[] kek, String kid, byte[] nonce, byte[] sealed) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(kek, "AES"), new GCMParameterSpec(128, nonce));
            cipher.updateAAD(kid.getBytes(StandardCharsets.UTF_8));
            return Optional.of(JWK.parse(new String(cipher.doFinal(sealed), StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException | java.text.ParseException e) {
            return Optional.empty(); // sealed under another key encryption key (a test of exactly that)
        }
    }

    public static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
