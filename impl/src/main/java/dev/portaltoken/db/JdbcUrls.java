package dev.portaltoken.db;

import java.util.regex.Pattern;

/** Renders JDBC URLs for humans and logs. */
final class JdbcUrls {
    private static final Pattern PASSWORD = Pattern.compile("(?i)(password=)[^&;]*");
    private static final Pattern USER_INFO = Pattern.compile("(//[^/@:]*:)[^/@]*@");

    private JdbcUrls() {
    }

    /** The URL with any password (query parameter or user-info) replaced by {@code ***}. */
    static String withoutPassword(String url) {
        String masked = PASSWORD.matcher(url).replaceAll("$1***");
        return USER_INFO.matcher(masked).replaceAll("$1***@");
    }
}
