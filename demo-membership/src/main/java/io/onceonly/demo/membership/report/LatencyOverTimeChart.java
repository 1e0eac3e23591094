package io.onceonly.demo.membership.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * An SVG chart of payment-to-card latency over the run: per second of payment commits, the median,
 * the 99th percentile and the maximum, on a logarithmic axis, with a marker where each fault first
 * fired. A reader sees at once what each crash cost and how fast the pipeline recovered.
 */
public final class LatencyOverTimeChart {

    private static final int WIDTH = 900;
    private static final int HEIGHT = 380;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 30;
    private static final int BOTTOM = 50;

    private LatencyOverTimeChart() {
    }

    /**
     * @param samples {millis since start of the payment's commit, latency in micros}
     * @param markers fault name to millis since start
     */
    public static String svg(List<long[]> samples, Map<String, Long> markers) {
        TreeMap<Long, List<Long>> perSecond = new TreeMap<>();
        for (long[] s : samples) {
            perSecond.computeIfAbsent(s[0] / 1000, k -> new ArrayList<>()).add(s[1]);
        }
        long lastSecond = Math.max(1, perSecond.isEmpty() ? 1 : perSecond.lastKey() + 1);
        for (long at : markers.values()) {
            lastSecond = Math.max(lastSecond, at / 1000 + 1);
        }
        double maxMs = 10;
        for (long[] s : samples) {
            maxMs = Math.max(maxMs, s[1] / 1000.0);
        }
        int decades = (int) Math.ceil(Math.log10(maxMs));
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n",
                WIDTH, HEIGHT));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"14\">Payment commit to card commit, per second of payments (log scale)</text>%n", LEFT));
        for (int d = 0; d <= decades; d++) {
            double y = y(Math.pow(10, d), decades);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n", LEFT, y, WIDTH - RIGHT, y));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", LEFT - 6, y + 4, label(Math.pow(10, d))));
        }
        long step = Math.max(1, lastSecond / 10);
        for (long s = 0; s <= lastSecond; s += step) {
            double x = x(s, lastSecond);
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%ds</text>%n", x, HEIGHT - BOTTOM + 18, s));
        }
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n", LEFT, HEIGHT - BOTTOM, WIDTH - RIGHT, HEIGHT - BOTTOM));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n", LEFT, TOP, LEFT, HEIGHT - BOTTOM));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">time of payment since the start</text>%n",
                (LEFT + WIDTH - RIGHT) / 2, HEIGHT - 12));
        String[] names = {"max", "p99", "p50"};
        String[] colors = {"#d62728", "#ff7f0e", "#1f77b4"};
        double[] quantiles = {1.0, 0.99, 0.50};
        for (int i = 0; i < names.length; i++) {
            StringBuilder points = new StringBuilder();
            for (Map.Entry<Long, List<Long>> e : perSecond.entrySet()) {
                long[] sorted = e.getValue().stream().mapToLong(Long::longValue).sorted().toArray();
                double ms = Math.max(1, LatencyRecorder.quantile(sorted, quantiles[i]) / 1000.0);
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(e.getKey() + 0.5, lastSecond), y(ms, decades)));
            }
            svg.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"%s\"/>%n", colors[i], points.toString().strip()));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" fill=\"%s\">&#8212; %s</text>%n", WIDTH - RIGHT - 150 + 50 * i, colors[i], names[i]));
        }
        int row = 0;
        for (Map.Entry<String, Long> m : markers.entrySet()) {
            double x = x(m.getValue() / 1000.0, lastSecond);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#555\" stroke-dasharray=\"4 3\"/>%n", x, TOP, x, HEIGHT - BOTTOM));
            // Labels from the bottom up, so that faults close together stay readable.
            boolean nearRightEdge = x > WIDTH * 0.8;
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" fill=\"#555\" text-anchor=\"%s\">%s</text>%n",
                    nearRightEdge ? x - 3 : x + 3, HEIGHT - BOTTOM - 6 - 14 * (row++ % 6), nearRightEdge ? "end" : "start", m.getKey()));
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static double x(double second, long lastSecond) {
        return LEFT + (WIDTH - LEFT - RIGHT) * second / lastSecond;
    }

    private static double y(double ms, int decades) {
        return HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * Math.log10(Math.max(1, ms)) / decades;
    }

    private static String label(double ms) {
        return ms >= 1000 ? String.format(Locale.ROOT, "%.0f s", ms / 1000) : String.format(Locale.ROOT, "%.0f ms", ms);
    }
}
