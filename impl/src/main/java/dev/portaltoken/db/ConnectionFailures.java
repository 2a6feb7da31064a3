package dev.portaltoken.db;

import dev.portaltoken.config.Urls;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Optional;

/** Tells apart why a connection to PostgreSQL failed: an outage to wait out, or a setting to fix. Stateless. */
final class ConnectionFailures {
    private ConnectionFailures() {
    }

    /**
     * What went wrong, in words, when {@code e} comes from TLS to the database failing: a certificate
     * not signed by the CA of {@code sslrootcert}, one issued for another host name, a server that
     * offers no TLS while {@code sslmode} requires it. These are settings to fix, not an outage to wait
     * out, so start-up stops on them.
     */
    static Optional<String> tls(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            if (t instanceof java.security.cert.CertPathValidatorException
                    || t instanceof java.security.cert.CertPathBuilderException) {
                return Optional.of("TLS refused: the database server's certificate is not signed by a trusted CA"
                        + " (sslrootcert names the CA file; sslmode=verify-full or verify-ca checks it)");
            }
            if (message.contains("could not be verified by hostnameverifier")) {
                return Optional.of("TLS refused: the database server's certificate is not for the host name in the"
                        + " URL (sslmode=verify-full checks it; use the name the certificate was issued for)");
            }
            if (message.contains("does not support SSL")) {
                return Optional.of("TLS refused: the database server does not offer TLS, and sslmode requires it");
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            if (t instanceof javax.net.ssl.SSLException || message.startsWith("Could not open SSL root certificate")
                    || message.startsWith("Could not read SSL root certificate")) {
                return Optional.of("TLS to the database failed: " + Urls.withoutPassword(message.lines().findFirst()
                        .orElse(message)));
            }
        }
        return Optional.empty();
    }

    /** True when {@code e} comes from not reaching the database at all (as opposed to a bad migration or TLS setting). */
    static boolean unreachable(Throwable e) {
        if (tls(e).isPresent()) {
            return false;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof java.net.ConnectException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08")) {
                return true;
            }
        }
        return false;
    }
}
