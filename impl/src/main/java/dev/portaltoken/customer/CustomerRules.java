package dev.portaltoken.customer;

import dev.portaltoken.errors.Failure;
import dev.portaltoken.ids.CustomerIds;
import java.util.regex.Pattern;

/** What a customer's alias and email must be, checked alike by every way of writing one. Stateless. */
final class CustomerRules {
    /** Aliases travel in a URL path segment, so they keep to characters that need no escaping there. */
    static final Pattern ALIAS = Pattern.compile("[A-Za-z0-9._~@:+-]{1,255}");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+");
    /** Names are shown, never parsed: any text but NUL (which PostgreSQL refuses), within a bound. */
    private static final int MAX_NAME = 1_000;

    private CustomerRules() {
    }

    /** @throws Failure INVALID when {@code alias} may not be an alias */
    static void checkAlias(String alias) {
        if (!ALIAS.matcher(alias).matches()) {
            throw Failure.invalid("alias must be 1 to 255 characters from A-Z a-z 0-9 . _ ~ @ : + -");
        }
        if (CustomerIds.parse(alias).isPresent()) {
            throw Failure.invalid("alias '" + alias + "' has the form of a customer id; choose another");
        }
    }

    static boolean isEmail(String email) {
        return EMAIL.matcher(email).matches() && email.length() <= 320;
    }

    /** @throws Failure INVALID when {@code email} is not an email address */
    static void checkEmail(String email) {
        if (!isEmail(email)) {
            throw Failure.invalid("email '" + shown(email) + "' is not an email address");
        }
    }

    /** @throws Failure INVALID for a name with a NUL character or over 1,000 characters */
    static void checkName(String name) {
        if (name.indexOf('\0') >= 0 || name.length() > MAX_NAME) {
            throw Failure.invalid("name must be at most " + MAX_NAME + " characters, without NUL");
        }
    }

    /** Checks the fields a write sets: null ones are not set, empty ones are cleared. */
    static void checkFields(String alias, String name, String email) {
        if (alias != null && !alias.isEmpty()) {
            checkAlias(alias);
        }
        if (name != null) {
            checkName(name);
        }
        if (email != null && !email.isEmpty()) {
            checkEmail(email);
        }
    }

    /** True when {@code idOrAlias} could name a customer: a {@code cus_} id or an alias in the allowed characters. */
    static boolean canName(CustomerRef ref) {
        return ref.id() != null || ALIAS.matcher(ref.alias()).matches();
    }

    /** The failure of a write that would give a second customer of the tenant {@code alias}. */
    static Failure aliasTaken(String alias) {
        return Failure.conflict("alias '" + alias + "' is already used by another customer of this tenant");
    }

    /** A value as shown in a message: at most 100 characters. */
    static String shown(String value) {
        return value.length() <= 100 ? value : value.substring(0, 100) + "...";
    }
}
