package io.onceonly.bench;

/**
 * One offered rate of the end-to-end figure, for the chart.
 *
 * @param offered events per second offered by the writer
 * @param p50 median commit -> dedup output latency, ms
 * @param p99 99th percentile, ms
 * @param max maximum, ms
 * @param throughput events per second delivered to the output
 */
record RatePoint(int offered, double p50, double p99, double max, double throughput) {
}
