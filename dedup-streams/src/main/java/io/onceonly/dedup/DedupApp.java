package io.onceonly.dedup;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.onceonly.dedup.config.DedupConfig;
import io.onceonly.dedup.config.DedupOptions;
import io.onceonly.runtime.AppOptions;
import io.onceonly.runtime.OptionsTable;
import io.onceonly.runtime.StopSignals;

/**
 * {@code java -jar dedup-streams.jar [--config dedup.properties] [--name=value ...]}.
 *
 * <p>Exit codes: 0 after a stop on SIGTERM or SIGINT (Kafka Streams closed, last transaction
 * committed), 1 when Kafka Streams fails, 2 for a configuration error (the message names the option).
 */
public final class DedupApp {

    private static final Logger LOG = LoggerFactory.getLogger(DedupApp.class);

    private DedupApp() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        DedupConfig config;
        try {
            AppOptions options = AppOptions.load(args, System.getenv());
            if (options.help() || options.listOptions()) {
                System.out.println("Once dedup app: forwards the first record of each biz-id, drops the rest.\n\n"
                        + "Usage: java -jar dedup-streams.jar [--config FILE] [--option=value ...] [--list-options]\n"
                        + "Options come from FILE (or $" + AppOptions.CONFIG_FILE_ENV + "), then " + AppOptions.ENV_PREFIX
                        + "* environment variables, then --option=value arguments.\n");
                if (options.listOptions()) {
                    System.out.print(OptionsTable.markdown(DedupOptions.definition(), DedupOptions.PASS_THROUGH));
                }
                return 0;
            }
            config = DedupConfig.from(options);
        } catch (ConfigException | IllegalArgumentException e) {
            System.err.println("Configuration error: " + e.getMessage());
            return 2;
        }
        LOG.info("starting with {}", config.describe());
        CountDownLatch stop = new CountDownLatch(1);
        StopSignals.onTermination(stop::countDown);
        try (DedupService service = new DedupService(config).start()) {
            while (!stop.await(1, TimeUnit.SECONDS)) {
                KafkaStreams.State state = service.state();
                if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING) {
                    LOG.error("Kafka Streams is {}; exiting", state);
                    return 1;
                }
            }
            LOG.info("stop requested: closing Kafka Streams");
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }
}
