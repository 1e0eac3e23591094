package io.onceonly.faultmatrix;

import java.util.List;

import io.onceonly.demo.membership.report.Check;

/**
 * What one cell measured: the load, the duplicates each stage made and removed, the losses and
 * double effects (both must be 0), how long the pipeline took to catch up after the fault, and the
 * verdict.
 *
 * @param cell the cell's id
 * @param fault what the fault was
 * @param happened what the injection reported (which node, takeover time, exit codes)
 * @param offered purchase requests sent (first calls)
 * @param payments charges in the payment database
 * @param cards cards in the card database
 * @param clientRetries purchase calls sent again with the same request id
 * @param businessResends PaymentCompleted published again (new event id, same biz-id)
 * @param relayResent records on the payment topic beyond one per outbox row (the connector's resends)
 * @param dedupDropped records the dedup app dropped as duplicates of a biz-id
 * @param cardClaimRefused redelivered payments whose card claim was refused
 * @param lostOnKafka payments whose event never reached the payment topic
 * @param lostEffects payments without a card
 * @param doubleEffects payments with two or more cards
 * @param faultAtSeconds when the fault began, seconds after the measured load started
 * @param p50BeforeFaultMs median payment-to-card latency of the payments before the fault: "normal" is three times
 *     this, at least a second (when the pipeline did not keep up with the offered rate before the fault, it is large
 *     and the catch-up time says little)
 * @param caughtUpSeconds from the fault's start to the last card delayed beyond normal; -1 if never caught up
 * @param p99DuringFaultMs p99 payment-to-card latency of payments made between the fault and the catch-up
 * @param p50Ms median payment-to-card latency over the measured load
 * @param p99Ms p99 payment-to-card latency over the measured load
 * @param seconds the cell's measured duration, load start to drained
 * @param checks the verdict's checks
 * @param notes what else the run said (stages that did not stop cleanly, a drain that timed out)
 */
public record CellResult(String cell, String fault, String happened, long offered, long payments, long cards,
                         long clientRetries, long businessResends, long relayResent, long dedupDropped, long cardClaimRefused,
                         long lostOnKafka, long lostEffects, long doubleEffects, double faultAtSeconds, double p50BeforeFaultMs,
                         double caughtUpSeconds,
                         double p99DuringFaultMs, double p50Ms, double p99Ms, double seconds, List<Check> checks, List<String> notes) {

    public CellResult {
        checks = List.copyOf(checks);
        notes = List.copyOf(notes);
    }

    /** Whether every check held. */
    public boolean holds() {
        return checks.stream().allMatch(Check::holds);
    }
}
