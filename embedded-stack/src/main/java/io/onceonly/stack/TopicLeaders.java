package io.onceonly.stack;

import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Waits until every partition of new topics has a leader. A produce request sent before that fails
 * with NOT_LEADER_OR_FOLLOWER, and on a loaded machine the idempotent producer's retry of it has
 * been seen to end in an endless OUT_OF_ORDER_SEQUENCE_NUMBER loop: tests and the demo produce only
 * to topics whose partitions are led.
 */
public final class TopicLeaders {

    private static final long SETTLE_MS = 500;

    private TopicLeaders() {
    }

    /**
     * Returns once every partition of {@code topics} has a leader.
     *
     * @throws IllegalStateException after 60 s, naming the topics
     */
    public static void await(Admin admin, Collection<String> topics) throws InterruptedException {
        Await.until("a leader for every partition of topics " + topics, Duration.ofSeconds(60), () -> led(admin, topics));
        // Seen here: produce requests in the first moments after the leaders appear could still be
        // answered NOT_LEADER_OR_FOLLOWER (the partitions settling on the new node), and the
        // idempotent producer's retry then loop on OUT_OF_ORDER_SEQUENCE_NUMBER. A short settle
        // is cheap against a test that loses its load.
        Thread.sleep(SETTLE_MS);
    }

    // Just after its creation a topic can still be unknown to the broker that answers: not led yet.
    private static boolean led(Admin admin, Collection<String> topics) throws ExecutionException, InterruptedException, TimeoutException {
        try {
            return admin.describeTopics(topics).allTopicNames().get(60, TimeUnit.SECONDS).values().stream()
                    .flatMap(t -> t.partitions().stream())
                    .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return false;
            }
            throw e;
        }
    }
}
