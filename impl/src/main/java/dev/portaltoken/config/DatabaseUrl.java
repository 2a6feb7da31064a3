package dev.portaltoken.config;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A PostgreSQL URL as operators are given one: a JDBC URL ({@code jdbc:postgresql://host:5432/db}),
 * or the libpq form that Heroku, Render, Fly and Supabase set
 * ({@code postgres://user:password@host:port/db?sslmode=require}, also {@code postgresql://}), which
 * is converted to the JDBC form: the credentials move out of the URL (percent-decoded), and libpq
 * parameter names become pgjdbc's where they differ. Immutable; {@link #toString()} shows no password.
 *
 * @param jdbcUrl  the JDBC form, without credentials when they came in the user-info part
 * @param user     the user named in the URL's user-info part, if any
 * @param password the password of the URL's user-info part, if any
 */
public record DatabaseUrl(String jdbcUrl, Optional<String> user, Optional<Secret> password) {
    /** libpq parameters whose pgjdbc name differs; the others (sslmode, sslrootcert, options...) are the same. */
    private static final Map<String, String> LIBPQ_TO_PGJDBC = Map.of(
            "application_name", "ApplicationName",
            "connect_timeout", "connectTimeout",
            "target_session_attrs", "targetServerType");
    /** libpq's target_session_attrs values as pgjdbc's targetServerType spells them. */
    private static final Map<String, String> SESSION_ATTRS = Map.of(
            "any", "any", "read-write", "primary", "primary", "primary", "read-only", "secondary",
            "standby", "secondary", "prefer-standby", "preferSecondary");
    /** A host name, an IPv4 address or a bracketed IPv6 address, and an optional port. */
    private static final Pattern HOST_AND_PORT =
            Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9._%-]+)(:[0-9]{1,5})?");

    /** A JDBC URL used as given. */
    public static DatabaseUrl jdbc(String jdbcUrl) {
        return new DatabaseUrl(jdbcUrl, Optional.empty(), Optional.empty());
    }

    /**
     * Reads either form.
     *
     * @throws IllegalArgumentException when it is neither a {@code jdbc:postgresql:} URL nor a
     *                                  {@code postgres(ql)://} URL with a host (the message shows no password)
     */
    public static DatabaseUrl parse(String raw) {
        String url = raw.trim();
        if (url.startsWith("jdbc:postgresql:")) {
            return jdbc(url);
        }
        if (!url.startsWith("postgres://") && !url.startsWith("postgresql://")) {
            throw new IllegalArgumentException("neither jdbc:postgresql: nor postgres://");
        }
        String rest = url.substring(url.indexOf("://") + 3);
        int pathAt = indexOfAny(rest, '/', '?');
        String authority = pathAt < 0 ? rest : rest.substring(0, pathAt);
        String pathAndQuery = pathAt < 0 ? "" : rest.substring(pathAt);
        int at = authority.lastIndexOf('@');
        Optional<String> user = Optional.empty();
        Optional<Secret> password = Optional.empty();
        if (at >= 0) {
            String userInfo = authority.substring(0, at);
            authority = authority.substring(at + 1);
            int colon = userInfo.indexOf(':');
            String name = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            user = name.isEmpty() ? Optional.empty() : Optional.of(name);
            password = colon < 0 ? Optional.empty() : Optional.of(new Secret(decode(userInfo.substring(colon + 1))));
        }
        if (authority.isEmpty()) {
            throw new IllegalArgumentException("no host");
        }
        String path = pathAndQuery;
        String query = "";
        int question = pathAndQuery.indexOf('?');
        if (question >= 0) {
            path = pathAndQuery.substring(0, question);
            query = pathAndQuery.substring(question + 1);
        }
        checkSyntax(authority);
        return new DatabaseUrl("jdbc:postgresql://" + authority + (path.isEmpty() ? "/" : path) + jdbcQuery(query),
                user, password);
    }

    private static void checkSyntax(String authority) {
        for (String host : authority.split(",", -1)) { // several hosts, as libpq and pgjdbc take them
            if (!HOST_AND_PORT.matcher(host).matches()) {
                throw new IllegalArgumentException("not a host and port: " + host);
            }
        }
    }

    private static String jdbcQuery(String query) {
        if (query.isEmpty()) {
            return "";
        }
        List<String> parameters = new ArrayList<>();
        for (String parameter : query.split("&")) {
            if (parameter.isEmpty()) {
                continue;
            }
            int equals = parameter.indexOf('=');
            String name = equals < 0 ? parameter : parameter.substring(0, equals);
            String value = equals < 0 ? "" : parameter.substring(equals + 1);
            if ("target_session_attrs".equals(name)) {
                value = SESSION_ATTRS.getOrDefault(decode(value), value);
            }
            parameters.add(LIBPQ_TO_PGJDBC.getOrDefault(name, name) + (equals < 0 ? "" : "=" + value));
        }
        return parameters.isEmpty() ? "" : "?" + String.join("&", parameters);
    }

    private static int indexOfAny(String text, char a, char b) {
        int first = text.indexOf(a);
        int second = text.indexOf(b);
        return first < 0 ? second : second < 0 ? first : Math.min(first, second);
    }

    private static String decode(String text) {
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return Urls.withoutPassword(jdbcUrl) + user.map(u -> " (user " + u + ")").orElse("");
    }
}
