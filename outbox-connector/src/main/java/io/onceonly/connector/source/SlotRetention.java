package io.onceonly.connector.source;

/**
 * How much WAL the replication slot keeps on the server, as {@code pg_replication_slots} says.
 *
 * @param retainedWalBytes WAL between the server's current position and the slot's {@code restart_lsn}: what the
 *     server may not remove while the slot exists
 * @param confirmedLagBytes WAL between the server's current position and the slot's {@code confirmed_flush_lsn}:
 *     what the relay has not confirmed yet
 * @param walStatus the slot's {@code wal_status} ({@code reserved}, {@code extended}, {@code unreserved} or
 *     {@code lost}), or null when the server does not say
 */
public record SlotRetention(long retainedWalBytes, long confirmedLagBytes, String walStatus) {
}
