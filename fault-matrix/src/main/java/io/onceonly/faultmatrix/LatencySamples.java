package io.onceonly.faultmatrix;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import javax.sql.DataSource;

import io.onceonly.demo.membership.card.CardSchema;
import io.onceonly.demo.membership.report.LatencyRecorder;
import io.onceonly.demo.membership.services.DemoNames;

/**
 * Payment-to-card latency of every payment, read after the run from the two services' tables: the
 * payment's {@code created_at} and its first card's {@code issued_at}, both from the database's
 * clock, so processes that die and start again do not break the measurement.
 */
final class LatencySamples {

    /** Each {payment time, card time}, epoch milliseconds. */
    private final List<long[]> samples;

    private LatencySamples(List<long[]> samples) {
        this.samples = samples;
    }

    static LatencySamples read(DataSource db) throws SQLException {
        List<long[]> samples = new ArrayList<>();
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select (extract(epoch from p.created_at) * 1000)::bigint,"
                     + " (extract(epoch from min(c.issued_at)) * 1000)::bigint from " + DemoNames.PAYMENT_SCHEMA + ".payment p join "
                     + CardSchema.CARD + " c on c.payment_id = p.payment_id group by p.payment_id, p.created_at")) {
            while (rs.next()) {
                samples.add(new long[] {rs.getLong(1), rs.getLong(2)});
            }
        }
        return new LatencySamples(samples);
    }

    /** Latencies in ms of payments made in [from, to) (epoch ms), sorted. */
    long[] latencies(long from, long to) {
        return samples.stream().filter(s -> s[0] >= from && s[0] < to).mapToLong(s -> Math.max(0, s[1] - s[0])).sorted().toArray();
    }

    /**
     * When the pipeline had caught up after a fault at {@code faultAt}: the card time of the last
     * card (issued after the fault) whose latency was beyond {@code normalMs}; {@code faultAt}
     * itself when no card was late.
     */
    long caughtUpAt(long faultAt, long normalMs) {
        long last = faultAt;
        for (long[] s : samples) {
            if (s[1] >= faultAt && s[1] - s[0] > normalMs) {
                last = Math.max(last, s[1]);
            }
        }
        return last;
    }

    /** For the chart: {ms since {@code start} of the payment, latency in µs}, payments from {@code start} on. */
    List<long[]> chartSince(long start) {
        List<long[]> chart = new ArrayList<>();
        for (long[] s : samples) {
            if (s[0] >= start) {
                chart.add(new long[] {s[0] - start, Math.max(0, s[1] - s[0]) * 1000});
            }
        }
        return chart;
    }

    /** The nearest-rank quantile of sorted values; 0 when there are none. */
    static double quantile(long[] sorted, double q) {
        return sorted.length == 0 ? 0 : LatencyRecorder.quantile(sorted, q);
    }

    @Override
    public String toString() {
        return "LatencySamples[" + samples.size() + "]" + (samples.isEmpty() ? "" : Arrays.toString(samples.get(0)));
    }
}
