package io.onceonly.faultmatrix;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.onceonly.stack.TcpProxy;

/**
 * The connector's network paths, through proxies that a cell can cut: one per Kafka node (the
 * cluster's {@code PROXIED} listener advertises the proxies' ports, so every broker connection the
 * connector opens goes through one) and one to PostgreSQL (the replication stream and the
 * connector's own queries). Every other stage connects directly, so a cut isolates the connector.
 */
final class RelayProxies implements AutoCloseable {

    private final List<TcpProxy> kafka;
    private final TcpProxy postgres;
    private final String bootstrapServers;
    private final String jdbcUrl;

    private RelayProxies(List<TcpProxy> kafka, TcpProxy postgres, String bootstrapServers, String jdbcUrl) {
        this.kafka = kafka;
        this.postgres = postgres;
        this.bootstrapServers = bootstrapServers;
        this.jdbcUrl = jdbcUrl;
    }

    static RelayProxies start(Servers servers) {
        List<TcpProxy> kafka = new ArrayList<>();
        servers.kafka().proxiedEndpoints().forEach((advertised, node) -> kafka.add(TcpProxy.start(advertised, node)));
        TcpProxy postgres = TcpProxy.start(0, servers.postgres().port());
        return new RelayProxies(kafka, postgres, servers.kafka().proxiedBootstrapServers(),
                "jdbc:postgresql://127.0.0.1:" + postgres.port() + "/" + servers.postgres().database());
    }

    /** The connector options that route it through the proxies. */
    Map<String, String> connectorOptions() {
        return Map.of("kafka.bootstrap.servers", bootstrapServers, "database.url", jdbcUrl);
    }

    void cutKafka() {
        kafka.forEach(TcpProxy::cut);
    }

    void restoreKafka() {
        kafka.forEach(TcpProxy::restore);
    }

    void cutPostgres() {
        postgres.cut();
    }

    void restorePostgres() {
        postgres.restore();
    }

    @Override
    public void close() {
        kafka.forEach(TcpProxy::close);
        postgres.close();
    }
}
