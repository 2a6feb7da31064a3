package dev.portaltoken.config;

import java.util.regex.Pattern;

/** Renders URLs for people and logs: a password never shows. Stateless. */
public final class Urls {
    private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)(password=)[^&;]*");
    private static final Pattern USER_INFO = Pattern.compile("(//[^/@:]*:)[^/@]*@");

    private Urls() {
    }

    /** The URL with any password (a {@code password=} parameter or user-info) replaced by {@code ***}. */
    public static String withoutPassword(String url) {
        String masked = PASSWORD_PARAMETER.matcher(url).replaceAll("$1***");
        return USER_INFO.matcher(masked).replaceAll("$1***@");
    }
}
