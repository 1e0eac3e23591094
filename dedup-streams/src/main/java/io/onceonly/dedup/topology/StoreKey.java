package io.onceonly.dedup.topology;

/**
 * The store key of a biz-id: scoped by the output topic, because the promise is "one record per
 * biz-id on an output topic". A payment id and an order id that happen to be equal never meet,
 * and the scope does not depend on which task a record lands in. '/' cannot occur in a topic name.
 */
public final class StoreKey {

    private StoreKey() {
    }

    public static String of(String outputTopic, String bizId) {
        return outputTopic + "/" + bizId;
    }
}
