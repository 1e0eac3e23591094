package io.onceonly.faultmatrix;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.onceonly.demo.membership.pipeline.Infrastructure;
import io.onceonly.stack.BrokerCluster;
import io.onceonly.stack.Postgres;

/**
 * The servers every cell runs on: a three-node KRaft cluster of child JVMs and a durable PostgreSQL
 * 17. They outlive the cells; each cell removes the previous one's schemas, slot and topics first.
 */
final class Servers implements AutoCloseable {

    private final BrokerCluster kafka;
    private final Postgres postgres;
    private final Infrastructure infra;

    private Servers(BrokerCluster kafka, Postgres postgres, Infrastructure infra) {
        this.kafka = kafka;
        this.postgres = postgres;
        this.infra = infra;
    }

    static Servers start(Path dir) {
        Postgres postgres = Postgres.create().start();
        try {
            BrokerCluster kafka = BrokerCluster.start(3, dir.resolve("kafka"), List.of("-Dlogback.configurationFile=demo-stage-logback.xml"));
            try {
                return new Servers(kafka, postgres, Infrastructure.external(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                        postgres.jdbcUrl(), postgres.username(), postgres.password()));
            } catch (RuntimeException e) {
                kafka.close();
                throw e;
            }
        } catch (RuntimeException e) {
            postgres.close();
            throw e;
        }
    }

    BrokerCluster kafka() {
        return kafka;
    }

    Postgres postgres() {
        return postgres;
    }

    /** Both servers as the demo's code takes them. */
    Infrastructure infra() {
        return infra;
    }

    @Override
    public void close() throws Exception {
        try {
            infra.close();
        } finally {
            try {
                kafka.close();
            } finally {
                postgres.close();
            }
        }
    }
}
