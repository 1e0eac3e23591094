package io.onceonly.demo.membership.driver;

/**
 * How far the run has come, layer by layer, at one moment.
 *
 * @param purchases purchase requests answered so far (first calls, not retries)
 * @param written outbox events committed by the payment service (payments and business resends)
 * @param relayed records on the payment topic (relay resends included)
 * @param forwarded records the dedup app committed to the card topic
 * @param cards cards the card service committed
 */
public record Counts(long purchases, long written, long relayed, long forwarded, long cards) {
}
