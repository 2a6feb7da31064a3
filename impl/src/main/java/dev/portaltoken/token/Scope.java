package dev.portaltoken.token;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** What a portal token may do: {@code read} billing state, or also {@code manage} plan and payment methods. */
public enum Scope {
    READ,
    MANAGE;

    /** Its name in requests and in the token's {@code scope} claim: {@code read} or {@code manage}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The scope of that exact name, if any. */
    public static Optional<Scope> named(String name) {
        return Arrays.stream(values()).filter(scope -> scope.wireName().equals(name)).findFirst();
    }
}
