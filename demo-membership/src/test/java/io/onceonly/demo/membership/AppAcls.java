package io.onceonly.demo.membership;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The ACLs each app needs on a cluster that grants nothing without one: the table of
 * docker/README.md ("Kafka with SASL_SSL and ACLs"), as {@link KafkaSaslIT} grants them. A change
 * here changes that table.
 */
final class AppAcls {

    static final String RELAY = "relay";
    static final String RELAY_EXACTLY_ONCE = "relay-eos";
    static final String DEDUP = "dedup";
    static final String CARD = "card";

    private AppAcls() {
    }

    /** The connector, delivery.guarantee=at-least-once, topic.prefix {@code outbox.}. */
    static List<AclBinding> relay(String user, String offsetTopic) {
        return relay(user, "outbox.", offsetTopic);
    }

    private static List<AclBinding> relay(String user, String topicPrefix, String offsetTopic) {
        List<AclBinding> acls = new ArrayList<>();
        // Events and the connector's dead letters (outbox.dead-letter) share the topic prefix.
        acls.add(allow(user, ResourceType.TOPIC, topicPrefix, PatternType.PREFIXED, AclOperation.WRITE));
        for (AclOperation op : List.of(AclOperation.READ, AclOperation.WRITE, AclOperation.CREATE, AclOperation.DESCRIBE_CONFIGS)) {
            acls.add(allow(user, ResourceType.TOPIC, offsetTopic, PatternType.LITERAL, op));
        }
        return acls;
    }

    /** The connector, delivery.guarantee=exactly-once: as at-least-once, and its transactional id ({@code <name>.relay}). */
    static List<AclBinding> relayExactlyOnce(String user, String topicPrefix, String offsetTopic, String transactionalId) {
        List<AclBinding> acls = relay(user, topicPrefix, offsetTopic);
        acls.add(allow(user, ResourceType.TRANSACTIONAL_ID, transactionalId, PatternType.LITERAL, AclOperation.WRITE));
        return acls;
    }

    /** The dedup app with its default topics: inputs {@code outbox.*}, outputs {@code deduped.*}, {@code dedup.dead-letter}. */
    static List<AclBinding> dedup(String user, String applicationId) {
        List<AclBinding> acls = new ArrayList<>();
        acls.add(allow(user, ResourceType.TOPIC, "outbox.", PatternType.PREFIXED, AclOperation.READ));
        acls.add(allow(user, ResourceType.GROUP, applicationId, PatternType.LITERAL, AclOperation.READ));
        for (AclOperation op : List.of(AclOperation.WRITE, AclOperation.CREATE, AclOperation.DESCRIBE_CONFIGS)) {
            acls.add(allow(user, ResourceType.TOPIC, "deduped.", PatternType.PREFIXED, op));
            acls.add(allow(user, ResourceType.TOPIC, "dedup.dead-letter", PatternType.LITERAL, op));
        }
        // Kafka Streams' internal topics (the store's changelog) and transactional ids both start with the application id.
        for (AclOperation op : List.of(AclOperation.READ, AclOperation.WRITE, AclOperation.CREATE)) {
            acls.add(allow(user, ResourceType.TOPIC, applicationId, PatternType.PREFIXED, op));
        }
        acls.add(allow(user, ResourceType.TRANSACTIONAL_ID, applicationId, PatternType.PREFIXED, AclOperation.WRITE));
        return acls;
    }

    /** The card service: reads its topic in its consumer group. */
    static List<AclBinding> card(String user, String topic, String group) {
        return List.of(allow(user, ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.READ),
                allow(user, ResourceType.GROUP, group, PatternType.LITERAL, AclOperation.READ));
    }

    private static AclBinding allow(String user, ResourceType type, String name, PatternType pattern, AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry("User:" + user, "*", operation, AclPermissionType.ALLOW));
    }
}
