package dev.portaltoken.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The paced latency measurements' rates by connection count ({@link Plan#tailRates}), in the order measured. */
final class TailRates {
    private TailRates() {
    }

    /** {@code C:RATE,...}, e.g. {@code 1:1000,8:4000}; {@code none} for no paced measurement. */
    static Map<Integer, Integer> parse(String text) {
        if (text.equals("none")) {
            return Map.of();
        }
        List<Integer> pairs = new ArrayList<>();
        for (String pair : text.split(",")) {
            String[] parts = pair.split(":");
            try {
                if (parts.length == 2 && Integer.parseInt(parts[0].trim()) > 0 && Integer.parseInt(parts[1].trim()) > 0) {
                    pairs.add(Integer.parseInt(parts[0].trim()));
                    pairs.add(Integer.parseInt(parts[1].trim()));
                    continue;
                }
            } catch (NumberFormatException e) {
                // below
            }
            throw new IllegalArgumentException("--rates wants CONNECTIONS:REQUESTS_PER_SECOND,... or none, got " + text);
        }
        return of(pairs.stream().mapToInt(Integer::intValue).toArray());
    }

    /** {@code connections, rate, connections, rate, ...} in this order. */
    static Map<Integer, Integer> of(int... pairs) {
        Map<Integer, Integer> rates = new java.util.LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            rates.put(pairs[i], pairs[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(rates);
    }
}
