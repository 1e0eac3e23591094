package io.onceonly.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.onceonly.connector.OutboxConnectorApp;
import io.onceonly.testkit.ChildJvm;
import io.onceonly.testkit.TestStack;

/** CPU the connector burns with no traffic at all: it runs in a child JVM, measured from /proc. */
final class IdleCost {

    private static final Logger LOG = LoggerFactory.getLogger(IdleCost.class);

    private final TestStack stack;
    private final Results results;
    private final Path logs;

    IdleCost(TestStack stack, Results results, Path logs) {
        this.stack = stack;
        this.results = results;
        this.logs = logs;
    }

    void run(String slot, Map<String, String> settings, int warmSeconds, int measureSeconds) throws Exception {
        String setting = settings.isEmpty() ? "defaults" : settings.toString().replaceAll("[{}]", "");
        try (ChildJvm connector = ChildJvm.start(slot, OutboxConnectorApp.class.getName(),
                List.of(Options.connectorArgs(stack, slot, settings)), Map.of(), logs.resolve(slot + ".log"))) {
            Thread.sleep(warmSeconds * 1000L);
            double before = ProcessCpu.seconds(connector.pid());
            Thread.sleep(measureSeconds * 1000L);
            double percent = 100 * (ProcessCpu.seconds(connector.pid()) - before) / measureSeconds;
            LOG.info("idle connector ({}): {}% of one core", setting, String.format("%.2f", percent));
            results.add(new Row("idle cost", "connector, " + setting, "cpu % of a core", percent,
                    "over " + measureSeconds + " s without traffic; target (with dedup) <= 3"));
            connector.terminate(java.time.Duration.ofSeconds(30));
        }
    }
}
