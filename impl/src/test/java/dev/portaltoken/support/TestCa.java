package dev.portaltoken.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

/**
 * A certificate authority of a test's own, made with Debian's {@code openssl} in a directory the
 * caller owns (and deletes): its certificate ({@link #certificate()}, what {@code sslrootcert}
 * names) and server certificates it signs for the host names given.
 */
public final class TestCa {
    private static final Duration OPENSSL = Duration.ofSeconds(60);

    /** A certificate and its private key (owner-only), as PEM files. */
    public record Issued(Path certificate, Path key) {
    }

    private final Path dir;
    private final String name;

    private TestCa(Path dir, String name) {
        this.dir = dir;
        this.name = name;
    }

    /** Creates the authority {@code name} in {@code dir} (a self-signed P-256 certificate valid for two days). */
    public static TestCa create(Path dir, String name) {
        Path log = dir.resolve(name + "-openssl.log");
        LocalServices.run(List.of(openssl(), "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", dir.resolve(name + ".key").toString(), "-out", dir.resolve(name + ".crt").toString(),
                "-days", "2", "-subj", "/CN=" + name), log, OPENSSL);
        ownerOnly(dir.resolve(name + ".key"));
        return new TestCa(dir, name);
    }

    /** The authority's certificate. */
    public Path certificate() {
        return dir.resolve(name + ".crt");
    }

    /** A server certificate for {@code dnsNames} (subject alternative names), signed by this authority. */
    public Issued issue(String serverName, String... dnsNames) {
        Path key = dir.resolve(serverName + ".key");
        Path csr = dir.resolve(serverName + ".csr");
        Path certificate = dir.resolve(serverName + ".crt");
        Path extensions = dir.resolve(serverName + ".ext");
        Path log = dir.resolve(serverName + "-openssl.log");
        try {
            Files.writeString(extensions, "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n"
                    + "extendedKeyUsage=serverAuth\nsubjectAltName=" + String.join(",",
                    java.util.Arrays.stream(dnsNames).map(n -> "DNS:" + n).toList()) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LocalServices.run(List.of(openssl(), "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", key.toString(), "-out", csr.toString(), "-subj", "/CN=" + serverName), log, OPENSSL);
        LocalServices.run(List.of(openssl(), "x509", "-req", "-in", csr.toString(), "-CA", certificate().toString(),
                "-CAkey", dir.resolve(name + ".key").toString(), "-CAcreateserial", "-days", "2", "-out",
                certificate.toString(), "-extfile", extensions.toString()), log, OPENSSL);
        ownerOnly(key);
        return new Issued(certificate, key);
    }

    private static String openssl() {
        return LocalServices.installed("/usr/bin/openssl", "openssl").toString();
    }

    private static void ownerOnly(Path file) {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
