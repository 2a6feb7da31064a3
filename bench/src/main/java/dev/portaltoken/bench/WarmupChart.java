package dev.portaltoken.bench;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Throughput after launch (issue 28): each curve's steady state, when it reached 90% of it, and the
 * chart of the curves as SVG, drawn from the results alone.
 */
final class WarmupChart {
    private static final int WIDTH = 760;
    private static final int HEIGHT = 380;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 40;
    private static final int BOTTOM = 50;
    private static final String[] COLOURS = {"#1f5fa8", "#8a8a8a", "#c05020", "#2a8a3a"};

    private WarmupChart() {
    }

    /** The median second of the last {@value Plan#WARMUP_STEADY_S} (requests per second). */
    static double steady(Results.Curve curve) {
        List<Long> s = curve.perSecond();
        List<Double> last = s.subList(Math.max(0, s.size() - Plan.WARMUP_STEADY_S), s.size()).stream()
                .map(Long::doubleValue).toList();
        return last.isEmpty() ? 0 : Ratios.median(last);
    }

    /**
     * The second since launch from which every window of {@value Plan#WARMUP_WINDOW_S} s averages at least
     * 90% of the steady state; empty if the last window does not.
     */
    static Optional<Integer> reached(Results.Curve curve) {
        List<Long> s = curve.perSecond();
        double threshold = 0.9 * steady(curve);
        int w = Plan.WARMUP_WINDOW_S;
        if (s.size() < w || threshold <= 0) {
            return Optional.empty();
        }
        int from = -1;
        for (int start = s.size() - w; start >= 0; start--) {
            double sum = 0;
            for (int i = start; i < start + w; i++) {
                sum += s.get(i);
            }
            if (sum / w < threshold) {
                break;
            }
            from = start;
        }
        return from < 0 ? Optional.empty() : Optional.of(from);
    }

    /** The curves as one SVG line chart: requests per second against seconds since launch. */
    static String svg(List<Results.Curve> curves) {
        int seconds = curves.stream().mapToInt(c -> c.perSecond().size()).max().orElse(1);
        long top = curves.stream().flatMap(c -> c.perSecond().stream()).mapToLong(Long::longValue).max().orElse(1);
        double yMax = niceCeiling(top);
        double plotW = WIDTH - LEFT - RIGHT;
        double plotH = HEIGHT - TOP - BOTTOM;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, HEIGHT));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"20\" font-size=\"14\">Requests per second after"
                + " launch (%d connections, closed loop)</text>%n", LEFT, curves.isEmpty() ? 0 : curves.get(0).connections()));
        for (int i = 0; i <= 5; i++) {
            double value = yMax * i / 5;
            double y = TOP + plotH - plotH * i / 5;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e0e0e0\"/>%n",
                    LEFT, y, LEFT + plotW, y));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%,.0f</text>%n",
                    LEFT - 6, y + 4, value));
        }
        for (int s = 0; s <= seconds; s += 10) {
            double x = LEFT + plotW * s / seconds;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e0e0e0\"/>%n",
                    x, TOP, x, TOP + plotH));
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%d</text>%n",
                    x, TOP + plotH + 16, s));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">seconds since launch</text>%n",
                LEFT + plotW / 2, HEIGHT - 10));
        for (int c = 0; c < curves.size(); c++) {
            Results.Curve curve = curves.get(c);
            String colour = COLOURS[c % COLOURS.length];
            StringBuilder points = new StringBuilder();
            for (int s = 0; s < curve.perSecond().size(); s++) {
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", LEFT + plotW * (s + 0.5) / seconds,
                        TOP + plotH - plotH * curve.perSecond().get(s) / yMax));
            }
            svg.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>%n",
                    colour, points.toString().trim()));
            Optional<Integer> reached = reached(curve);
            if (reached.isPresent()) {
                double x = LEFT + plotW * reached.get() / seconds;
                svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\""
                        + " stroke-dasharray=\"4 3\"/>%n", x, TOP, x, TOP + plotH, colour));
            }
            svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"14\" height=\"3\" fill=\"%s\"/>%n",
                    LEFT + plotW - 380, TOP + 8 + 18 * c, colour));
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%s %s: steady %,.0f/s, 90%% from %s</text>%n",
                    LEFT + plotW - 360, TOP + 13 + 18 * c, escape(curve.name()), escape(curve.scenario()), steady(curve),
                    reached.map(s -> s + " s").orElse("never")));
        }
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%.1f\" stroke=\"black\"/>%n",
                LEFT, TOP, LEFT, TOP + plotH));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"black\"/>%n",
                LEFT, TOP + plotH, LEFT + plotW, TOP + plotH));
        svg.append("</svg>\n");
        return svg.toString();
    }

    /** 1, 2, 2.5 or 5 times a power of ten, at least {@code value}. */
    static double niceCeiling(double value) {
        double power = Math.pow(10, Math.floor(Math.log10(Math.max(1, value))));
        for (double step : new double[] {1, 2, 2.5, 5, 10}) {
            if (step * power >= value) {
                return step * power;
            }
        }
        return 10 * power;
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
