package dev.portaltoken.config;

import dev.portaltoken.crypto.SignerProvider;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * How a setting's text becomes its value, and the rule it follows, written once: the rule completes
 * "must be ..." in error messages and "Must be ..." in the help text and docs/configuration.md. Immutable.
 *
 * @param rule  what is accepted, e.g. {@code a whole number from 1 to 30}; empty for any text
 * @param parse the conversion; throws {@link Rejected} for a value outside the rule
 */
record Parser<T>(String rule, Function<String, T> parse) {

    /** A value outside the rule; {@code shown} is the offending part when it is not the whole value. */
    static final class Rejected extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Optional<String> shown;

        Rejected(Optional<String> shown) {
            super(null, null, false, false);
            this.shown = shown;
        }

        Optional<String> shown() {
            return shown;
        }
    }

    private static Rejected rejected() {
        return new Rejected(Optional.empty());
    }

    static Parser<String> text() {
        return new Parser<>("", String::trim);
    }

    static Parser<Integer> integer(int min, int max) {
        return new Parser<>("a whole number from " + min + " to " + max, raw -> {
            try {
                int value = Integer.parseInt(raw.trim());
                if (value >= min && value <= max) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // rejected below
            }
            throw rejected();
        });
    }

    static Parser<Duration> seconds(int min, int max) {
        Parser<Integer> whole = integer(min, max);
        return new Parser<>("a whole number of seconds from " + min + " to " + max,
                raw -> Duration.ofSeconds(whole.parse().apply(raw)));
    }

    /** One of {@code choices} by name, ignoring case. */
    static <T> Parser<T> oneOf(Map<String, T> choices) {
        List<String> names = new ArrayList<>(choices.keySet());
        String rule = names.size() == 1 ? names.get(0)
                : String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
        return new Parser<>(rule, raw -> choices.entrySet().stream()
                .filter(choice -> choice.getKey().equalsIgnoreCase(raw.trim())).map(Map.Entry::getValue)
                .findFirst().orElseThrow(Parser::rejected));
    }

    static Parser<SignerProvider> signer() {
        return oneOf(Arrays.stream(SignerProvider.values()).collect(Collectors.toMap(SignerProvider::configName,
                Function.identity(), (a, b) -> a, java.util.LinkedHashMap::new)));
    }

    static Parser<URI> httpUrl() {
        return new Parser<>("an absolute http(s) URL", raw -> {
            try {
                URI uri = new URI(raw.trim());
                if (uri.isAbsolute() && uri.getHost() != null
                        && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                    return uri;
                }
            } catch (URISyntaxException e) {
                // rejected below
            }
            throw rejected();
        });
    }

    static Parser<DatabaseUrl> databaseUrl() {
        return new Parser<>("a PostgreSQL JDBC URL (jdbc:postgresql://host:5432/db) or a postgres:// URL"
                + " (postgres://user:password@host:5432/db?sslmode=require)", raw -> {
            try {
                return DatabaseUrl.parse(raw);
            } catch (IllegalArgumentException e) {
                throw rejected();
            }
        });
    }

    static Parser<Path> path() {
        return new Parser<>("a valid path", raw -> {
            try {
                return Path.of(raw.trim());
            } catch (InvalidPathException e) {
                throw rejected();
            }
        });
    }

    static Parser<List<Cidr>> cidrs() {
        return new Parser<>("IP addresses or CIDRs such as 10.0.0.0/8, comma-separated", raw -> {
            List<Cidr> blocks = new ArrayList<>();
            for (String entry : raw.split(",")) {
                if (!entry.isBlank()) {
                    try {
                        blocks.add(Cidr.parse(entry.strip()));
                    } catch (IllegalArgumentException e) {
                        throw new Rejected(Optional.of(entry.strip()));
                    }
                }
            }
            return List.copyOf(blocks);
        });
    }

    /** A secret of at least {@code minBytes} UTF-8 bytes, kept as those bytes. */
    static Parser<Secret> secretText(int minBytes) {
        return new Parser<>(minBytes == 0 ? "" : "at least " + minBytes + " bytes long", raw -> {
            if (raw.getBytes(StandardCharsets.UTF_8).length < minBytes) {
                throw rejected();
            }
            return new Secret(raw);
        });
    }

    /** A base64-encoded key of exactly {@code bytes} bytes, kept decoded. */
    static Parser<Secret> base64Key(int bytes) {
        return new Parser<>("a base64-encoded " + bytes * 8 + "-bit key, as 'openssl rand -base64 " + bytes
                + "' prints", raw -> {
            try {
                byte[] decoded = Base64.getDecoder().decode(raw.trim());
                if (decoded.length == bytes) {
                    return Secret.ofBytes(decoded);
                }
            } catch (IllegalArgumentException e) {
                // rejected below
            }
            throw rejected();
        });
    }

    /** The rule as a sentence for help texts, or nothing for free text. */
    String sentence() {
        return rule.isEmpty() ? "" : " Must be " + rule + ".";
    }

    @Override
    public String toString() {
        return "Parser[" + rule.toLowerCase(Locale.ROOT) + "]";
    }
}
