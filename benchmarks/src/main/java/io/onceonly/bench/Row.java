package io.onceonly.bench;

/**
 * One measured figure.
 *
 * @param figure which figure (for example "relay latency")
 * @param setting what was varied (for example "2000 ev/s, poll.interval.ms=20")
 * @param metric what was measured (for example "p99 ms")
 * @param value the measurement
 * @param note context: the limit it is paired with, or the target
 */
public record Row(String figure, String setting, String metric, double value, String note) {
}
