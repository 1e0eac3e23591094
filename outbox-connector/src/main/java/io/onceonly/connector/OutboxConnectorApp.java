package io.onceonly.connector;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.onceonly.connector.config.ConnectorConfig;
import io.onceonly.connector.config.ConnectorOptions;
import io.onceonly.runtime.AppOptions;
import io.onceonly.runtime.OptionsTable;
import io.onceonly.runtime.StopSignals;

/**
 * {@code java -jar outbox-connector.jar [--config connector.properties] [--name=value ...]}.
 *
 * <p>Exit codes: 0 after a stop on SIGTERM or SIGINT (engine stopped, producer flushed, position
 * saved), 1 when the engine fails, 2 for a configuration error (the message names the option).
 */
public final class OutboxConnectorApp {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxConnectorApp.class);

    private OutboxConnectorApp() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        AppOptions options;
        ConnectorConfig config;
        try {
            options = AppOptions.load(args, System.getenv());
            if (options.help() || options.listOptions()) {
                System.out.println("Once outbox connector: relays the PostgreSQL outbox table to Kafka.\n\n"
                        + "Usage: java -jar outbox-connector.jar [--config FILE] [--option=value ...] [--list-options]\n"
                        + "Options come from FILE (or $" + AppOptions.CONFIG_FILE_ENV + "), then " + AppOptions.ENV_PREFIX
                        + "* environment variables, then --option=value arguments.\n");
                if (options.listOptions()) {
                    System.out.print(OptionsTable.markdown(ConnectorOptions.definition(), ConnectorOptions.PASS_THROUGH));
                }
                return 0;
            }
            config = ConnectorConfig.from(options);
        } catch (ConfigException | IllegalArgumentException e) {
            System.err.println("Configuration error: " + e.getMessage());
            return 2;
        }
        LOG.info("starting with {}", config.describe());

        CountDownLatch stop = new CountDownLatch(1);
        StopSignals.onTermination(stop::countDown);
        OutboxConnector connector = new OutboxConnector(config);
        try {
            connector.start();
        } catch (ConfigException e) {
            System.err.println("Configuration error: " + e.getMessage());
            connector.close();
            return 2;
        }
        try {
            while (!stop.await(1, TimeUnit.SECONDS)) {
                if (connector.finished().isDone()) {
                    connector.finished().get();
                    LOG.info("the engine stopped by itself");
                    connector.close();
                    return 0;
                }
            }
            LOG.info("stop requested: stopping the engine, flushing the producer, saving the position");
            connector.close();
            return 0;
        } catch (ExecutionException e) {
            LOG.error("the Debezium engine failed: {}", e.getCause().toString(), e.getCause());
            connector.close();
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            connector.close();
            return 1;
        }
    }
}
