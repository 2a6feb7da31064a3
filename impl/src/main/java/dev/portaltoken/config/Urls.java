package dev.portaltoken.config;

import java.util.regex.Pattern;

/** Renders URLs for people and logs: a password never shows. Stateless. */
public final class Urls {
    private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)(password=)[^&;\\s]*");
    private static final Pattern USER_INFO = Pattern.compile("(//[^/@:\\s]*:)[^/\\s]*@");

    private Urls() {
    }

    /**
     * {@code text} (a URL, or a message that quotes URLs) with every password in a URL's user-info or
     * a {@code password=} parameter replaced by {@code ***}.
     */
    public static String withoutPassword(String text) {
        String masked = PASSWORD_PARAMETER.matcher(text).replaceAll("$1***");
        return USER_INFO.matcher(masked).replaceAll("$1***@");
    }
}
