package io.onceonly.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The end-to-end latency percentiles against the offered rate, as an SVG file: both axes
 * logarithmic, since rates double and latency grows by orders of magnitude at saturation.
 */
final class LatencyByRateChart {

    private static final int WIDTH = 720;
    private static final int HEIGHT = 420;
    private static final int LEFT = 70;
    private static final int RIGHT = 150;
    private static final int TOP = 40;
    private static final int BOTTOM = 60;
    private static final double TARGET_MS = 50;

    private final double minRate;
    private final double maxRate;
    private final double minMs;
    private final double maxMs;

    private LatencyByRateChart(List<RatePoint> points) {
        minRate = points.stream().mapToDouble(RatePoint::offered).min().orElse(1) / 1.2;
        maxRate = points.stream().mapToDouble(RatePoint::offered).max().orElse(10) * 1.2;
        minMs = Math.pow(10, Math.floor(Math.log10(Math.max(0.1, points.stream().mapToDouble(RatePoint::p50).filter(Double::isFinite).min().orElse(1)))));
        maxMs = Math.pow(10, Math.ceil(Math.log10(Math.max(TARGET_MS * 2, points.stream().mapToDouble(RatePoint::max).filter(Double::isFinite).max().orElse(100)))));
    }

    /** Writes the chart of {@code points} to {@code file}; nothing when there are no points. */
    static void write(Path file, String title, List<RatePoint> points) throws IOException {
        if (points.isEmpty()) {
            return;
        }
        Files.writeString(file, new LatencyByRateChart(points).svg(title, points));
    }

    private String svg(String title, List<RatePoint> points) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT));
        s.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, HEIGHT));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" font-size=\"15\">%s</text>%n", LEFT, escape(title)));
        for (double ms = minMs; ms <= maxMs * 1.001; ms *= 10) {
            double y = y(ms);
            s.append(line(LEFT, y, WIDTH - RIGHT, y, "#ddd", ""));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s ms</text>%n", LEFT - 6, y + 4, number(ms)));
        }
        for (RatePoint p : points) {
            double x = x(p.offered());
            s.append(line(x, TOP, x, HEIGHT - BOTTOM, "#eee", ""));
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", x, HEIGHT - BOTTOM + 18, number(p.offered())));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">offered events/s (log)</text>%n",
                (LEFT + WIDTH - RIGHT) / 2, HEIGHT - 18));
        s.append(line(LEFT, y(TARGET_MS), WIDTH - RIGHT, y(TARGET_MS), "#999", " stroke-dasharray=\"6,4\""));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" fill=\"#666\">p99 target 50 ms</text>%n", WIDTH - RIGHT + 6, y(TARGET_MS) + 4));
        series(s, points, RatePoint::p50, "#1f77b4", "p50", 0);
        series(s, points, RatePoint::p99, "#d62728", "p99", 1);
        series(s, points, RatePoint::max, "#7f7f7f", "max", 2);
        s.append(line(LEFT, TOP, LEFT, HEIGHT - BOTTOM, "black", ""));
        s.append(line(LEFT, HEIGHT - BOTTOM, WIDTH - RIGHT, HEIGHT - BOTTOM, "black", ""));
        s.append("</svg>\n");
        return s.toString();
    }

    private void series(StringBuilder s, List<RatePoint> points, ToDoubleFunction<RatePoint> value, String color, String name, int index) {
        StringBuilder path = new StringBuilder();
        for (RatePoint p : points) {
            double v = value.applyAsDouble(p);
            if (!Double.isFinite(v)) {
                continue;
            }
            double x = x(p.offered());
            double y = y(v);
            path.append(path.length() == 0 ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f", x, y));
            s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>%n", x, y, color));
        }
        s.append(String.format(Locale.ROOT, "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>%n", path, color));
        int legendY = TOP + 10 + index * 20;
        s.append(line(WIDTH - RIGHT + 10, legendY, WIDTH - RIGHT + 34, legendY, color, " stroke-width=\"2\""));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", WIDTH - RIGHT + 40, legendY + 4, name));
    }

    private double x(double rate) {
        return LEFT + (WIDTH - LEFT - RIGHT) * (Math.log(rate) - Math.log(minRate)) / (Math.log(maxRate) - Math.log(minRate));
    }

    private double y(double ms) {
        double clamped = Math.max(minMs, Math.min(maxMs, ms));
        return HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * (Math.log(clamped) - Math.log(minMs)) / (Math.log(maxMs) - Math.log(minMs));
    }

    private static String line(double x1, double y1, double x2, double y2, String color, String extra) {
        return String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"%s/>%n", x1, y1, x2, y2, color, extra);
    }

    private static String number(double v) {
        return v >= 1 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
