package io.onceonly.connector.source;

import org.apache.kafka.connect.connector.Task;

import io.debezium.connector.postgresql.PostgresConnector;

/**
 * Debezium's PostgreSQL connector with {@link OutboxSourceTask} as its task; everything else,
 * options and validation included, is Debezium's.
 */
public class OutboxSourceConnector extends PostgresConnector {

    @Override
    public Class<? extends Task> taskClass() {
        return OutboxSourceTask.class;
    }
}
