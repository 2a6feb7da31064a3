package dev.portaltoken.token;

import java.util.Optional;

/** What a portal token may do: {@code read} billing state, or also {@code manage} plan and payment methods. */
public enum Scope {
    READ("read"),
    MANAGE("manage");

    private final String wireName;

    Scope(String wireName) {
        this.wireName = wireName;
    }

    /** Its name in requests and in the token's {@code scope} claim. */
    public String wireName() {
        return wireName;
    }

    /** The scope of that exact name, if any. */
    public static Optional<Scope> named(String name) {
        for (Scope scope : values()) {
            if (scope.wireName.equals(name)) {
                return Optional.of(scope);
            }
        }
        return Optional.empty();
    }
}
