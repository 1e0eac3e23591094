package io.onceonly.stack;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The main class of one node of a {@link BrokerCluster}, run in a child JVM so that a fault test
 * can SIGKILL a broker for real. Arguments are {@code name=value}: {@code node.id},
 * {@code cluster.id}, {@code port}, {@code controller.port}, {@code controller.quorum.voters},
 * {@code log.dir}; any other name is a broker setting. SIGTERM is a controlled shutdown.
 */
public final class KafkaBrokerProcess {

    private KafkaBrokerProcess() {
    }

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> options = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("argument " + arg + " is not name=value");
            }
            options.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        KafkaBroker.Builder builder = KafkaBroker.builder()
                .logDirectory(Path.of(required(options, "log.dir")))
                .port(Integer.parseInt(required(options, "port")))
                .clusterNode(Integer.parseInt(required(options, "node.id")), required(options, "cluster.id"),
                        Integer.parseInt(required(options, "controller.port")), required(options, "controller.quorum.voters"));
        options.forEach(builder::config);
        KafkaBroker broker = builder.build().start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.stop();
            stopped.countDown();
        }, "kafka-node-stop"));
        stopped.await();
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.remove(name);
        if (value == null) {
            throw new IllegalArgumentException("argument " + name + "=... is missing");
        }
        return value;
    }
}
