package dev.portaltoken.support;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads samples from a server's {@code GET /metrics} (Prometheus text). */
public final class Prometheus {
    private Prometheus() {
    }

    /**
     * The sum of the samples of {@code name} whose labels include each of {@code labels} (written as
     * {@code key="value"}; none for a meter without labels); 0 when there is none.
     */
    public static double sample(Http http, String name, String... labels) {
        return sum(http.get("/metrics").body(), name, labels).orElse(0);
    }

    /** As {@link #sample}, but fails when no sample of {@code name} has those labels. */
    public static double present(Http http, String name, String... labels) {
        return present(http.get("/metrics").body(), name, labels);
    }

    /** As {@link #present(Http, String, String...)}, from one scrape's text (several meters of the same moment). */
    public static double present(String metrics, String name, String... labels) {
        return sum(metrics, name, labels).orElseThrow(() -> new AssertionError("no sample " + name + " with "
                + String.join(",", labels) + " in /metrics"));
    }

    private static java.util.OptionalDouble sum(String metrics, String name, String... labels) {
        Pattern line = Pattern.compile("^" + Pattern.quote(name) + "(?:\\{(.*)\\})? ([0-9.eE+-]+)$", Pattern.MULTILINE);
        Matcher m = line.matcher(metrics);
        double total = 0;
        boolean found = false;
        while (m.find()) {
            boolean all = true;
            for (String label : labels) {
                all &= m.group(1) != null && m.group(1).contains(label);
            }
            if (all) {
                total += Double.parseDouble(m.group(2));
                found = true;
            }
        }
        return found ? java.util.OptionalDouble.of(total) : java.util.OptionalDouble.empty();
    }
}
