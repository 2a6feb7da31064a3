package dev.portaltoken.config;

import java.util.regex.Pattern;

/** Renders URLs (JDBC or any other) for humans and logs, without their passwords. Stateless. */
public final class JdbcUrls {
    /** {@code password=...} (also {@code sslpassword=}), up to the next parameter separator. */
    private static final Pattern PASSWORD = Pattern.compile("(?i)(password=)[^&;\\s]*");
    /** The password of {@code scheme://user:password@host}, up to the last {@code @} before the path. */
    private static final Pattern USER_INFO = Pattern.compile("(//[^/@:\\s]*:)[^/\\s]*@");

    private JdbcUrls() {
    }

    /** {@code text} with every password in a URL's user-info or a {@code password=} parameter replaced by {@code ***}. */
    public static String withoutPassword(String text) {
        String masked = PASSWORD.matcher(text).replaceAll("$1***");
        return USER_INFO.matcher(masked).replaceAll("$1***@");
    }
}
