package io.onceonly.spring.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;

import io.onceonly.contracts.OutboxSchema;
import io.onceonly.contracts.wire.WireLimits;

/** The {@code once.*} properties of a Spring Boot service. */
@ConfigurationProperties(prefix = "once")
public class OnceProperties {

    private final Outbox outbox = new Outbox();
    private final Consumer consumer = new Consumer();
    private final Tracing tracing = new Tracing();

    /** The write side: the outbox table and its writer. */
    public Outbox getOutbox() {
        return outbox;
    }

    /** The read side: claims of biz-ids by this service's listeners. */
    public Consumer getConsumer() {
        return consumer;
    }

    /** Trace context on events and spans around deliveries. */
    public Tracing getTracing() {
        return tracing;
    }

    /** {@code once.outbox.*}. */
    public static class Outbox {

        /** The outbox table, optionally schema-qualified. */
        private String table = OutboxSchema.OUTBOX_TABLE;

        /** Delete each row in the same transaction right after its insert (the WAL keeps the insert for the connector). */
        private boolean deleteAfterInsert;

        /**
         * The largest event the writer accepts, in bytes of the Kafka record the connector makes of it; raise it only
         * together with the connector producer's max.request.size and the topics' max.message.bytes.
         */
        private int maxEventBytes = WireLimits.DEFAULT_MAX_EVENT_BYTES;

        public String getTable() {
            return table;
        }

        public void setTable(String table) {
            this.table = table;
        }

        public boolean isDeleteAfterInsert() {
            return deleteAfterInsert;
        }

        public void setDeleteAfterInsert(boolean deleteAfterInsert) {
            this.deleteAfterInsert = deleteAfterInsert;
        }

        public int getMaxEventBytes() {
            return maxEventBytes;
        }

        public void setMaxEventBytes(int maxEventBytes) {
            this.maxEventBytes = maxEventBytes;
        }
    }

    /** {@code once.consumer.*}. */
    public static class Consumer {

        /** The name claims are made under (one per consumer that must act once per biz-id); default spring.application.name. */
        private String name;

        /** The table of claims (laid out as processed_message), optionally schema-qualified. */
        private String table = OutboxSchema.PROCESSED_MESSAGE_TABLE;

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public String getTable() {
            return table;
        }

        public void setTable(String table) {
            this.table = table;
        }
    }

    /** {@code once.tracing.*}. */
    public static class Tracing {

        /**
         * With the OpenTelemetry API on the class path: write the current W3C trace context into each event's headers, and
         * continue a record's trace in a span around its claim and effect.
         */
        private boolean enabled = true;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }
}
