package io.onceonly.bench;

import java.util.Arrays;

/** Latency samples in microseconds and their percentiles. */
final class Latencies {

    private long[] samples = new long[1024];
    private int size;

    void add(long micros) {
        if (size == samples.length) {
            samples = Arrays.copyOf(samples, size * 2);
        }
        samples[size++] = micros;
    }

    int count() {
        return size;
    }

    /** The {@code p}-th percentile (0 to 100) in milliseconds. */
    double percentileMillis(double p) {
        if (size == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(samples, size);
        Arrays.sort(sorted);
        int index = (int) Math.min(size - 1, Math.max(0, Math.ceil(p / 100.0 * size) - 1));
        return sorted[index] / 1000.0;
    }
}
