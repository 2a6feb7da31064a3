package dev.portaltoken.support;

import java.util.regex.Pattern;

/**
 * Masks credentials in text a test may print (failure messages, fuzz cases): portal tokens, any
 * compact JWS, API keys and bearer credentials. Test output must never carry a secret.
 */
public final class Redact {
    private static final Pattern TOKEN_MEMBER = Pattern.compile("(\"token\"\\s*:\\s*)\"(?:[^\"\\\\]|\\\\.)*\"");
    private static final Pattern JWS = Pattern.compile("eyJ[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]*(?:\\.[A-Za-z0-9_-]*)?");
    private static final Pattern API_KEY = Pattern.compile("pt_(live|admin|portal)_[A-Za-z0-9]*(?:/[A-Za-z0-9]*)?");
    private static final Pattern BEARER = Pattern.compile("(?i)(bearer)[ \\t]+[^\\s,\"]+");

    private Redact() {
    }

    public static String mask(String text) {
        if (text == null) {
            return null;
        }
        String masked = TOKEN_MEMBER.matcher(text).replaceAll("$1\"<token masked>\"");
        masked = JWS.matcher(masked).replaceAll("<jws masked>");
        masked = API_KEY.matcher(masked).replaceAll("pt_$1_<key masked>");
        return BEARER.matcher(masked).replaceAll("$1 <credential masked>");
    }

    /** {@link #mask} and cut to {@code max} characters. */
    public static String shown(String text, int max) {
        String masked = mask(text);
        return masked == null || masked.length() <= max ? masked : masked.substring(0, max) + "...";
    }
}
