package io.onceonly.demo.membership.pipeline;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.sql.DataSource;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

import io.onceonly.demo.membership.services.DemoNames;
import io.onceonly.stack.Await;
import io.onceonly.stack.TopicLeaders;

/**
 * What the demo creates in a Kafka cluster and a database, and how to remove it: the two schemas,
 * the replication slot and publication, the topics (the dedup app's internal ones included).
 * Against the user's own servers the demo refuses to run over an earlier run's leftovers unless
 * {@code --reset} asks it to remove them.
 */
public final class DemoFootprint {

    private static final Map<String, Integer> TOPICS = Map.of(
            DemoNames.PAYMENT_TOPIC, 4,
            DemoNames.CARD_TOPIC, 4,
            DemoNames.DUPLICATES_TOPIC, 1,
            DemoNames.CONNECTOR_DEAD_LETTER, 1,
            DemoNames.DEDUP_DEAD_LETTER, 1);

    /**
     * The connector's offsets topic as earlier releases named it: a run from before the rename
     * leaves it behind, and {@code --reset} removes it with the rest.
     */
    static final String FORMER_CONNECTOR_OFFSETS_TOPIC = "once-membership-demo.relay-offsets";

    private final DataSource db;
    private final Properties kafka = new Properties();

    public DemoFootprint(Infrastructure infra) {
        this.db = infra.dataSource();
        kafka.putAll(infra.kafkaClient());
        // A Kafka that is not there should be named within seconds, not after the client's default minute.
        kafka.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
        kafka.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    }

    /** The leftovers of an earlier run, named; empty when there are none. */
    public List<String> leftovers() throws SQLException {
        List<String> found = new ArrayList<>();
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("select nspname from pg_namespace where nspname in ('" + DemoNames.PAYMENT_SCHEMA
                    + "', '" + DemoNames.CARD_SCHEMA + "') order by 1")) {
                while (rs.next()) {
                    found.add("schema " + rs.getString(1));
                }
            }
            try (ResultSet rs = s.executeQuery("select 1 from pg_replication_slots where slot_name = '" + DemoNames.SLOT + "'")) {
                if (rs.next()) {
                    found.add("replication slot " + DemoNames.SLOT);
                }
            }
        }
        demoTopics().forEach(topic -> found.add("topic " + topic));
        return found;
    }

    /** Drops the connector's replication slot unless a connector holds it: a slot left behind keeps WAL on the server forever. */
    public void dropSlot() throws SQLException {
        try (Connection c = db.getConnection();
             PreparedStatement drop = c.prepareStatement("select pg_drop_replication_slot(slot_name) from pg_replication_slots"
                     + " where slot_name = ? and not active")) {
            drop.setString(1, DemoNames.SLOT);
            drop.execute();
        }
    }

    /** Removes schemas, slot, publication and topics of an earlier run. */
    public void remove() throws SQLException {
        dropSlot();
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("drop publication if exists " + DemoNames.SLOT);
            s.execute("drop schema if exists " + DemoNames.PAYMENT_SCHEMA + " cascade");
            s.execute("drop schema if exists " + DemoNames.CARD_SCHEMA + " cascade");
        }
        List<String> topics = demoTopics();
        if (!topics.isEmpty()) {
            try (Admin admin = Admin.create(kafka)) {
                admin.deleteTopics(topics).all().get(60, TimeUnit.SECONDS);
                // Creating a topic again while its deletion is still under way would fail or vanish.
                Await.until("the demo's topics gone after their deletion", Duration.ofSeconds(60), () -> demoTopics().isEmpty(),
                        this::demoTopics);
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("cannot delete the demo's topics " + topics + ": " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while deleting topics", e);
            }
        }
    }

    /** Creates the demo's topics (broker-default replication), leaving existing ones as they are. */
    public void createTopics() {
        List<NewTopic> topics = new ArrayList<>();
        TOPICS.forEach((name, partitions) -> topics.add(new NewTopic(name, Optional.of(partitions), Optional.empty())));
        try (Admin admin = Admin.create(kafka)) {
            for (var result : admin.createTopics(topics).values().values()) {
                try {
                    result.get(60, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create the demo's topics on " + kafka.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG)
                                + ": " + e.getCause().getMessage(), e.getCause());
                    }
                }
            }
            TopicLeaders.await(admin, TOPICS.keySet());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka at " + kafka.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG)
                    + " did not create the demo's topics within 60 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }

    private List<String> demoTopics() {
        try (Admin admin = Admin.create(kafka)) {
            Set<String> all = admin.listTopics().names().get(20, TimeUnit.SECONDS);
            List<String> ours = new ArrayList<>();
            for (String topic : all) {
                if (TOPICS.containsKey(topic) || topic.equals(DemoNames.CONNECTOR_OFFSETS_TOPIC)
                        || topic.equals(FORMER_CONNECTOR_OFFSETS_TOPIC) || topic.startsWith(DemoNames.DEDUP_APPLICATION_ID + "-")) {
                    ours.add(topic);
                }
            }
            ours.sort(null);
            return ours;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot list the topics of Kafka at " + kafka.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG)
                    + ": " + e.getMessage() + " (check --kafka.bootstrap.servers)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while listing topics", e);
        }
    }
}
