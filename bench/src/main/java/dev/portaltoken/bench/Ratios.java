package dev.portaltoken.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * Figures of one server's measured rounds: medians over rounds, and ratios of two scenarios taken
 * round by round (each round measures both back to back on the same processes, so noise from
 * outside hits both sides about equally).
 */
record Ratios(Results.ServerRun server) {

    /** The measured (not warm-up) runs of {@code scenario} at {@code connections}. */
    List<Results.Measurement> measured(String scenario, int connections) {
        return server.measurements().stream()
                .filter(m -> m.round() > 0 && m.scenario().equals(scenario) && m.connections() == connections).toList();
    }

    Optional<Double> median(String scenario, int connections, ToDoubleFunction<Results.Measurement> metric) {
        List<Double> values = measured(scenario, connections).stream().map(metric::applyAsDouble).toList();
        return values.isEmpty() ? Optional.empty() : Optional.of(median(values));
    }

    /** {@code metric(a) / metric(b)} in every round that measured both. */
    List<Double> perRound(String a, String b, int connections, ToDoubleFunction<Results.Measurement> metric) {
        List<Double> ratios = new ArrayList<>();
        for (Results.Measurement x : measured(a, connections)) {
            measured(b, connections).stream().filter(y -> y.round() == x.round()).findFirst()
                    .ifPresent(y -> ratios.add(metric.applyAsDouble(x) / metric.applyAsDouble(y)));
        }
        return ratios;
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n == 0 ? Double.NaN : n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** The paced latency runs of {@code scenario} at {@code connections}. */
    List<Results.Latency> tail(String scenario, int connections) {
        return server.latencies().stream().filter(l -> l.scenario().equals(scenario) && l.connections() == connections)
                .toList();
    }

    /** The connection counts of the paced runs, in the order measured. */
    List<Integer> tailConnections() {
        return server.latencies().stream().map(Results.Latency::connections).distinct().toList();
    }

    int tailRate(int connections) {
        return server.latencies().stream().filter(l -> l.connections() == connections).mapToInt(Results.Latency::rate)
                .findFirst().orElse(0);
    }

    double tailMedian(String scenario, int connections, ToDoubleFunction<Results.Latency> metric) {
        return median(tail(scenario, connections).stream().map(metric::applyAsDouble).toList());
    }

    /** {@code metric(scenario) / metric(bare)} in every round that measured both at {@code connections}. */
    List<Double> tailPerRound(String scenario, int connections, ToDoubleFunction<Results.Latency> metric) {
        List<Double> ratios = new ArrayList<>();
        for (Results.Latency x : tail(scenario, connections)) {
            tail("bare", connections).stream().filter(y -> y.round() == x.round()).findFirst()
                    .ifPresent(y -> ratios.add(metric.applyAsDouble(x) / Math.max(1, metric.applyAsDouble(y))));
        }
        return ratios;
    }

    /** {@code 0.87x (rounds 0.85-0.90)}, or {@code -}. */
    static String text(List<Double> ratios) {
        if (ratios.isEmpty()) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.2fx (rounds %.2f-%.2f)", median(ratios),
                ratios.stream().min(Comparator.naturalOrder()).orElseThrow(),
                ratios.stream().max(Comparator.naturalOrder()).orElseThrow());
    }
}
